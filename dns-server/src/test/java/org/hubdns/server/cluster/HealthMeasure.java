package org.hubdns.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.server.cluster.ClusterFixture.await;
import static org.hubdns.server.cluster.ClusterFixture.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.hubdns.server.StandIn;
import org.hubdns.server.cluster.ClusterFixture.Member;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Figures of the health checker (issue 6), not assertions; run on demand:
 *
 * <pre>
 * mvn -B -o package -DskipTests -pl dns-server -am          # the jar, for the CPU figure's child process
 * mvn -B -o test -pl dns-server -am -Dtest='org/hubdns/server/cluster/HealthMeasure' \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dhubdns.measure=true
 * </pre>
 *
 * <ul>
 * <li>failure/recovery: time from stopping an HTTP stand-in to its absence from every member's DNS
 * answers, and from starting it to its presence in every member's answers, over 20 trials
 * ({@code hubdns.measure.trials}), interval 1 s, timeout 0.5 s, rise 2, fall 3; three members in this
 * JVM (probing from 127.0.0.1, .2, .3);
 * <li>the same with one prober member killed (Hazelcast terminated, no goodbye) just before the
 * stand-in stops; measured on the two survivors; the killed member (2 and 3 in turn) is restarted
 * between trials and the next trial waits for all three probers' "up" votes;
 * <li>the probe rate one node sees with 1, 3 and 5 members (k = 3, interval 1 s), over 10 s;
 * <li>the CPU time of one member process ({@code java -jar target/hubdns.jar serve}) probing 5,000
 * HTTP nodes (interval 2 s default, timeout 1 s default) over 30 s ({@code hubdns.measure.cpuSeconds}),
 * from /proc/PID/stat, against the same member with the same 5,000 nodes at check none.
 * </ul>
 */
@Tag("measure")
@EnabledIfSystemProperty(named = "hubdns.measure", matches = "true")
class HealthMeasure {
    static final String VIDEO = "video.pk-hub.example.";
    static final Duration WITHIN = Duration.ofSeconds(30);
    static final int TRIALS = Integer.getInteger("hubdns.measure.trials", 20);

    // ================================================================ (a) and (b)

    @Test
    void failureAndRecoveryOnEveryMember() throws Exception {
        trials(false);
    }

    @Test
    void failureAndRecoveryWithAProberKilledJustBefore() throws Exception {
        trials(true);
    }

    private void trials(boolean killOne) throws Exception {
        try (ClusterFixture c = startFixture(3);
                StandIn node = StandIn.http("127.0.0.41")) {
            ClusterMembersTest.awaitMembers(c, 3);
            System.out.printf("load average at the start: %s%n", loadAverage());
            String admin = c.admin();
            String id = register(c, admin, node, 1000, 500, 2, 3);
            long[] outMs = new long[TRIALS];
            long[] inMs = new long[TRIALS];
            long[] leftMs = new long[TRIALS];
            for (int t = 0; t < TRIALS; t++) {
                awaitSteady(c, admin, id, node);
                // a random phase against the probes' timers
                Thread.sleep(ThreadLocalRandom.current().nextLong(1000));
                Member killed = null;
                if (killOne) {
                    killed = c.m(2 + t % 2);
                    killed.kill();
                }
                List<Member> live = c.members().stream().filter(Member::running).toList();
                node.stop();
                long stopped = System.nanoTime();
                long[] left = new long[] {-1};
                outMs[t] = untilEvery(live, stopped, false, () -> {
                    if (left[0] < 0 && live.stream().allMatch(m -> members(m) == live.size())) {
                        left[0] = (System.nanoTime() - stopped) / 1_000_000;
                    }
                });
                node.start();
                long started = System.nanoTime();
                inMs[t] = untilEvery(live, started, true, () -> { });
                leftMs[t] = left[0];
                System.out.printf("trial %2d: out of every member's answers after %5d ms, back after %5d ms%s%n", t + 1,
                        outMs[t], inMs[t], killOne ? String.format(" (member %d killed; survivors saw it leave after %s)",
                                killed.index + 1, left[0] < 0 ? "> the failure" : left[0] + " ms") : "");
                if (killed != null) {
                    killed.start();
                    ClusterMembersTest.awaitMembers(c, 3);
                }
            }
            System.out.printf("load average at the end: %s%n", loadAverage());
            String what = killOne ? "with one prober member killed just before (3 -> 2 members, restarted between trials)"
                    : "3 members";
            System.out.printf("%nHEALTH %s, interval 1000 ms, timeout 500 ms, rise 2, fall 3, %d trials:%n"
                    + "  stop -> absent from every member's answers: p50 %d ms, max %d ms, min %d ms "
                    + "(issue's budget %d ms)%n"
                    + "  start -> present in every member's answers: p50 %d ms, max %d ms, min %d ms "
                    + "(issue's budget %d ms)%n", what, TRIALS, pct(outMs, 50), max(outMs), min(outMs),
                    3 * 1000 + 500 + 1000 + (killOne ? 1000 : 0), pct(inMs, 50), max(inMs), min(inMs),
                    2 * 1000 + 1000 + (killOne ? 1000 : 0));
            if (killOne) {
                System.out.printf("  kill -> survivors list 2 members: p50 %d ms, max %d ms%n", pct(leftMs, 50),
                        max(leftMs));
            }
        }
    }

    /**
     * A fixture, started again (on other ports) when a port it picked was taken before it bound it:
     * the machine is shared with other builds.
     */
    private static ClusterFixture startFixture(int n) throws Exception {
        for (int attempt = 1;; attempt++) {
            try {
                return ClusterFixture.start(n, true);
            } catch (org.hubdns.server.StartupException e) {
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("in use")) {
                    throw e;
                }
                System.out.println("fixture not started (" + e.getMessage() + "); again on other ports");
            }
        }
    }

    /** Registers an HTTP-checked node on {@code node} for video at isb, drains the demo's isb nodes, awaits it. */
    private static String register(ClusterFixture c, String admin, StandIn node, int interval, int timeout, int rise,
            int fall) throws Exception {
        Member m1 = c.m(1);
        c.demoMayUse("127.0.0.0/8");
        for (String demo : List.of("demo-isb-1", "demo-isb-2")) {
            assertThat(m1.postJson("/v1/nodes/" + demo + "/drain", admin, null).statusCode()).isEqualTo(200);
        }
        String id = ClusterMembersTest.created(m1.postJson("/v1/nodes", admin, Map.of("partner", "demo", "platform",
                "video", "site", "isb", "addresses", List.of(node.address()), "weight", 100, "check",
                Map.of("type", "http", "port", node.port(), "path", "/health", "intervalMs", interval, "timeoutMs",
                        timeout, "rise", rise, "fall", fall))));
        for (Member m : c.members()) {
            await(WITHIN, m + " answers the node", () -> m.addresses(VIDEO).contains(node.address()),
                    () -> m.addresses(VIDEO));
        }
        return id;
    }

    /** Every member counts an "up" from all three probers, and answers the node. */
    private static void awaitSteady(ClusterFixture c, String admin, String id, StandIn node) throws Exception {
        for (Member m : c.members()) {
            await(WITHIN, m + " counts three up votes", () -> {
                for (JsonNode n : json(m.get("/v1/health/nodes", admin)).get("nodes")) {
                    if (n.get("id").asText().equals(id)) {
                        return n.get("votes").get("up").asInt() == 3 && m.addresses(VIDEO).contains(node.address());
                    }
                }
                return false;
            }, () -> m.get("/v1/nodes/" + id + "/health", admin).body());
        }
    }

    private static int members(Member m) {
        return ClusterFixture.registry(m.server).members();
    }

    /**
     * Polls every member's DNS (UDP, 1 ms apart) until the node's presence is {@code present} on each;
     * the time from {@code since} to the last of them, in ms (a member that flips back is waited for again).
     */
    private static long untilEvery(List<Member> members, long since, boolean present, Runnable alsoEachRound)
            throws Exception {
        byte[] query = Message.newQuery(Record.newRecord(Name.fromString(VIDEO), Type.A, 1)).toWire();
        long deadline = since + TimeUnit.SECONDS.toNanos(30);
        try (DatagramSocket udp = new DatagramSocket(0, ClusterFixture.LOOPBACK)) {
            udp.setSoTimeout(500);
            while (true) {
                boolean all = true;
                for (Member m : members) {
                    all &= Boolean.valueOf(present).equals(has(udp, query, m.dnsPort));
                }
                alsoEachRound.run();
                if (all) {
                    return (System.nanoTime() - since) / 1_000_000;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("not within 30 s: node " + (present ? "present" : "absent")
                            + " on every member");
                }
                Thread.sleep(1);
            }
        }
    }

    /** Whether the member answers the node; null when it did not answer in time (neither). */
    private static Boolean has(DatagramSocket udp, byte[] query, int port) throws Exception {
        udp.send(new DatagramPacket(query, query.length, ClusterFixture.LOOPBACK, port));
        byte[] buf = new byte[1232];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            udp.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return ClusterFixture.addresses(new Message(Arrays.copyOf(buf, p.getLength()))).contains("127.0.0.41");
    }

    // ================================================================ (c)

    @Test
    void probeRateOneNodeSeesWith1And3And5Members() throws Exception {
        long seconds = Long.getLong("hubdns.measure.rateSeconds", 10);
        StringBuilder report = new StringBuilder();
        for (int n : new int[] {1, 3, 5}) {
            try (ClusterFixture c = startFixture(n);
                    StandIn node = StandIn.http("127.0.0.42")) {
                ClusterMembersTest.awaitMembers(c, n);
                String admin = c.admin();
                register(c, admin, node, 1000, 500, 2, 3);
                int k = Math.min(3, n);
                long warm = System.nanoTime();
                await(WITHIN, k + " probers", () -> node.sources(warm).size() == k, () -> node.sources(warm));
                long from = System.nanoTime();
                Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
                long to = System.nanoTime();
                Map<String, Integer> bySource = new TreeMap<>();
                for (StandIn.Hit h : node.hits()) {
                    if (h.nanos() >= from && h.nanos() < to) {
                        bySource.merge(h.source(), 1, Integer::sum);
                    }
                }
                int total = bySource.values().stream().mapToInt(Integer::intValue).sum();
                double secs = (to - from) / 1e9;
                String line = String.format("  %d member(s): %.2f probes/s at the node (%d in %.1f s; expected k/interval "
                        + "= %d/s), by prober: %s%n", n, total / secs, total, secs, k, bySource);
                System.out.print(line);
                report.append(line);
            }
        }
        System.out.printf("%nHEALTH probe rate at one node (interval 1000 ms, --probers-per-node 3):%n%s", report);
    }

    // ================================================================ (d)

    @Test
    void cpuOfOneMemberProbing5000Nodes() throws Exception {
        int nodes = Integer.getInteger("hubdns.measure.nodes", 5000);
        long seconds = Long.getLong("hubdns.measure.cpuSeconds", 30);
        long settle = Long.getLong("hubdns.measure.settleSeconds", 15);
        Path jar = Path.of("target", "hubdns.jar").toAbsolutePath();
        Assumptions.assumeTrue(Files.exists(jar), "build the jar first: mvn -B -o package -DskipTests -pl dns-server -am");
        Path dir = Files.createTempDirectory("hubdns-cpu");
        String admin = "cpu-admin-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        Path tokenFile = dir.resolve("admin-token");
        Files.writeString(tokenFile, admin + "\n");
        int http = ClusterFixture.freeTcpPort();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m"));
        String extra = System.getProperty("hubdns.measure.childJvm", "").strip(); // e.g. -Xlog:gc,safepoint
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        cmd.addAll(List.of("-jar", jar.toString(), "serve", "--demo", "--probe-allow", "127.0.0.0/8",
                "--bind", "127.0.0.1", "--dns-port", "" + ClusterFixture.freeDnsPort(), "--http-port", "" + http,
                "--cluster-port", "" + ClusterFixture.freeTcpPort(),
                "--cluster-name", "cpu-" + Long.toHexString(ThreadLocalRandom.current().nextLong()),
                "--data-dir", dir.resolve("data").toString(), "--admin-token-file", tokenFile.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("member.log").toFile())
                .start();
        Vertx vertx = Vertx.vertx();
        // light stand-ins (the test StandIn keeps every hit in a copy-on-write list: too slow for
        // thousands of probes a second): 100 addresses; as one address is one node per platform, the
        // nodes are spread over platforms of 100 (a partner "cpu" allowed loopback)
        List<String> addresses = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        LongAdder hits = new LongAdder();
        Map<String, LongAdder> bySource = new java.util.concurrent.ConcurrentHashMap<>();
        try {
            for (int i = 0; i < 100; i++) {
                String a = "127.0.0." + (51 + i);
                HttpServer s = vertx.createHttpServer().requestHandler(req -> {
                    hits.increment();
                    req.response().setStatusCode(200).end("ok\n");
                });
                int port = s.listen(0, a).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                        .actualPort();
                addresses.add(a);
                ports.add(port);
            }
            URI base = URI.create("http://127.0.0.1:" + http);
            await(Duration.ofSeconds(60), "the member is up", () -> get(base, "/v1/health", admin).statusCode() == 200,
                    () -> Files.readString(dir.resolve("member.log")));
            long pid = p.pid();
            List<String> platforms = new ArrayList<>();
            for (int k = 0; k * 100 < nodes; k++) {
                platforms.add("cpu" + k);
                HttpResponse<String> r = send(base, "PUT", "/v1/platforms/cpu" + k, admin, Map.of("hostnames",
                        List.of("cpu" + k + ".pk-hub.example"), "fallback", Map.of("cname", "origin.example.")));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            }
            HttpResponse<String> pr = send(base, "PUT", "/v1/partners/cpu", admin, Map.of("platforms", platforms,
                    "allowSpecial", List.of("127.0.0.0/8"), "maxNodes", nodes));
            assertThat(pr.statusCode()).as(pr.body()).isEqualTo(201);

            // 5,000 nodes at check none: the member's idle cost with them
            long t0 = System.nanoTime();
            String[] ids = new String[nodes];
            String[] sites = {"isb", "khi", "lhe"};
            parallel(nodes, i -> {
                Map<String, Object> body = Map.of("partner", "cpu", "platform", "cpu" + (i / 100), "site", sites[i % 3],
                        "addresses", List.of(addresses.get(i % 100)), "weight", 100, "check", Map.of("type", "none"));
                HttpResponse<String> r = send(base, "POST", "/v1/nodes", admin, body);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                ids[i] = json(r).get("id").asText();
            });
            System.out.printf("registered %d nodes (check none) in %.1f s%n", nodes, (System.nanoTime() - t0) / 1e9);
            Thread.sleep(TimeUnit.SECONDS.toMillis(settle));
            double[] idle = cpu(pid, seconds, hits);

            // the same nodes with http checks (interval 2000, timeout 1000: the defaults)
            t0 = System.nanoTime();
            parallel(nodes, i -> {
                Map<String, Object> body = Map.of("partner", "cpu", "platform", "cpu" + (i / 100), "site", sites[i % 3],
                        "addresses", List.of(addresses.get(i % 100)), "weight", 100, "check",
                        Map.of("type", "http", "port", ports.get(i % 100), "path", "/health"));
                HttpResponse<String> r = send(base, "PUT", "/v1/nodes/" + ids[i], admin, body);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            });
            System.out.printf("switched %d nodes to http checks in %.1f s%n", nodes, (System.nanoTime() - t0) / 1e9);
            await(Duration.ofSeconds(60), "every node up", () -> {
                JsonNode o = json(get(base, "/v1/health/nodes", admin));
                int up = 0;
                for (JsonNode n : o.get("nodes")) {
                    up += "http".equals(n.get("check").asText()) && "up".equals(n.get("health").asText()) ? 1 : 0;
                }
                return up == nodes;
            }, () -> "not yet");
            Thread.sleep(TimeUnit.SECONDS.toMillis(settle));
            int logFrom = Files.readAllLines(dir.resolve("member.log")).size();
            double[] probing = cpu(pid, seconds, hits);
            int logTo = Files.readAllLines(dir.resolve("member.log")).size();
            JsonNode probes = json(get(base, "/v1/health/nodes", admin)).get("probing");

            int cores = Runtime.getRuntime().availableProcessors();
            System.out.printf("%nHEALTH CPU of one member process (java -Xmx512m -jar hubdns.jar serve --demo, "
                    + "%d cores shared) with %d nodes, over %d s each:%n"
                    + "  check none (idle baseline): %.1f%% of one core, %.0f probes/s%n"
                    + "  http checks, interval 2000 ms (all %d probed by this member, k = min(3, 1)): %.1f%% of one "
                    + "core, %.0f probes/s at the stand-ins%n"
                    + "  probing's cost: %.1f%% of one core, %.1f us of CPU per probe%n"
                    + "  the member's probe counters: %s%n", cores, nodes, seconds, idle[0], idle[1], nodes,
                    probing[0], probing[1], probing[0] - idle[0],
                    (probing[0] - idle[0]) / 100.0 * 1e6 / Math.max(1, probing[1]), probes);
            // what the member logged while probing: withdrawn verdicts (its loop stalled), health changes
            List<String> log = Files.readAllLines(dir.resolve("member.log")).subList(logFrom, logTo);
            System.out.printf("  member log while probing was measured (%s): %d lines; 'withdrawing' %d, "
                    + "'-> down' %d, '-> unknown' %d, 'blocked' %d, GC pauses over 100 ms %d%n",
                    dir.resolve("member.log"), log.size(),
                    log.stream().filter(l -> l.contains("withdrawing")).count(),
                    log.stream().filter(l -> l.contains("-> down") || l.contains("is down")).count(),
                    log.stream().filter(l -> l.contains("-> unknown")).count(),
                    log.stream().filter(l -> l.contains("has been blocked")).count(),
                    log.stream().filter(l -> l.matches(".*Pause.* ([0-9]{4,}|[1-9][0-9]{2})\\.[0-9]+ms$")).count());
        } finally {
            p.toHandle().destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** [% of one core, probes/s] of process {@code pid} over {@code seconds}. */
    private static double[] cpu(long pid, long seconds, LongAdder hits) throws Exception {
        System.out.printf("  load average before: %s%n", loadAverage());
        Map<String, Long> threads0 = threadTicks(pid);
        long ticks0 = ticks(pid);
        long hits0 = hits.sum();
        long t0 = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        long ticks1 = ticks(pid);
        long hits1 = hits.sum();
        Map<String, Long> threads1 = threadTicks(pid);
        Map<String, Long> byName = new TreeMap<>();
        threads1.forEach((k, v) -> byName.merge(k.substring(k.indexOf('/') + 1).replaceAll("[0-9]+", "#"),
                v - threads0.getOrDefault(k, 0L), Long::sum));
        System.out.print("  CPU by thread (ticks of 10 ms):");
        byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
                .forEach(e -> System.out.print(" " + e.getKey() + "=" + e.getValue()));
        System.out.println();
        double wall = (System.nanoTime() - t0) / 1e9;
        System.out.printf("  load average after %d s: %s; %.0f probes/s, %.1f%% of one core%n", seconds, loadAverage(),
                (hits1 - hits0) / wall, (ticks1 - ticks0) / wall);
        // USER_HZ is 100 on Linux (getconf CLK_TCK)
        return new double[] {(ticks1 - ticks0) / 100.0 / wall * 100.0, (hits1 - hits0) / wall};
    }

    /** The machine's 1, 5 and 15 minute load averages (2 cores shared with other builds). */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    /** utime + stime per thread ("tid/name"), in clock ticks. */
    private static Map<String, Long> threadTicks(long pid) throws IOException {
        Map<String, Long> out = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.put(t.getFileName() + "/" + name, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                } catch (IOException gone) {
                    // the thread ended
                }
            }
        }
        return out;
    }

    /** utime + stime of {@code pid}, in clock ticks. */
    private static long ticks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after "pid (comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private interface Each {
        void run(int i) throws Exception;
    }

    private static void parallel(int n, Each each) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int at = i;
                fs.add(pool.submit(() -> {
                    each.run(at);
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

    private static HttpResponse<String> get(URI base, String path, String token) throws Exception {
        return send(base, "GET", path, token, null);
    }

    private static HttpResponse<String> send(URI base, String method, String path, String token, Object body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(ClusterFixture.JSON.writeValueAsString(body)));
        return ClusterFixture.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    // ================================================================ figures

    private static long pct(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static long max(long[] values) {
        return Arrays.stream(values).max().orElse(-1);
    }

    private static long min(long[] values) {
        return Arrays.stream(values).min().orElse(-1);
    }
}
