package org.hubdns.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.server.cluster.ClusterFixture.CONVERGE;
import static org.hubdns.server.cluster.ClusterFixture.await;
import static org.hubdns.server.cluster.ClusterFixture.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hubdns.server.cluster.ClusterFixture.Member;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * Several hubdns members in one JVM, each with its own ports and data dir: writes on one member are
 * served by the others, the generated admin token is shared, losing a member loses no acknowledged
 * write, a full restart brings everything back, and an old data dir resurrects nothing.
 */
class ClusterMembersTest {
    static final String VIDEO = "video.pk-hub.example.";

    static Map<String, Object> node(String platform, String site, String address, int weight) {
        return Map.of("platform", platform, "site", site, "addresses", List.of(address), "weight", weight,
                "check", Map.of("type", "none"));
    }

    static Map<String, Object> nodeFor(String partner, String platform, String site, String address, int weight) {
        return Map.of("partner", partner, "platform", platform, "site", site, "addresses", List.of(address),
                "weight", weight, "check", Map.of("type", "none"));
    }

    static Map<String, Object> platform(String hostname, int answers) {
        return Map.of("hostnames", List.of(hostname), "ttl", 30, "answers", answers,
                "fallback", Map.of("cname", "origin.example."));
    }

    /**
     * The demo's {@code video} platform with {@code answers} 16: the unlocated 127.0.0.1 goes to its
     * defaultSite isb and gets every node there, so a node added at isb is certainly answered.
     */
    static void videoAnswersEveryIsbNode(Member m, String admin) throws Exception {
        HttpResponse<String> r = m.putJson("/v1/platforms/video", admin, Map.of("hostnames",
                List.of("video.pk-hub.example"), "ttl", 60, "answers", 16, "defaultSite", "isb",
                "fallback", Map.of("cname", "video.origin.example.")));
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
    }

    static String created(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r).get("id").asText();
    }

    static Set<String> nodeIds(Member m, String token) throws Exception {
        HttpResponse<String> r = m.get("/v1/nodes", token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Set<String> ids = new HashSet<>();
        json(r).forEach(n -> ids.add(n.get("id").asText()));
        return ids;
    }

    static void awaitMembers(ClusterFixture c, int n) throws Exception {
        for (Member m : c.members()) {
            if (m.running()) {
                await(CONVERGE, m + " reports " + n + " members",
                        () -> json(m.get("/v1/health", null)).get("members").asInt() == n,
                        () -> m.get("/v1/health", null).body());
            }
        }
    }

    // ================================================================ one cluster, generated token

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ThreeMembersGeneratedToken {
        ClusterFixture c;

        @BeforeAll
        void start() throws Exception {
            c = ClusterFixture.start(3, false);
            awaitMembers(c, 3);
        }

        @AfterAll
        void stop() {
            if (c != null) {
                c.close();
            }
        }

        @Test
        void nodeRegisteredOnMember1IsAnsweredByMember3() throws Exception {
            // a platform of this test's own, one site, answers >= its node count: every node is answered
            String admin = c.admin();
            Map<String, Object> body = new java.util.HashMap<>(platform("reg.pk-hub.example", 16));
            body.put("defaultSite", "khi");
            HttpResponse<String> pl = c.m(1).putJson("/v1/platforms/reg", admin, body);
            assertThat(pl.statusCode()).as(pl.body()).isIn(200, 201);
            HttpResponse<String> pr = c.m(1).putJson("/v1/partners/reg", admin, Map.of("platforms", List.of("reg"),
                    "allowSpecial", List.of("203.0.113.0/24"))); // documentation addresses: special-purpose
            assertThat(pr.statusCode()).as(pr.body()).isEqualTo(201);
            String partner = json(pr).get("token").asText();
            created(c.m(1).postJson("/v1/nodes", partner, node("reg", "khi", "203.0.113.8", 100)));
            String id = created(c.m(1).postJson("/v1/nodes", partner, node("reg", "khi", "203.0.113.7", 1000)));
            String host = "reg.pk-hub.example.";
            await(CONVERGE, "member 3 answers the new node", () -> {
                List<String> a = c.m(3).addresses(host);
                return a.size() == 2 && a.contains("203.0.113.7");
            }, () -> c.m(3).addresses(host));
            // and member 3 lists it for its owner, and member 2 serves it as well, in the same order
            assertThat(nodeIds(c.m(3), partner)).contains(id);
            await(CONVERGE, "member 2 answers the new node",
                    () -> c.m(2).addresses(host).equals(c.m(3).addresses(host)), () -> c.m(2).addresses(host));
            await(CONVERGE, "member 1 answers as member 3 does",
                    () -> c.m(1).addresses(host).equals(c.m(3).addresses(host)), () -> c.m(1).addresses(host));
        }

        @Test
        void zoneUploadedOnMember2IsServedByMembers1And3() throws Exception {
            HttpResponse<String> r = c.m(2).send("PUT", "/v1/zones/up.test", c.admin(), "text/dns",
                    ClusterFixture.zone("up.test", 2024010101, "192.0.2.21"));
            assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
            for (int i : new int[] {1, 3}) {
                Member m = c.m(i);
                await(CONVERGE, m + " serves up.test", () -> m.addresses("www.up.test.").equals(List.of("192.0.2.21")),
                        () -> m.ask("www.up.test."));
                Message answer = m.ask("www.up.test.");
                assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
                assertThat(answer.getHeader().getFlag(org.xbill.DNS.Flags.AA)).isTrue();
            }
            // a higher serial replaces it everywhere
            r = c.m(2).send("PUT", "/v1/zones/up.test", c.admin(), "text/dns",
                    ClusterFixture.zone("up.test", 2024010102, "192.0.2.22"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            for (int i : new int[] {1, 3}) {
                Member m = c.m(i);
                await(CONVERGE, m + " serves serial 2 of up.test",
                        () -> m.addresses("www.up.test.").equals(List.of("192.0.2.22")), () -> m.ask("www.up.test."));
            }
        }

        @Test
        void membersStartedWithoutDemoServeTheDemoZone() throws Exception {
            for (int i : new int[] {2, 3}) {
                assertThat(c.m(i).config().demo()).isFalse();
                Message r = c.m(i).ask("www.pk-hub.example.");
                assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
                assertThat(ClusterFixture.addresses(r)).containsExactly("192.0.2.80");
                assertThat(c.m(i).addresses(VIDEO)).hasSize(2);
            }
        }

        @Test
        void theGeneratedAdminTokenWorksOnEveryMember() throws Exception {
            assertThat(c.m(1).dataDir.resolve("admin.token")).exists();
            assertThat(c.m(2).dataDir.resolve("admin.token")).doesNotExist();
            assertThat(c.m(3).dataDir.resolve("admin.token")).doesNotExist();
            String admin = c.admin();
            for (Member m : c.members()) {
                HttpResponse<String> r = m.get("/v1/partners", admin);
                assertThat(r.statusCode()).as(m + ": " + r.body()).isEqualTo(200);
                assertThat(m.get("/v1/partners", "not-the-token-at-all").statusCode()).as(m.toString()).isEqualTo(401);
                HttpResponse<String> h = m.get("/v1/health", null);
                assertThat(h.statusCode()).as(m.toString()).isEqualTo(200);
                assertThat(json(h).get("members").asInt()).as(m.toString()).isEqualTo(3);
            }
            // an operator write with it on member 3 is seen on member 1
            HttpResponse<String> r = c.m(3).putJson("/v1/sites/pew", admin,
                    Map.of("city", "Peshawar", "country", "PK", "lat", 34.01, "lon", 71.58));
            assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
            await(CONVERGE, "member 1 has site pew", () -> c.m(1).get("/v1/sites/pew", admin).statusCode() == 200,
                    () -> c.m(1).get("/v1/sites/pew", admin).body());
        }

        @Test
        void healthReportsMembersAndSnapshotVersion() throws Exception {
            for (Member m : c.members()) {
                HttpResponse<String> h = m.get("/v1/health", null);
                assertThat(h.statusCode()).isEqualTo(200);
                JsonNode body = json(h);
                assertThat(body.has("reason")).as(h.body()).isFalse();
                assertThat(body.get("members").asInt()).as(h.body()).isEqualTo(3);
                assertThat(body.get("snapshotVersion").isNumber()).as(h.body()).isTrue();
                assertThat(body.get("snapshotVersion").asLong()).as(h.body()).isPositive();
            }
        }
    }

    // ================================================================ losing one member

    @Test
    void killingOneMemberLosesNoAcknowledgedWrite() throws Exception {
        try (ClusterFixture c = ClusterFixture.start(3, true)) {
            awaitMembers(c, 3);
            String admin = c.admin();
            Member m1 = c.m(1);
            // 13 platforms of 16 answers each: every one of the 200 nodes is in some DNS answer
            int platforms = 13;
            List<String> platformNames = new ArrayList<>();
            for (int p = 0; p < platforms; p++) {
                String name = "bulk" + p;
                platformNames.add(name);
                HttpResponse<String> r = m1.putJson("/v1/platforms/" + name, admin,
                        platform("b" + p + ".pk-hub.example", 16));
                assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
            }
            HttpResponse<String> pr = m1.putJson("/v1/partners/bulk", admin, Map.of("platforms", platformNames,
                    "allowSpecial", List.of("198.18.0.0/15"))); // benchmarking addresses: special-purpose
            assertThat(pr.statusCode()).as(pr.body()).isEqualTo(201);

            Map<String, String> addressOf = new java.util.concurrent.ConcurrentHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> writes = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    int n = i;
                    writes.add(pool.submit(() -> {
                        String addr = "198.18." + (n / 100) + "." + (n % 100 + 1);
                        String id = created(m1.postJson("/v1/nodes", admin,
                                nodeFor("bulk", "bulk" + (n / 16), "khi", addr, 100)));
                        addressOf.put(id, addr);
                        return null;
                    }));
                }
                for (Future<?> f : writes) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(addressOf).hasSize(200);

            c.m(2).kill();
            awaitMembers(c, 2);

            Member m3 = c.m(3);
            await(CONVERGE, "member 3 lists all 200 nodes", () -> nodeIds(m3, admin).containsAll(addressOf.keySet()),
                    () -> difference(addressOf.keySet(), nodeIds(m3, admin)));
            for (String id : addressOf.keySet()) {
                HttpResponse<String> r = m3.get("/v1/nodes/" + id, admin);
                assertThat(r.statusCode()).as(id + ": " + r.body()).isEqualTo(200);
            }
            Set<String> expected = new TreeSet<>(addressOf.values());
            await(CONVERGE, "member 3 answers all 200 nodes", () -> answered(m3, platforms).containsAll(expected),
                    () -> difference(expected, answered(m3, platforms)));
            assertThat(answered(c.m(1), platforms)).containsAll(expected);
            // the survivors still take writes
            assertThat(m3.postJson("/v1/nodes", admin, nodeFor("bulk", "bulk0", "lhe", "198.18.9.9", 100)).statusCode())
                    .isEqualTo(201);
        }
    }

    /** The harder case: the member dies while writes are in flight; every 201 answered before or after must stay. */
    @Test
    void killingAMemberDuringWritesLosesNoAcknowledgedWrite() throws Exception {
        try (ClusterFixture c = ClusterFixture.start(3, true)) {
            awaitMembers(c, 3);
            c.demoMayUse("198.18.0.0/15");
            String partner = c.demoPartnerToken();
            Set<String> acked = java.util.concurrent.ConcurrentHashMap.newKeySet();
            java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger seq = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(6);
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                Member via = c.m(t % 3 + 1); // writers on member 2 too: what it acknowledged before dying counts
                writers.add(pool.submit(() -> {
                    while (!stop.get()) {
                        int n = seq.incrementAndGet();
                        try {
                            HttpResponse<String> r = via.postJson("/v1/nodes", partner,
                                    node("video", "khi", "198.19." + (n / 250) + "." + (n % 250 + 1), 1));
                            if (r.statusCode() == 201) {
                                acked.add(json(r).get("id").asText());
                            } else {
                                failed.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            await(Duration.ofSeconds(20), "100 writes acknowledged", () -> acked.size() >= 100, acked::size);
            c.m(2).kill();
            int atKill = acked.size();
            await(Duration.ofSeconds(20), "more writes acknowledged after the kill", () -> acked.size() >= atKill + 100,
                    acked::size);
            stop.set(true);
            for (Future<?> f : writers) {
                f.get();
            }
            pool.shutdownNow();
            awaitMembers(c, 2);
            String admin = c.admin();
            for (int i : new int[] {1, 3}) {
                Member m = c.m(i);
                await(CONVERGE, m + " lists every acknowledged node", () -> nodeIds(m, admin).containsAll(acked),
                        () -> difference(acked, nodeIds(m, admin)).size() + " missing: "
                                + difference(acked, nodeIds(m, admin)));
            }
            for (String id : acked) {
                assertThat(c.m(3).get("/v1/nodes/" + id, admin).statusCode()).as(id).isEqualTo(200);
            }
        }
    }

    static Set<String> answered(Member m, int platforms) throws Exception {
        Set<String> out = new TreeSet<>();
        for (int p = 0; p < platforms; p++) {
            out.addAll(ClusterFixture.addresses(m.ask("b" + p + ".pk-hub.example.", false)));
        }
        return out;
    }

    static Set<String> difference(Set<String> want, Set<String> have) {
        Set<String> d = new TreeSet<>(want);
        d.removeAll(have);
        return d;
    }

    // ================================================================ full restart

    @Test
    void aFullRestartBringsEverythingBack() throws Exception {
        try (ClusterFixture c = ClusterFixture.start(3, true)) {
            awaitMembers(c, 3);
            String admin = c.admin();
            Member m1 = c.m(1);
            Member m2 = c.m(2);
            Member m3 = c.m(3);
            assertThat(m2.putJson("/v1/sites/qta", admin, Map.of("city", "Quetta", "country", "PK", "lat", 30.18,
                    "lon", 66.99)).statusCode()).isIn(200, 201);
            assertThat(m3.putJson("/v1/platforms/music", admin, platform("music.pk-hub.example", 2)).statusCode())
                    .isIn(200, 201);
            HttpResponse<String> pr = m1.putJson("/v1/partners/acme", admin, Map.of("platforms", List.of("music"),
                    "allowSpecial", List.of("203.0.113.0/24")));
            assertThat(pr.statusCode()).as(pr.body()).isEqualTo(201);
            String acme = json(pr).get("token").asText();
            String node = created(m2.postJson("/v1/nodes", acme, node("music", "qta", "203.0.113.44", 500)));
            videoAnswersEveryIsbNode(m3, admin);
            c.demoMayUse("203.0.113.0/24");
            String demoNode = created(m3.postJson("/v1/nodes", c.demoPartnerToken(),
                    node("video", "isb", "203.0.113.45", 1000)));
            assertThat(m3.send("PUT", "/v1/zones/restart.test", admin, "text/dns",
                    ClusterFixture.zone("restart.test", 7, "192.0.2.77")).statusCode()).isEqualTo(201);
            HttpResponse<String> cov = m1.putJson("/v1/coverage-zones", admin,
                    List.of(Map.of("cidr", "182.185.0.0/16", "site", "khi"), Map.of("cidr", "39.32.0.0/11", "site", "qta")));
            assertThat(cov.statusCode()).as(cov.body()).isIn(200, 201);
            // deleted before the restart: must stay deleted after it
            String gone = created(m1.postJson("/v1/nodes", acme, node("music", "qta", "203.0.113.46", 1000)));
            assertThat(m3.delete("/v1/nodes/" + gone, acme).statusCode()).isEqualTo(204);

            for (Member m : c.members()) {
                await(CONVERGE, m + " has the writes", () -> m.addresses("music.pk-hub.example.")
                        .equals(List.of("203.0.113.44")) && m.addresses("www.restart.test.").equals(List.of("192.0.2.77"))
                        && json(m.get("/v1/coverage-zones", admin)).get("count").asInt() == 2,
                        () -> m.addresses("music.pk-hub.example."));
            }

            m3.stop();
            m2.stop();
            m1.stop();
            m1.start();
            c.startTogether(List.of(m2, m3));
            awaitMembers(c, 3);

            for (Member m : c.members()) {
                assertThat(m.get("/v1/sites/qta", admin).statusCode()).as(m.toString()).isEqualTo(200);
                JsonNode p = json(m.get("/v1/platforms/music", admin));
                assertThat(p.get("hostnames").get(0).asText()).startsWith("music.pk-hub.example");
                assertThat(m.get("/v1/partners/acme", admin).statusCode()).as(m.toString()).isEqualTo(200);
                assertThat(m.get("/v1/nodes/" + node, admin).statusCode()).as(m.toString()).isEqualTo(200);
                assertThat(m.get("/v1/nodes/" + demoNode, admin).statusCode()).as(m.toString()).isEqualTo(200);
                assertThat(m.get("/v1/nodes/" + gone, admin).statusCode()).as(m.toString()).isEqualTo(404);
                HttpResponse<String> z = m.get("/v1/zones/restart.test", admin);
                assertThat(z.statusCode()).as(m.toString()).isEqualTo(200);
                assertThat(z.headers().firstValue("X-Zone-Serial")).contains("7");
                await(CONVERGE, m + " has the coverage set back",
                        () -> json(m.get("/v1/coverage-zones?ip=39.40.1.1", admin)).path("match").path("site").asText()
                                .equals("qta"), () -> m.get("/v1/coverage-zones?ip=39.40.1.1", admin).body());
                assertThat(json(m.get("/v1/coverage-zones", admin)).get("count").asInt()).isEqualTo(2);
                // a partner token still works, and sees its own node
                HttpResponse<String> mine = m.get("/v1/nodes", acme);
                assertThat(mine.statusCode()).as(m + ": " + mine.body()).isEqualTo(200);
                assertThat(nodeIds(m, acme)).containsExactly(node);
                assertThat(nodeIds(m, c.demoPartnerToken())).contains(demoNode);
                // and DNS
                assertThat(m.addresses("www.restart.test.")).containsExactly("192.0.2.77");
                assertThat(m.addresses("music.pk-hub.example.")).containsExactly("203.0.113.44");
                assertThat(m.addresses(VIDEO)).as("answers 16 kept: every isb node").hasSize(3)
                        .contains("203.0.113.45", "10.10.1.1", "10.10.1.2");
            }
        }
    }

    // ================================================================ no resurrection

    @Test
    void aMemberBackWithAnOldDataDirResurrectsNothing() throws Exception {
        try (ClusterFixture c = ClusterFixture.start(3, true)) {
            awaitMembers(c, 3);
            String admin = c.admin();
            String partner = c.demoPartnerToken();
            Member m3 = c.m(3);
            videoAnswersEveryIsbNode(c.m(1), admin);
            c.demoMayUse("203.0.113.0/24");
            String id = created(c.m(1).postJson("/v1/nodes", partner, node("video", "isb", "203.0.113.99", 1000)));
            HttpResponse<String> zr = c.m(1).send("PUT", "/v1/zones/doomed.test", admin, "text/dns",
                    ClusterFixture.zone("doomed.test", 5, "192.0.2.55"));
            assertThat(zr.statusCode()).isEqualTo(201);
            // member 3 has it (so its data dir does too) before it stops
            await(CONVERGE, "member 3 answers the node", () -> m3.addresses(VIDEO).contains("203.0.113.99")
                    && m3.addresses("www.doomed.test.").equals(List.of("192.0.2.55")), () -> m3.addresses(VIDEO));
            m3.stop();
            awaitMembers(c, 2);

            assertThat(c.m(1).delete("/v1/nodes/" + id, partner).statusCode()).isEqualTo(204);
            assertThat(c.m(2).delete("/v1/zones/doomed.test", admin).statusCode()).isEqualTo(204);

            m3.start();
            awaitMembers(c, 3);
            for (Member m : c.members()) {
                assertThat(m.get("/v1/nodes/" + id, admin).statusCode()).as(m.toString()).isEqualTo(404);
                assertThat(nodeIds(m, admin)).as(m.toString()).doesNotContain(id);
                assertThat(m.get("/v1/zones/doomed.test", admin).statusCode()).as(m.toString()).isEqualTo(404);
            }
            // DNS on every member, for a while (events from the returning member would show up late)
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            do {
                for (Member m : c.members()) {
                    assertThat(m.addresses(VIDEO)).as(m.toString()).hasSize(2).doesNotContain("203.0.113.99");
                    assertThat(m.ask("www.doomed.test.").getRcode()).as(m.toString()).isEqualTo(Rcode.REFUSED);
                }
                Thread.sleep(100);
            } while (System.nanoTime() < until);
            // the returning member took the deletions into its own data dir: alone, it still has none of it
            m3.stop();
            c.m(2).stop();
            c.m(1).stop();
            m3.start();
            assertThat(json(m3.get("/v1/health", null)).get("members").asInt()).isEqualTo(1);
            assertThat(m3.get("/v1/nodes/" + id, admin).statusCode()).isEqualTo(404);
            assertThat(m3.addresses(VIDEO)).doesNotContain("203.0.113.99");
            assertThat(m3.ask("www.doomed.test.").getRcode()).isEqualTo(Rcode.REFUSED);
            assertThat(Files.exists(m3.dataDir.resolve("registry.mv.db"))).isTrue();
        }
    }
}
