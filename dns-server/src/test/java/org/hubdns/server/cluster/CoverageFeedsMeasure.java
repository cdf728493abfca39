package org.hubdns.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.server.cluster.ClusterFixture.json;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.hubdns.cluster.feed.MrtWriter;
import org.hubdns.server.cluster.ClusterFixture.Member;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Figures, not assertions (run on demand): on two members in one JVM, how long a table dump of
 * about a million routes (50,000 prefixes seen from 20 peers) takes from the start of its upload
 * until both members place clients by it, and how long a live update posted to member 1 takes to be
 * placed by member 2 (one route, and a batch of 10,000).
 *
 * <pre>
 * mvn -B -o test -pl dns-server -am -Dtest='org/hubdns/server/cluster/CoverageFeedsMeasure' \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dhubdns.measure=true [-Dhubdns.measure.prefixes=50000]
 * </pre>
 */
@Tag("measure")
@EnabledIfSystemProperty(named = "hubdns.measure", matches = "true")
class CoverageFeedsMeasure {
    static final int PEERS = 20;

    @Test
    void dumpAndUpdateLatency() throws Exception {
        int prefixes = Integer.getInteger("hubdns.measure.prefixes", 50_000);
        try (ClusterFixture c = ClusterFixture.start(2, true)) {
            String admin = c.admin();
            Map<String, Object> peers = new java.util.HashMap<>();
            String[] sites = {"isb", "khi", "lhe"};
            for (int p = 0; p < PEERS; p++) {
                peers.put("AS" + (64600 + p), sites[p % 3]);
            }
            assertThat(c.m(1).putJson("/v1/coverage-feeds/full", admin, Map.of("peers", peers, "staleAfterS", 0))
                    .statusCode()).isEqualTo(201);
            String[] formats = {"plain", "gzip", "bzip2"};
            for (int f = 0; f < formats.length; f++) {
                String format = formats[f];
                int first = 41 + 10 * f; // each dump its own prefixes: served means this dump's routes
                Path dump = Files.createTempFile("measure", ".mrt." + format);
                long routes = write(dump, prefixes, format, first);
                long t0 = System.nanoTime();
                HttpRequest req = HttpRequest.newBuilder(c.m(2).uri("/v1/coverage-feeds/full/rib"))
                        .header("Authorization", "Bearer " + admin).header("Content-Type", "application/octet-stream")
                        .timeout(Duration.ofMinutes(5)).PUT(HttpRequest.BodyPublishers.ofFile(dump)).build();
                HttpResponse<String> r = ClusterFixture.HTTP.send(req, HttpResponse.BodyHandlers.ofString());
                long accepted = System.nanoTime();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                long[] served = new long[2];
                for (int m = 1; m <= 2; m++) {
                    Member mm = c.m(m);
                    while (json(mm.get("/v1/coverage-feeds/full", admin)).get("routes").get("ipv4").asLong() != routes
                            || !placed(mm, admin, (first + ((prefixes - 1) >> 16)) + "." + ((prefixes - 1) >> 8 & 255) + "."
                            + ((prefixes - 1) & 255) + ".9")) {
                        Thread.sleep(20);
                    }
                    served[m - 1] = System.nanoTime();
                }
                System.out.printf("MEASURE dump %s: %,d routes (%,d prefixes x %d peers), %,d bytes: accepted in %d ms, "
                        + "served by member 1 after %d ms, member 2 after %d ms%n", format, routes,
                        prefixes, PEERS, Files.size(dump), (accepted - t0) / 1_000_000, (served[0] - t0) / 1_000_000,
                        (served[1] - t0) / 1_000_000);
                Files.delete(dump);
            }
            System.gc();
            Runtime rt = Runtime.getRuntime();
            System.out.printf("MEASURE heap after both dumps (two members, one JVM): %d MB used%n",
                    (rt.totalMemory() - rt.freeMemory()) >> 20);

            // one live route at a time: posted to member 1, placed by member 2
            List<Long> single = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String prefix = "45." + (100 + i) + ".0.0/16";
                long t0 = System.nanoTime();
                HttpResponse<String> r = c.m(1).send("POST", "/v1/coverage-feeds/full/updates", admin,
                        "application/x-ndjson", CoverageFeedsClusterTest.announce("198.51.100.9", prefix, 64601) + "\n");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                while (!CoverageFeedsClusterTest.dnsSite(c.m(2), "45." + (100 + i) + ".1.1").equals("khi")) {
                    Thread.sleep(2);
                }
                single.add((System.nanoTime() - t0) / 1_000);
            }
            Collections.sort(single);
            System.out.printf("MEASURE one update, member 1 -> member 2's DNS answer: median %.1f ms, max %.1f ms%n",
                    single.get(single.size() / 2) / 1000.0, single.get(single.size() - 1) / 1000.0);

            // batches of 10,000 routes (what bgp-feed sends at most per second), the first one warming up
            for (int round = 0; round < 4; round++) {
                StringBuilder batch = new StringBuilder();
                for (int i = 0; i < 10_000; i++) {
                    batch.append(CoverageFeedsClusterTest.announce("198.51.100.9", (46 + round) + "." + (i >> 8 & 255)
                            + "." + (i & 255) + ".0/24", 64602)).append('\n');
                }
                long t0 = System.nanoTime();
                HttpResponse<String> r = c.m(1).send("POST", "/v1/coverage-feeds/full/updates", admin,
                        "application/x-ndjson", batch.toString());
                long posted = System.nanoTime();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                while (!CoverageFeedsClusterTest.dnsSite(c.m(2), (46 + round) + ".39.15.1").equals("lhe")) {
                    Thread.sleep(2);
                }
                System.out.printf("MEASURE 10,000-route batch %d: POST answered in %d ms, in member 2's DNS answers after %d ms%n",
                        round + 1, (posted - t0) / 1_000_000, (System.nanoTime() - t0) / 1_000_000);
            }
        }
    }

    static boolean placed(Member m, String admin, String ip) throws Exception {
        var match = json(m.get("/v1/coverage-feeds/full/lookup?ip=" + ip, admin)).get("match");
        return match != null && !match.isNull();
    }

    /** first.x.y.0/24 (then first+1...) each from every peer; returns the routes written. */
    static long write(Path file, int prefixes, String format, int first) throws Exception {
        List<MrtWriter.Peer> peers = new ArrayList<>();
        for (int p = 0; p < PEERS; p++) {
            peers.add(new MrtWriter.Peer(p + 1, new byte[] {(byte) 198, 51, 100, (byte) (10 + p)}, 64600 + p));
        }
        try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
                OutputStream out = switch (format) {
                    case "gzip" -> new GZIPOutputStream(raw, 1 << 16);
                    case "bzip2" -> new org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream(raw);
                    default -> raw;
                };
                MrtWriter w = new MrtWriter(out, 1_700_000_000L, 1, "rs", peers)) {
            byte[] prefix = new byte[4];
            for (int i = 0; i < prefixes; i++) {
                prefix[0] = (byte) (first + (i >> 16));
                prefix[1] = (byte) (i >> 8);
                prefix[2] = (byte) i;
                List<MrtWriter.Entry> entries = new ArrayList<>(PEERS);
                for (int p = 0; p < PEERS; p++) {
                    entries.add(new MrtWriter.Entry(p, 0, new long[] {64600 + p, 65000 + (i % 1000)}));
                }
                w.rib(prefix, 24, entries);
            }
        }
        return (long) prefixes * PEERS;
    }
}
