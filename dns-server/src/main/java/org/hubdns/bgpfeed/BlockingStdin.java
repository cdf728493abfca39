package org.hubdns.bgpfeed;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Standard input that blocks. ExaBGP hands its processes a non-blocking pipe, on which a plain read
 * fails with EAGAIN ("Resource temporarily unavailable") whenever ExaBGP has nothing to say. On
 * Linux, opening {@code /proc/self/fd/0} again gives a new open file description of the same pipe,
 * which is blocking; where that cannot be opened (a socket, no /proc), reads that fail with EAGAIN
 * are retried after a short sleep.
 */
final class BlockingStdin {
    private BlockingStdin() {
    }

    static InputStream open() {
        Path fd0 = Path.of("/proc/self/fd/0");
        if (Files.isReadable(fd0)) {
            try {
                return new FileInputStream(fd0.toFile());
            } catch (IOException e) {
                // a socket or something else that cannot be reopened: fall back
            }
        }
        return new EagainRetrying(new FileInputStream(FileDescriptor.in));
    }

    /** Retries a read that failed because the descriptor is non-blocking and empty. */
    static final class EagainRetrying extends InputStream {
        private final InputStream in;

        EagainRetrying(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (true) {
                try {
                    return in.read(b, off, len);
                } catch (IOException e) {
                    String m = String.valueOf(e.getMessage());
                    if (!m.contains("temporarily unavailable") && !m.contains("EAGAIN")) {
                        throw e;
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", ie);
                    }
                }
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
