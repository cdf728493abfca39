package org.hubdns.cluster.feed;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary form of a coverage feed's changes as the cluster keeps them: one batch of the feed's
 * live-update log (the announcements, withdrawals and session downs of one POST, in order), or a
 * whole route table written back by compaction. A {@link Writer} is a {@link RouteSink} that
 * records; {@link #read} replays into any sink. Numbers are varints and session names are sent once
 * per stream, so a route costs some 20 to 40 bytes.
 *
 * <p>Layout: magic {@code 'R' 'B'}, version 1, the writer's time (ms), then operations until
 * {@code END}, then the bad lines skipped (known only once the lines are read).
 */
public final class RouteBatch {
    private static final int MAGIC = 0x5242;
    private static final int VERSION = 1;
    private static final int END = 0;
    private static final int ANNOUNCE = 1;
    private static final int WITHDRAW = 2;
    private static final int DOWN = 3;

    /** What a batch says besides its operations. */
    public record Header(long timeMillis, long skipped) {
    }

    /** What a replay found. */
    public record Replayed(Header header, long announced, long withdrawn, long downs) {
        public long operations() {
            return announced + withdrawn + downs;
        }
    }

    private RouteBatch() {
    }

    /** A sink that writes each call to {@code out}; {@link #finish()} ends the stream (the caller closes it). */
    public static final class Writer implements RouteSink {
        private final OutputStream out;
        private final Map<String, Integer> sessions = new HashMap<>();
        private final byte[] buf = new byte[10];
        private long operations;

        public Writer(OutputStream out, long timeMillis) {
            this.out = out;
            try {
                out.write(MAGIC >> 8);
                out.write(MAGIC & 0xFF);
                out.write(VERSION);
                varint(timeMillis);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public long operations() {
            return operations;
        }

        @Override
        public void announce(String session, byte[] prefix, int prefixLength, long pathId, long announcerAs,
                byte[] announcerAddress, long[] asPath) {
            try {
                out.write(ANNOUNCE);
                session(session);
                address(prefix);
                out.write(prefixLength);
                varint(pathId);
                varint(announcerAs);
                address(announcerAddress);
                varint(asPath == null ? 0 : asPath.length);
                if (asPath != null) {
                    for (long as : asPath) {
                        varint(as);
                    }
                }
                operations++;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void withdraw(String session, byte[] prefix, int prefixLength, long pathId) {
            try {
                out.write(WITHDRAW);
                session(session);
                address(prefix);
                out.write(prefixLength);
                varint(pathId);
                operations++;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void sessionDown(String session) {
            try {
                out.write(DOWN);
                session(session);
                operations++;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Ends the stream; {@code skipped}: the input lines that were not read into it. */
        public void finish(long skipped) {
            try {
                out.write(END);
                varint(skipped);
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void session(String s) throws IOException {
            Integer i = sessions.get(s);
            if (i != null) {
                varint(i);
                return;
            }
            varint(sessions.size());
            byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            varint(b.length);
            out.write(b);
            sessions.put(s, sessions.size());
        }

        private void address(byte[] a) throws IOException {
            if (a == null) {
                out.write(0);
            } else {
                out.write(a.length);
                out.write(a);
            }
        }

        private void varint(long v) throws IOException {
            int n = 0;
            while ((v & ~0x7FL) != 0) {
                buf[n++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[n++] = (byte) v;
            out.write(buf, 0, n);
        }
    }

    /** Replays a batch (or a compacted table) into {@code sink}, in order; IOException when it is not one. */
    public static Replayed read(InputStream in, RouteSink sink) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int magic = d.readUnsignedShort();
        if (magic != MAGIC) {
            throw new IOException("not a route batch (starts with 0x" + Integer.toHexString(magic) + ")");
        }
        int version = d.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("route batch version " + version + " is newer than this member reads");
        }
        long time = varint(d);
        List<String> sessions = new ArrayList<>();
        byte[][] addr = {new byte[4], new byte[16], new byte[4], new byte[16]};
        long[] path = new long[64];
        long announced = 0;
        long withdrawn = 0;
        long downs = 0;
        while (true) {
            int op = d.read();
            if (op == END) {
                return new Replayed(new Header(time, varint(d)), announced, withdrawn, downs);
            }
            if (op < 0) {
                throw new EOFException("route batch ends without its end mark");
            }
            String session = session(d, sessions);
            switch (op) {
                case ANNOUNCE -> {
                    byte[] prefix = address(d, addr, 0);
                    int length = d.readUnsignedByte();
                    long pathId = varint(d);
                    long as = varint(d);
                    byte[] announcer = address(d, addr, 2);
                    int n = (int) varint(d);
                    if (n > 4096) {
                        throw new IOException("route batch: AS path of " + n + " hops");
                    }
                    if (n > path.length) {
                        path = new long[n];
                    }
                    for (int i = 0; i < n; i++) {
                        path[i] = varint(d);
                    }
                    long[] asPath = n == path.length ? path : java.util.Arrays.copyOf(path, n);
                    sink.announce(session, prefix, length, pathId, as, announcer, asPath);
                    announced++;
                }
                case WITHDRAW -> {
                    byte[] prefix = address(d, addr, 0);
                    int length = d.readUnsignedByte();
                    sink.withdraw(session, prefix, length, varint(d));
                    withdrawn++;
                }
                case DOWN -> {
                    sink.sessionDown(session);
                    downs++;
                }
                default -> throw new IOException("route batch: unknown operation " + op);
            }
        }
    }

    /** Replays a batch held in memory. */
    public static Replayed read(byte[] batch, RouteSink sink) {
        try {
            return read(new java.io.ByteArrayInputStream(batch), sink);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static String session(DataInputStream d, List<String> sessions) throws IOException {
        int i = (int) varint(d);
        if (i < sessions.size()) {
            return sessions.get(i);
        }
        if (i != sessions.size()) {
            throw new IOException("route batch: session " + i + " before it was named");
        }
        int n = (int) varint(d);
        if (n > 1024) {
            throw new IOException("route batch: session name of " + n + " bytes");
        }
        String s = new String(d.readNBytes(n), java.nio.charset.StandardCharsets.UTF_8);
        sessions.add(s);
        return s;
    }

    /** Reads an address into a reused array (slots {@code base} for 4 bytes, {@code base + 1} for 16). */
    private static byte[] address(DataInputStream d, byte[][] reuse, int base) throws IOException {
        int n = d.readUnsignedByte();
        if (n == 0) {
            return null;
        }
        if (n != 4 && n != 16) {
            throw new IOException("route batch: address of " + n + " bytes");
        }
        byte[] a = reuse[n == 4 ? base : base + 1];
        d.readFully(a);
        return a;
    }

    private static long varint(DataInputStream d) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = d.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("route batch: varint too long");
    }
}
