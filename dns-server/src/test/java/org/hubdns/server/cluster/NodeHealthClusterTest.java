package org.hubdns.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.server.cluster.ClusterFixture.addresses;
import static org.hubdns.server.cluster.ClusterFixture.await;
import static org.hubdns.server.cluster.ClusterFixture.json;
import static org.hubdns.server.cluster.ClusterMembersTest.VIDEO;
import static org.hubdns.server.cluster.ClusterMembersTest.created;
import static org.hubdns.server.cluster.ClusterMembersTest.videoAnswersEveryIsbNode;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hubdns.server.StandIn;
import org.hubdns.server.cluster.ClusterFixture.Member;
import org.junit.jupiter.api.Test;

/**
 * Health checks across three members in this JVM (each probes from its own address: member n
 * from 127.0.0.n): one prober's bad view of a node does not take it down, a node gets k probes per
 * interval however many members there are, and a dead prober's duties move to another member.
 */
class NodeHealthClusterTest {
    static final Duration WITHIN = Duration.ofSeconds(25);

    static Map<String, Object> httpNode(StandIn n, String path) {
        return Map.of("partner", "demo", "platform", "video", "site", "isb", "addresses", List.of(n.address()),
                "weight", 100, "check", Map.of("type", "http", "port", n.port(), "path", path, "intervalMs", 500,
                        "timeoutMs", 300, "rise", 2, "fall", 3));
    }

    static boolean answers(Member m, String address) throws Exception {
        return addresses(m.ask(VIDEO)).contains(address);
    }

    static void awaitEveryMember(List<Member> members, String what, String address, boolean present)
            throws Exception {
        for (Member m : members) {
            await(WITHIN, m + (present ? " answers " : " no longer answers ") + address + " (" + what + ")",
                    () -> answers(m, address) == present, () -> addresses(m.ask(VIDEO)));
        }
    }

    static JsonNode health(Member m, String admin, String id) throws Exception {
        HttpResponse<String> r = m.get("/v1/nodes/" + id + "/health", admin);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }

    @Test
    void oneProberThatCannotReachANodeDoesNotTakeItDown() throws Exception {
        try (ClusterFixture c = ClusterFixture.start(3, true); StandIn n = StandIn.http("127.0.0.51")) {
            c.demoMayUse("127.0.0.0/8"); // the stand-ins are on loopback
            String admin = c.admin();
            ClusterMembersTest.awaitMembers(c, 3);
            videoAnswersEveryIsbNode(c.m(1), admin);
            n.refuse("127.0.0.2"); // member 2's view of the node is bad
            long t0 = System.nanoTime();
            String id = created(c.m(1).postJson("/v1/nodes", admin, httpNode(n, "/health")));
            awaitEveryMember(c.members(), "two of three probers say up", n.address(), true);
            await(WITHIN, "member 2 has failed the node more than fall times",
                    () -> n.sources(t0).getOrDefault("127.0.0.2", 0) > 4, () -> n.sources(t0));
            await(WITHIN, "votes 2 up, 1 down", () -> {
                JsonNode h = health(c.m(3), admin, id);
                return h.get("votes").get("up").asInt() == 2 && h.get("votes").get("down").asInt() == 1;
            }, () -> health(c.m(3), admin, id));
            for (Member m : c.members()) {
                assertThat(answers(m, n.address())).as(m + " still answers the node").isTrue();
                assertThat(health(m, admin, id).get("health").asText()).isEqualTo("up");
            }
            JsonNode h = health(c.m(1), admin, id);
            assertThat(h.get("probers")).hasSize(3);
            List<String> verdicts = new ArrayList<>();
            h.get("probers").forEach(p -> verdicts.add(p.get("verdict").asText()));
            assertThat(verdicts).containsExactlyInAnyOrder("up", "up", "down");

            // now every prober sees it fail: it leaves every member's answers
            n.status(500);
            awaitEveryMember(c.members(), "all probers see 500", n.address(), false);
            n.status(200).allow("127.0.0.2");
            awaitEveryMember(c.members(), "recovered", n.address(), true);
        }
    }

    @Test
    void aNodeGetsKProbesPerIntervalNotOnePerMember() throws Exception {
        try (ClusterFixture c = ClusterFixture.start(3, true, 2); StandIn n = StandIn.http("127.0.0.52")) {
            String admin = c.admin();
            ClusterMembersTest.awaitMembers(c, 3);
            // twelve nodes on the one stand-in, told apart by path: one address is one node per
            // platform, so each on a platform of its own, of a partner allowed loopback
            List<String> platforms = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                platforms.add("k" + i);
                HttpResponse<String> r = c.m(1).putJson("/v1/platforms/k" + i, admin, ClusterMembersTest.platform(
                        "k" + i + ".pk-hub.example", 2));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            }
            HttpResponse<String> pr = c.m(1).putJson("/v1/partners/k", admin, Map.of("platforms", platforms,
                    "allowSpecial", List.of("127.0.0.0/8")));
            assertThat(pr.statusCode()).as(pr.body()).isEqualTo(201);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Map<String, Object> body = new HashMap<>(httpNode(n, "/n" + i));
                body.put("partner", "k");
                body.put("platform", "k" + i);
                ids.add(created(c.m(1 + i % 3).postJson("/v1/nodes", admin, body)));
            }
            await(WITHIN, "every node up on member 3", () -> {
                JsonNode all = json(c.m(3).get("/v1/health/nodes", admin));
                int up = 0;
                for (JsonNode x : all.get("nodes")) {
                    if (ids.contains(x.get("id").asText()) && x.get("health").asText().equals("up")) {
                        up++;
                    }
                }
                return up == ids.size();
            }, () -> c.m(3).get("/v1/health/nodes", admin).body());
            long t0 = System.nanoTime();
            long window = Duration.ofSeconds(5).toNanos();
            await(Duration.ofSeconds(10), "a 5 s window of probes", () -> System.nanoTime() - t0 >= window,
                    () -> "");
            long t1 = t0 + window;
            Map<String, Integer> perNode = new HashMap<>();
            Map<String, Set<String>> sourcesPerNode = new HashMap<>();
            Set<String> sources = new HashSet<>();
            for (StandIn.Hit h : n.hits()) {
                if (h.nanos() >= t0 && h.nanos() < t1) {
                    perNode.merge(h.path(), 1, Integer::sum);
                    sourcesPerNode.computeIfAbsent(h.path(), k -> new HashSet<>()).add(h.source());
                    sources.add(h.source());
                }
            }
            assertThat(perNode).hasSize(12);
            // k = 2 probers x 10 intervals of 500 ms = 20 (3 members would make 30)
            assertThat(perNode.values()).as("probes per node in 5 s").allMatch(v -> v >= 15 && v <= 24);
            assertThat(sourcesPerNode.values()).as("probers per node").allMatch(s -> s.size() == 2);
            assertThat(sources).as("duties spread over every member")
                    .containsExactlyInAnyOrder("127.0.0.1", "127.0.0.2", "127.0.0.3");
        }
    }

    @Test
    void aDeadProbersDutiesMoveToAnotherMember() throws Exception {
        try (ClusterFixture c = ClusterFixture.start(3, true, 2); StandIn n = StandIn.http("127.0.0.53")) {
            c.demoMayUse("127.0.0.0/8"); // the stand-ins are on loopback
            String admin = c.admin();
            ClusterMembersTest.awaitMembers(c, 3);
            videoAnswersEveryIsbNode(c.m(1), admin);
            long t0 = System.nanoTime();
            created(c.m(1).postJson("/v1/nodes", admin, httpNode(n, "/health")));
            awaitEveryMember(c.members(), "up", n.address(), true);
            await(WITHIN, "two probers", () -> n.sources(t0).size() == 2, () -> n.sources(t0));
            Set<String> before = n.sources(t0).keySet();
            // kill a prober other than member 1 (member 1 stays to be asked)
            String victim = before.contains("127.0.0.3") ? "127.0.0.3" : "127.0.0.2";
            Member dead = c.m(Integer.parseInt(victim.substring(victim.lastIndexOf('.') + 1)));
            dead.kill();
            long t1 = System.nanoTime();
            Set<String> expected = new HashSet<>(Set.of("127.0.0.1", "127.0.0.2", "127.0.0.3"));
            expected.removeAll(before);
            String newcomer = expected.iterator().next();
            await(WITHIN, "the third member takes over the probes of " + victim,
                    () -> n.sources(t1).containsKey(newcomer), () -> n.sources(t1));
            List<Member> alive = c.members().stream().filter(Member::running).toList();
            awaitEveryMember(alive, "still up after the prober died", n.address(), true);
            n.stop();
            awaitEveryMember(alive, "down, judged by the remaining probers", n.address(), false);
        }
    }
}
