package org.hubdns.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.server.cluster.ClusterFixture.json;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hubdns.server.cluster.ClusterFixture.Member;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Figures, not assertions (run on demand, see the class's tag and the system property): how long a
 * write acknowledged by member 1 takes to change member 3's DNS answers, and how many writes per
 * second three members take from 16 concurrent clients.
 *
 * <pre>
 * mvn -B -o test -pl dns-server -am -Dtest='org/hubdns/server/cluster/ConvergenceMeasure' \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dhubdns.measure=true
 * </pre>
 */
@Tag("measure")
@EnabledIfSystemProperty(named = "hubdns.measure", matches = "true")
class ConvergenceMeasure {
    static final String VIDEO = "video.pk-hub.example.";
    static final String MARK = "203.0.113.250";

    @Test
    void convergenceFromWriteAckOnMember1ToDnsOnMember3() throws Exception {
        int rounds = Integer.getInteger("hubdns.measure.rounds", 1000);
        try (ClusterFixture c = ClusterFixture.start(3, true)) {
            ClusterMembersTest.awaitMembers(c, 3);
            c.demoMayUse("100.64.0.0/10", "198.18.0.0/15", "203.0.113.0/24");
            String partner = c.demoPartnerToken();
            Member m1 = c.m(1);
            Member m3 = c.m(3);
            String id = ClusterMembersTest.created(m1.postJson("/v1/nodes", partner,
                    ClusterMembersTest.node("video", "khi", MARK, 1000)));
            byte[] query = Message.newQuery(Record.newRecord(Name.fromString(VIDEO), Type.A, 1)).toWire();
            try (DatagramSocket udp = new DatagramSocket(0, ClusterFixture.LOOPBACK)) {
                udp.connect(ClusterFixture.LOOPBACK, m3.dnsPort);
                udp.setSoTimeout(1000);
                ClusterFixture.await(ClusterFixture.CONVERGE, "member 3 answers the marker first",
                        () -> firstIsMark(udp, query), () -> m3.addresses(VIDEO));
                long[] micros = new long[rounds];
                int timeouts = 0;
                for (int i = 0; i < rounds; i++) {
                    boolean drain = i % 2 == 0;
                    HttpResponse<String> r = m1.postJson("/v1/nodes/" + id + (drain ? "/drain" : "/undrain"), partner,
                            null);
                    long acked = System.nanoTime();
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    long deadline = acked + TimeUnit.SECONDS.toNanos(5);
                    while (firstIsMark(udp, query) == drain) {
                        if (System.nanoTime() > deadline) {
                            timeouts++;
                            break;
                        }
                        Thread.sleep(1);
                    }
                    micros[i] = (System.nanoTime() - acked) / 1000;
                }
                Arrays.sort(micros);
                System.out.printf("%nCONVERGENCE member1 ack -> member3 DNS over %d writes: p50 %.1f ms, p90 %.1f ms, "
                        + "p99 %.1f ms, max %.1f ms, min %.1f ms, >5 s: %d%n", rounds, pct(micros, 50) / 1000.0,
                        pct(micros, 90) / 1000.0, pct(micros, 99) / 1000.0, micros[rounds - 1] / 1000.0,
                        micros[0] / 1000.0, timeouts);
            }
        }
    }

    private static boolean firstIsMark(DatagramSocket udp, byte[] query) throws Exception {
        udp.send(new DatagramPacket(query, query.length));
        byte[] buf = new byte[1232];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            udp.receive(p);
        } catch (SocketTimeoutException e) {
            return false;
        }
        List<String> a = ClusterFixture.addresses(new Message(Arrays.copyOf(buf, p.getLength())));
        return !a.isEmpty() && a.get(0).equals(MARK);
    }

    private static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    @Test
    void writesPerSecondWith16ClientsOver3Members() throws Exception {
        int clients = 16;
        long seconds = Long.getLong("hubdns.measure.seconds", 10);
        try (ClusterFixture c = ClusterFixture.start(3, true)) {
            ClusterMembersTest.awaitMembers(c, 3);
            c.demoMayUse("100.64.0.0/10", "198.18.0.0/15", "203.0.113.0/24");
            String partner = c.demoPartnerToken();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                ids.add(ClusterMembersTest.created(c.m(1).postJson("/v1/nodes", partner,
                        ClusterMembersTest.node("video", "lhe", "198.18.7." + (i + 1), 50))));
            }
            for (String kind : List.of("drain/undrain (update)", "register (create)")) {
                AtomicBoolean stop = new AtomicBoolean();
                ExecutorService pool = Executors.newFixedThreadPool(clients);
                List<Future<long[]>> results = new ArrayList<>();
                long t0 = System.nanoTime();
                for (int i = 0; i < clients; i++) {
                    Member via = c.members().get(i % 3);
                    String id = ids.get(i);
                    int client = i;
                    results.add(pool.submit(() -> {
                        long ok = 0;
                        long failed = 0;
                        long latencySum = 0;
                        long maxLatency = 0;
                        for (int n = 0; !stop.get(); n++) {
                            long s = System.nanoTime();
                            HttpResponse<String> r;
                            if (kind.startsWith("drain")) {
                                r = via.postJson("/v1/nodes/" + id + (n % 2 == 0 ? "/drain" : "/undrain"), partner, null);
                            } else {
                                // a fresh address each time: one address is one node of a platform
                                String a = "100." + (64 + client) + "." + (n / 250 % 256) + "." + (n % 250 + 1);
                                r = via.postJson("/v1/nodes", partner, Map.of("platform", "video", "site", "isb",
                                        "addresses", List.of(a), "weight", 1,
                                        "check", Map.of("type", "none")));
                            }
                            long l = System.nanoTime() - s;
                            if (r.statusCode() / 100 == 2) {
                                ok++;
                            } else {
                                failed++;
                            }
                            latencySum += l;
                            maxLatency = Math.max(maxLatency, l);
                        }
                        return new long[] {ok, failed, latencySum, maxLatency};
                    }));
                }
                Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
                stop.set(true);
                long ok = 0;
                long failed = 0;
                long sum = 0;
                long max = 0;
                for (Future<long[]> f : results) {
                    long[] r = f.get();
                    ok += r[0];
                    failed += r[1];
                    sum += r[2];
                    max = Math.max(max, r[3]);
                }
                double elapsed = (System.nanoTime() - t0) / 1e9;
                pool.shutdownNow();
                System.out.printf("%nTHROUGHPUT %s, %d clients over 3 members, %.1f s: %d ok (%.0f writes/s), "
                        + "%d failed, mean latency %.1f ms, max %.1f ms%n", kind, clients, elapsed, ok, ok / elapsed,
                        failed, sum / 1e6 / Math.max(1, ok + failed), max / 1e6);
                assertThat(json(c.m(3).get("/v1/health", null)).get("members").asInt()).isEqualTo(3);
            }
        }
    }
}
