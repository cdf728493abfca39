package org.hubdns.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.hubdns.server.cluster.ClusterFixture.await;
import static org.hubdns.server.cluster.ClusterFixture.json;

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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.hubdns.server.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Three members as three real JVMs ({@code hubdns serve}), as an operator runs them: {@code kill -9}
 * of one loses no acknowledged write, and a SIGTERM of all followed by a start of all brings back
 * every node and nothing that was deleted, also on the member that was killed (and so missed writes).
 */
class ClusterProcessesTest {
    private static final Duration START = Duration.ofSeconds(40);
    private static final Duration CONVERGE = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private final List<MemberProcess> processes = new ArrayList<>();
    private final String token = "proc-admin-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final String clusterName = "t-" + Long.toHexString(ThreadLocalRandom.current().nextLong());

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (MemberProcess p : processes) {
            if (p.process.isAlive()) {
                p.process.destroyForcibly();
                p.process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** One member's fixed identity: ports and data dir, reused across restarts. */
    private record Spec(int index, int dns, int http, int cluster, Path data) {
        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + http + path);
        }
    }

    @Test
    void killMinus9AndAFullRestartLoseNothingAndResurrectNothing() throws Exception {
        List<Spec> specs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            specs.add(new Spec(i, ClusterFixture.freeDnsPort(), ClusterFixture.freeTcpPort(),
                    ClusterFixture.freeTcpPort(), tmp.resolve("m" + (i + 1))));
        }
        MemberProcess[] p = new MemberProcess[3];
        startAll(specs, p);
        awaitMembers(specs, p, 3);

        Spec m1 = specs.get(0);
        Spec m3 = specs.get(2);
        // test-owned platforms: node n goes to proc(n / 15), all at isb, answers 16 >= 15, so every
        // live node is in some DNS answer whatever the steering's hash picks
        for (int i = 0; i < PLATFORMS; i++) {
            String body = ClusterFixture.JSON.writeValueAsString(Map.of("hostnames",
                    List.of("proc" + i + ".pk-hub.example"), "ttl", 30, "answers", 16, "defaultSite", "isb",
                    "fallback", Map.of("cname", "origin.example.")));
            HttpResponse<String> r = send(m1, "PUT", "/v1/platforms/proc" + i, token, body);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < PLATFORMS; i++) {
            names.add("proc" + i);
        }
        HttpResponse<String> pr = send(m1, "PUT", "/v1/partners/proc", token,
                ClusterFixture.JSON.writeValueAsString(Map.of("platforms", names,
                        "allowSpecial", List.of("198.51.100.0/24", "203.0.113.0/24")))); // documentation: special
        assertThat(pr.statusCode()).as(pr.body()).isEqualTo(201);
        String partner = json(pr).get("token").asText();
        Map<String, String> live = new ConcurrentHashMap<>();
        Set<String> deleted = ConcurrentHashMap.newKeySet();

        write(m1, partner, 0, 100, live);
        // deleted while every member is up: the killed member's data dir holds the tombstones too
        for (String id : new ArrayList<>(live.keySet()).subList(0, 10)) {
            assertThat(send(m1, "DELETE", "/v1/nodes/" + id, partner, null).statusCode()).isEqualTo(204);
            live.remove(id);
            deleted.add(id);
        }

        p[1].process.destroyForcibly(); // kill -9
        assertThat(p[1].process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        awaitMembers(specs, p, 2);
        await(CONVERGE, "member 3 lists every acknowledged node", () -> ids(m3).equals(live.keySet()),
                () -> diff(live.keySet(), ids(m3)) + " / extra " + diff(ids(m3), live.keySet()));

        write(m1, partner, 100, 50, live);
        // deleted while member 2 is down: its data dir still has them live
        for (String id : new ArrayList<>(live.keySet()).subList(0, 5)) {
            assertThat(send(m3, "DELETE", "/v1/nodes/" + id, partner, null).statusCode()).isEqualTo(204);
            live.remove(id);
            deleted.add(id);
        }
        assertThat(live).hasSize(135);
        await(CONVERGE, "member 3 lists the later writes", () -> ids(m3).equals(live.keySet()),
                () -> diff(live.keySet(), ids(m3)));

        for (MemberProcess q : new MemberProcess[] {p[0], p[2]}) {
            assertThat(q.process.toHandle().destroy()).isTrue(); // SIGTERM
        }
        for (MemberProcess q : new MemberProcess[] {p[0], p[2]}) {
            if (!q.process.waitFor(30, TimeUnit.SECONDS)) {
                fail("still running 30 s after SIGTERM%n%s", q.tail());
            }
            assertThat(q.process.exitValue()).as(q.tail()).isZero();
        }

        startAll(specs, p);
        awaitMembers(specs, p, 3);
        for (Spec s : specs) {
            await(CONVERGE, "member " + (s.index() + 1) + " lists exactly the live nodes after the restart",
                    () -> ids(s).equals(live.keySet()),
                    () -> "missing " + diff(live.keySet(), ids(s)) + ", back from the dead " + diff(ids(s), live.keySet()));
            for (String id : deleted) {
                assertThat(send(s, "GET", "/v1/nodes/" + id, token, null).statusCode()).as(id).isEqualTo(404);
            }
        }
        // DNS on the member that was killed: its answers hold exactly the live nodes, none deleted
        Set<String> expected = new TreeSet<>(live.values());
        Spec m2 = specs.get(1);
        await(CONVERGE, "member 2 answers exactly the live nodes", () -> answered(m2).equals(expected),
                () -> "missing " + diff(expected, answered(m2)) + ", extra " + diff(answered(m2), expected));
        for (MemberProcess q : p) {
            q.process.toHandle().destroy();
        }
        for (MemberProcess q : p) {
            assertThat(q.process.waitFor(30, TimeUnit.SECONDS)).as(q.tail()).isTrue();
        }
    }

    // ------------------------------------------------------------------ helpers

    private static final int PLATFORMS = 10;

    /** Every address answered for the test's platforms by {@code s}. */
    private static Set<String> answered(Spec s) throws IOException {
        Set<String> out = new TreeSet<>();
        for (int i = 0; i < PLATFORMS; i++) {
            out.addAll(addresses(s, "proc" + i + ".pk-hub.example."));
        }
        return out;
    }

    /** Node n gets address 198.51.100.x / 203.0.113.x and weight 850 + n. */
    private static String addressOf(int n) {
        return (n < 250 ? "198.51.100." : "203.0.113.") + (n % 250 + 1);
    }

    private static int weightOf(String address) {
        int last = Integer.parseInt(address.substring(address.lastIndexOf('.') + 1)) - 1;
        return 850 + (address.startsWith("198.51.100.") ? last : 250 + last);
    }

    private void write(Spec via, String partner, int from, int count, Map<String, String> live) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int n = from; n < from + count; n++) {
                String addr = addressOf(n);
                String plat = "proc" + (n / 15);
                fs.add(pool.submit(() -> {
                    String body = ClusterFixture.JSON.writeValueAsString(Map.of("platform", plat, "site", "isb",
                            "addresses", List.of(addr), "weight", weightOf(addr), "check", Map.of("type", "none")));
                    HttpResponse<String> r = send(via, "POST", "/v1/nodes", partner, body);
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                    live.put(json(r).get("id").asText(), addr);
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private Set<String> ids(Spec s) throws Exception {
        HttpResponse<String> r = send(s, "GET", "/v1/nodes?partner=proc", token, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Set<String> out = new HashSet<>();
        json(r).forEach(n -> {
            if (!n.get("id").asText().startsWith("demo-")) {
                out.add(n.get("id").asText());
            }
        });
        return out;
    }

    private static List<String> addresses(Spec s, String name) throws IOException {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress(ClusterFixture.LOOPBACK, s.dns()));
        r.setEDNS(-1);
        r.setTimeout(Duration.ofSeconds(2));
        Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, 1)));
        return ClusterFixture.addresses(m);
    }

    private static Set<String> diff(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }

    private static HttpResponse<String> send(Spec s, String method, String path, String bearer, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(s.uri(path)).timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + bearer);
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return ClusterFixture.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitMembers(List<Spec> specs, MemberProcess[] p, int n) throws Exception {
        for (Spec s : specs) {
            if (p[s.index()].process.isAlive()) {
                // joining (a JVM starting, Hazelcast's join) is the slowest step on a loaded machine
                await(START, "member " + (s.index() + 1) + " reports " + n + " members",
                        () -> json(send(s, "GET", "/v1/health", token, null)).get("members").asInt() == n,
                        () -> send(s, "GET", "/v1/health", token, null).body());
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
                "--threads", "1"));
        if (s.index() == 0) {
            cmd.add("--demo");
        } else {
            cmd.addAll(List.of("--members", "127.0.0.1:" + first.cluster()));
        }
        MemberProcess p = MemberProcess.start(s.index() + 1, tmp, cmd, Map.of(org.hubdns.api.AdminTokens.ENV, token));
        processes.add(p);
        return p;
    }
}
