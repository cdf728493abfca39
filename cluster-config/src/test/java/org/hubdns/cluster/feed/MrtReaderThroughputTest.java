package org.hubdns.cluster.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated dump of a million routes (20 peers' views of 50,000 prefixes, a sixth IPv6, AS paths
 * of one to six ASNs) read plain, gzip and bzip2: the issue asks for a full table in well under
 * 10 s, and this prints the figures for the report. A measurement, not a test of speed (timings
 * are never asserted): it runs only when asked, with
 * {@code mvn -B -pl cluster-config test -Dtest=MrtReaderThroughputTest -Dhubdns.measure=true}.
 */
@EnabledIfSystemProperty(named = "hubdns.measure", matches = "true")
class MrtReaderThroughputTest {
    static final int PEERS = 20;
    static final int PREFIXES = 50_000;

    /** Counts what it hears; touches every argument so nothing is optimised away. */
    static final class CountingSink implements RouteSink {
        long routes;
        long checksum;

        @Override
        public void announce(String session, byte[] prefix, int prefixLength, long pathId, long announcerAs,
                byte[] announcerAddress, long[] asPath) {
            routes++;
            checksum += prefix[0] + prefixLength + pathId + announcerAs + asPath.length + session.length();
        }

        @Override
        public void withdraw(String session, byte[] prefix, int prefixLength, long pathId) {
        }

        @Override
        public void sessionDown(String session) {
        }
    }

    static void generate(OutputStream out, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        List<MrtWriter.Peer> peers = new ArrayList<>();
        for (int i = 0; i < PEERS; i++) {
            peers.add(new MrtWriter.Peer(0x0a000000L + i, new byte[] {(byte) 198, 18, 0, (byte) (i + 1)}, 64500 + i));
        }
        try (MrtWriter w = new MrtWriter(out, 1_700_000_000L, 1, "", peers)) {
            List<MrtWriter.Entry> entries = new ArrayList<>(PEERS);
            byte[] v4 = new byte[4];
            byte[] v6 = new byte[16];
            for (int p = 0; p < PREFIXES; p++) {
                entries.clear();
                for (int i = 0; i < PEERS; i++) {
                    long[] path = new long[1 + random.nextInt(6)];
                    path[0] = 64500 + i;
                    for (int k = 1; k < path.length; k++) {
                        path[k] = 1 + random.nextInt(400_000);
                    }
                    entries.add(new MrtWriter.Entry(i, 0, path, null, peers.get(i).address()));
                }
                if (p % 6 == 5) {
                    v6[0] = 0x20;
                    v6[1] = 0x01;
                    v6[2] = (byte) (p >>> 16);
                    v6[3] = (byte) (p >>> 8);
                    v6[4] = (byte) p;
                    w.rib(v6, 48, entries);
                } else {
                    v4[0] = (byte) (1 + (p >>> 16));
                    v4[1] = (byte) (p >>> 8);
                    v4[2] = (byte) p;
                    w.rib(v4, 24, entries);
                }
            }
        }
    }

    static String time(String name, Path file, long bytes) throws Exception {
        CountingSink sink = new CountingSink();
        long t0 = System.nanoTime();
        MrtSummary s;
        try (InputStream in = MrtReader.decompressing(Files.newInputStream(file))) {
            s = MrtReader.read(in, sink);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(s.routes()).isEqualTo((long) PEERS * PREFIXES);
        assertThat(sink.routes).isEqualTo(s.routes());
        String line = String.format(Locale.ENGLISH, "%-6s %,12d bytes  %,d routes in %.2f s  (%,.0f routes/s, %.0f MB/s decompressed)",
                name, bytes, s.routes(), seconds, s.routes() / seconds, s.bytes() / seconds / 1e6);
        System.out.println("MrtReader throughput: " + line);
        return line + (seconds > 0 ? "" : "");
    }

    @Test
    void readsAMillionRoutesPlainGzipAndBzip2(@TempDir Path dir) throws Exception {
        Path plain = dir.resolve("rib.mrt");
        try (OutputStream out = Files.newOutputStream(plain)) {
            generate(out, 15);
        }
        Path gz = dir.resolve("rib.mrt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz), 1 << 16)) {
            Files.copy(plain, out);
        }
        Path bz = dir.resolve("rib.mrt.bz2");
        try (OutputStream out = new BZip2CompressorOutputStream(Files.newOutputStream(bz))) {
            Files.copy(plain, out);
        }
        time("warmup", plain, Files.size(plain));
        for (int round = 0; round < 2; round++) {
            time("plain", plain, Files.size(plain));
            time("gzip", gz, Files.size(gz));
        }
        time("bzip2", bz, Files.size(bz)); // reported, not bounded: bzip2 is slow by nature
    }
}
