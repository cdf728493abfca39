package org.hubdns.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.hubdns.server.cluster.ClusterFixture.await;
import static org.hubdns.server.cluster.ClusterFixture.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.hubdns.server.Main;
import org.hubdns.server.StandIn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The health checker across three real member JVMs ({@code hubdns serve}), each probing from its
 * own loopback address: an HTTP cache node probed by all three; one prober is killed with
 * {@code kill -9} and the node fails at the same moment; both survivors drop it from their DNS
 * answers on their own (the dead prober's last "up" does not pin it), and take it back when it
 * recovers. The per-prober detail on a survivor stops counting the dead prober. Before that, quorum:
 * one prober that sees the node fail (it answers that prober 503) does not take it out anywhere.
 */
class HealthProcessesTest {
    private static final Duration START = Duration.ofSeconds(40);
    private static final Duration CONVERGE = Duration.ofSeconds(20);
    /** fall 3 x interval 1 s + timeout 0.5 s + 1 s, plus one second for the killed prober (issue 6). */
    private static final long FAIL_BUDGET_MS = 3 * 1000 + 500 + 1000 + 1000;
    /** rise 2 x interval 1 s + 1 s. */
    private static final long RISE_BUDGET_MS = 2 * 1000 + 1000;
    private static final String VIDEO = "video.pk-hub.example.";
    private static final String NODE_ADDRESS = "127.0.0.41";

    @TempDir
    Path tmp;

    private final List<MemberProcess> processes = new ArrayList<>();
    private final String token = "health-admin-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final String clusterName = "h-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    private Path tokenFile;

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (MemberProcess p : processes) {
            if (p.process.isAlive()) {
                p.process.destroyForcibly();
                p.process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** One member's fixed identity: ports, data dir, and the loopback address it probes from. */
    private record Spec(int index, int dns, int http, int cluster, Path data) {
        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + http + path);
        }

        String probeSource() {
            return "127.0.0." + (index + 1);
        }
    }

    @Test
    void aKilledProberAndAFailingNodeAtOnceLeaveEverySurvivorsAnswersAndTheNodeComesBack() throws Exception {
        tokenFile = tmp.resolve("admin-token");
        Files.writeString(tokenFile, token + "\n");
        List<Spec> specs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            specs.add(new Spec(i, ClusterFixture.freeDnsPort(), ClusterFixture.freeTcpPort(),
                    ClusterFixture.freeTcpPort(), tmp.resolve("m" + (i + 1))));
        }
        MemberProcess[] p = new MemberProcess[3];
        startAll(specs, p);
        // bounded by START, not CONVERGE: on a starved machine a joiner that does not reach member 1
        // within its join timeout forms a cluster of its own, and the split-brain merge (first after
        // 5 s, then every 5 s) brings it in, which took longer than 20 s in a loaded full run
        awaitMembers(specs, p, 3, START);
        Spec m1 = specs.get(0);

        try (StandIn standIn = StandIn.http(NODE_ADDRESS)) {
            // the demo's two isb nodes (check none) would fill the answers: drain them, so that the
            // stand-in is the one isb node answered and its presence is observable
            // the stand-in is on loopback, a special-purpose range the demo partner may use only when allowed
            HttpResponse<String> allowed = send(m1, "PUT", "/v1/partners/demo", ClusterFixture.JSON.writeValueAsString(
                    Map.of("platforms", List.of("video"), "allowSpecial", List.of("10.0.0.0/8", "127.0.0.0/8"))));
            assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
            for (String demo : List.of("demo-isb-1", "demo-isb-2")) {
                HttpResponse<String> r = send(m1, "POST", "/v1/nodes/" + demo + "/drain", null);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
            Map<String, Object> check = Map.of("type", "http", "port", standIn.port(), "path", "/health",
                    "intervalMs", 1000, "timeoutMs", 500, "rise", 2, "fall", 3);
            HttpResponse<String> created = send(m1, "POST", "/v1/nodes", ClusterFixture.JSON.writeValueAsString(
                    Map.of("partner", "demo", "platform", "video", "site", "isb", "addresses", List.of(NODE_ADDRESS),
                            "weight", 100, "check", check)));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String id = json(created).get("id").asText();

            for (Spec s : specs) {
                await(CONVERGE, "member " + (s.index() + 1) + " answers the stand-in",
                        () -> answers(s).contains(NODE_ADDRESS), () -> answers(s));
            }
            // every member probes it (k = 3 of 3 members), each from its own address, and all three count
            long probed = System.nanoTime();
            await(CONVERGE, "probes from all three members", () -> standIn.sources(probed).keySet()
                    .containsAll(List.of("127.0.0.1", "127.0.0.2", "127.0.0.3")), () -> standIn.sources(probed));
            for (Spec s : specs) {
                await(CONVERGE, "member " + (s.index() + 1) + " counts three up votes",
                        () -> health(s, id).get("votes").get("up").asInt() == 3, () -> health(s, id));
            }
            // quorum: one prober that sees the node fail (member 2 gets 503) does not take it out anywhere
            standIn.refuse("127.0.0.2");
            for (Spec s : specs) {
                await(CONVERGE, "member " + (s.index() + 1) + " counts 2 up and 1 down",
                        () -> votes(health(s, id)).equals("2 up, 1 down"), () -> health(s, id));
                assertThat(answers(s)).as("member " + (s.index() + 1) + " still answers the node")
                        .contains(NODE_ADDRESS);
            }
            standIn.allow("127.0.0.2");
            for (Spec s : specs) {
                await(CONVERGE, "member " + (s.index() + 1) + " counts three up votes again",
                        () -> votes(health(s, id)).equals("3 up, 0 down"), () -> health(s, id));
            }

            JsonNode before = health(m1, id);
            assertThat(before.get("probers")).hasSize(3);
            assertThat(before.get("probersPerNode").asInt()).isEqualTo(3);
            String killedMember = memberIdOf(before, specs.get(1));

            // kill -9 a prober (member 2) and fail the node at the same moment
            p[1].process.destroyForcibly();
            standIn.stop();
            long failedAt = System.nanoTime();
            List<Spec> survivors = List.of(specs.get(0), specs.get(2));
            long[] outMs = awaitOnEvery(survivors, failedAt, "drops the failed node",
                    s -> !answers(s).contains(NODE_ADDRESS));
            System.out.printf("%nHEALTH (3 JVMs, kill -9 of prober member 2 + node stopped): out of member 1's "
                    + "answers after %d ms, of member 3's after %d ms (issue's budget %d ms)%n", outMs[0], outMs[1],
                    FAIL_BUDGET_MS);
            assertThat(p[1].process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            for (Spec s : survivors) {
                // the node may leave while the dead prober's last "up" still counts (2 down, 1 up); within
                // three intervals of its last heartbeat that vote stops counting
                await(CONVERGE, "member " + (s.index() + 1) + " counts 2 down votes and no up vote", () -> {
                    JsonNode h = health(s, id);
                    return h.get("health").asText().equals("down") && h.get("votes").get("down").asInt() == 2
                            && h.get("votes").get("up").asInt() == 0;
                }, () -> health(s, id));
            }

            // on a survivor, the dead prober is gone from the node's probers or shown as not counting
            Spec m3 = specs.get(2);
            await(CONVERGE, "member 3 no longer counts the killed prober",
                    () -> deadProberGoneOrNotCounting(health(m3, id), killedMember), () -> health(m3, id));
            awaitMembers(specs, p, 2, CONVERGE);
            await(CONVERGE, "member 3's probers are the two survivors",
                    () -> health(m3, id).get("probers").size() == 2
                            && deadProberGoneOrNotCounting(health(m3, id), killedMember), () -> health(m3, id));
            for (JsonNode prober : health(m3, id).get("probers")) {
                assertThat(prober.get("verdict").asText()).as(prober.toString()).isEqualTo("down");
                assertThat(prober.get("counting").asBoolean()).as(prober.toString()).isTrue();
                assertThat(prober.get("last").get("error").asText()).as(prober.toString())
                        .contains("connection refused");
            }

            standIn.start();
            long healedAt = System.nanoTime();
            long[] inMs = awaitOnEvery(survivors, healedAt, "takes the node back",
                    s -> answers(s).contains(NODE_ADDRESS));
            System.out.printf("HEALTH (3 JVMs, 2 left): back in member 1's answers after %d ms, member 3's after "
                    + "%d ms (issue's budget %d ms)%n%n", inMs[0], inMs[1], RISE_BUDGET_MS);
            for (Spec s : survivors) {
                // awaited, not asserted at once: on a starved machine the survivors may have lost each other
                // for a few seconds (heartbeats) and each count only its own vote until they merge again
                await(CONVERGE, "member " + (s.index() + 1) + " counts 2 up votes", () -> {
                    JsonNode h = health(s, id);
                    return h.get("health").asText().equals("up") && votes(h).equals("2 up, 0 down");
                }, () -> health(s, id));
            }
            // and only the survivors probe it now
            long now = System.nanoTime();
            await(CONVERGE, "probes from members 1 and 3 only", () -> standIn.sources(now).keySet()
                    .containsAll(List.of("127.0.0.1", "127.0.0.3")), () -> standIn.sources(now));
            assertThat(standIn.sources(now)).doesNotContainKey("127.0.0.2");
        }
        for (MemberProcess q : new MemberProcess[] {p[0], p[2]}) {
            q.process.toHandle().destroy();
        }
        for (MemberProcess q : new MemberProcess[] {p[0], p[2]}) {
            assertThat(q.process.waitFor(30, TimeUnit.SECONDS)).as(q.tail()).isTrue();
        }
    }

    // ------------------------------------------------------------------ helpers

    private interface Check {
        boolean holds(Spec s) throws Exception;
    }

    /** Waits until {@code check} holds on every member; the ms from {@code since} when it first held on each. */
    private static long[] awaitOnEvery(List<Spec> members, long since, String what, Check check) throws Exception {
        long[] ms = new long[members.size()];
        java.util.Arrays.fill(ms, -1);
        await(CONVERGE, "every survivor " + what, () -> {
            boolean all = true;
            for (int i = 0; i < members.size(); i++) {
                if (ms[i] < 0 && check.holds(members.get(i))) {
                    ms[i] = (System.nanoTime() - since) / 1_000_000;
                }
                all &= ms[i] >= 0;
            }
            return all;
        }, () -> java.util.Arrays.toString(ms));
        return ms;
    }

    /** The member id of {@code s} among the node's probers, by its cluster port. */
    private static String memberIdOf(JsonNode health, Spec s) {
        for (JsonNode prober : health.get("probers")) {
            if (prober.get("address").asText().endsWith(":" + s.cluster())) {
                return prober.get("member").asText();
            }
        }
        throw new AssertionError("member " + (s.index() + 1) + " is not a prober: " + health);
    }

    private static String votes(JsonNode health) {
        return health.get("votes").get("up").asInt() + " up, " + health.get("votes").get("down").asInt() + " down";
    }

    private static boolean deadProberGoneOrNotCounting(JsonNode health, String member) {
        for (JsonNode prober : health.get("probers")) {
            if (prober.get("member").asText().equals(member)) {
                return !prober.get("counting").asBoolean();
            }
        }
        return true;
    }

    private JsonNode health(Spec s, String id) throws Exception {
        HttpResponse<String> r = send(s, "GET", "/v1/nodes/" + id + "/health", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }

    private static List<String> answers(Spec s) {
        try {
            SimpleResolver r = new SimpleResolver(new InetSocketAddress(ClusterFixture.LOOPBACK, s.dns()));
            r.setEDNS(-1);
            r.setTimeout(Duration.ofSeconds(2));
            Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString(VIDEO), Type.A, 1)));
            return ClusterFixture.addresses(m);
        } catch (IOException e) {
            return List.of();
        }
    }

    private HttpResponse<String> send(Spec s, String method, String path, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(s.uri(path)).timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + token);
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return ClusterFixture.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until every live member reports {@code n} members; a failure shows each member's log tail. */
    private void awaitMembers(List<Spec> specs, MemberProcess[] p, int n, Duration limit) throws Exception {
        for (Spec s : specs) {
            if (p[s.index()].process.isAlive()) {
                await(limit, "member " + (s.index() + 1) + " reports " + n + " members",
                        () -> json(send(s, "GET", "/v1/health", null)).get("members").asInt() == n,
                        () -> send(s, "GET", "/v1/health", null).body() + "\n" + java.util.Arrays.stream(p)
                                .map(MemberProcess::tail).collect(java.util.stream.Collectors.joining("\n")));
            }
        }
    }

    /** Member 1 first (the one the others are told to join), then 2 and 3 together. */
    private void startAll(List<Spec> specs, MemberProcess[] p) throws Exception {
        p[0] = spawn(specs.get(0), specs.get(0));
        p[0].awaitReady(START);
        p[1] = spawn(specs.get(1), specs.get(0));
        p[2] = spawn(specs.get(2), specs.get(0));
        p[1].awaitReady(START);
        p[2].awaitReady(START);
    }

    private MemberProcess spawn(Spec s, Spec first) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("--bind", "127.0.0.1", "--dns-port", "" + s.dns(), "--http-port", "" + s.http(),
                "--cluster-port", "" + s.cluster(), "--cluster-name", clusterName, "--data-dir", s.data().toString(),
                "--threads", "1", "--admin-token-file", tokenFile.toString(),
                "--probe-allow", "127.0.0.0/8", "--probe-source", s.probeSource()));
        if (s.index() == 0) {
            cmd.add("--demo");
        } else {
            cmd.addAll(List.of("--members", "127.0.0.1:" + first.cluster()));
        }
        MemberProcess p = MemberProcess.start(s.index() + 1, tmp, cmd, Map.of());
        processes.add(p);
        return p;
    }
}
