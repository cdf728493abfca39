package org.hubdns.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.server.cluster.ClusterFixture.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.hubdns.server.cluster.SiteLab.Site;
import org.hubdns.testsupport.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A cluster across three sites (issue 16): three {@code hubdns serve} processes, each in a Linux
 * network namespace of its own ({@link SiteLab}: Islamabad, Karachi, Lahore joined by veth links
 * through a bridge), each site with two cache nodes that its own process serves. One test, in steps:
 *
 * <ol>
 * <li>a write acknowledged at site 1 reaches the DNS answers of sites 2 and 3 (timed, see
 *     {@link SitesMeasure} for 1,000 rounds);</li>
 * <li>site 3 is cut off (nft drops its packets) for 60 s while the partner writes at site 1 and at
 *     site 3 and a node fails at each side: both sides keep answering DNS from what they have, and
 *     each side's health is what its own probers see; two conflicting writes to one node, one on
 *     each side, end as the later one everywhere (the registry's rule: the higher
 *     {@code HybridClock} version wins, {@code VersionMergePolicy}); after healing every member
 *     holds the same registry with every acknowledged write;</li>
 * <li>site 2's process is killed ({@code kill -9}) during a write burst: no acknowledged write is
 *     lost;</li>
 * <li>site 3's disk (its data dir on a small tmpfs) fills up: its writes fail with 507 and a problem
 *     body saying what to do, nothing of them reaches the cluster, sites 1's writes go on and site 3
 *     still answers DNS and serves them; once space is freed its writes succeed again.</li>
 * </ol>
 */
class SitesTest {
    static final Duration START = Duration.ofSeconds(120);
    static final Duration CONVERGE = Duration.ofSeconds(60);
    static final long CUT_MS = 60_000;
    static final int DNS = 5300;
    static final int HTTP = 8053;
    static final int CLUSTER = 5701;
    static final int NODE_PORT = 8080;
    static final String[] SITE_NAMES = {"isb", "khi", "lhe"};
    static final String WEB = "web.pk-hub.example.";
    static final String CONV = "conv.pk-hub.example.";
    static final String MARK = "198.19.0.1";

    @TempDir
    Path tmp;

    SiteLab lab;
    final MemberProcess[] members = new MemberProcess[3];
    final String token = "sites-admin-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    final String clusterName = "sites-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    String partner;
    Path nodeDir;

    @AfterEach
    void removeTheLab() {
        for (MemberProcess m : members) {
            if (m != null) {
                try { // for a failure's post-mortem: the whole output of each member
                    Files.write(Path.of("target", "sites-member-" + m.member + ".log"), m.lines());
                } catch (IOException e) {
                    System.err.println("member " + m.member + "'s output not kept: " + e);
                }
            }
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void aClusterAcrossThreeSitesSurvivesACutAKillAndAFullDisk() throws Exception {
        startLab(this, tmp);
        Site s1 = lab.site(1);
        Site s2 = lab.site(2);
        Site s3 = lab.site(3);

        // 1. write at site 1 -> DNS at sites 2 and 3
        long[] micros = convergence(this, Integer.getInteger("hubdns.sites.rounds", 40));
        System.out.printf("%nSITES write at site 1 -> DNS answers at sites 2 and 3 over %d writes: p50 %.1f ms, "
                + "p99 %.1f ms, max %.1f ms%n", micros.length, pct(micros, 50) / 1000.0, pct(micros, 99) / 1000.0,
                micros[micros.length - 1] / 1000.0);

        // 2. site 3 cut off for 60 s
        String contested = created(send(s1, "POST", "/v1/nodes", partner, node("burst", "198.19.9.9", 500)));
        awaitSame("every site lists the contested node", s1, s2, s3);
        Map<String, String> acked = new ConcurrentHashMap<>();
        AtomicInteger refused = new AtomicInteger();
        lab.cut(s3);
        long cutAt = System.nanoTime();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> writers = new ArrayList<>();
        for (Site via : List.of(s1, s3)) {
            writers.add(pool.submit(() -> {
                for (int n = 1; n <= 200 && !stop.get(); n++) {
                    String address = "198.19." + (10 + via.index()) + "." + n;
                    HttpResponse<String> r = send(via, "POST", "/v1/nodes", partner, node("burst", address, 10));
                    if (r.statusCode() == 201) {
                        acked.put(json(r).get("id").asText(), address);
                    } else {
                        refused.incrementAndGet();
                        System.out.printf("SITES write at site %d during the cut refused: %d %s%n", via.index(),
                                r.statusCode(), r.body());
                    }
                    Thread.sleep(1000);
                }
                return null;
            }));
        }
        awaitMembers(s1, 2);
        awaitMembers(s2, 2);
        awaitMembers(s3, 1);
        // the cut-off site lost the partitions it held no copy of; its data dir puts them back
        Await.until(CONVERGE, "site 3 (cut off) reads the contested node", () ->
                send(s3, "GET", "/v1/nodes/" + contested, partner, null).statusCode() == 200,
                () -> send(s3, "GET", "/v1/nodes/" + contested, partner, null).body());
        // the later of two conflicting writes wins wherever it was made: site 3's, the minority's
        HttpResponse<String> first = send(s1, "PUT", "/v1/nodes/" + contested, partner,
                node("burst", "198.19.9.9", 111));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        Thread.sleep(50);
        HttpResponse<String> second = send(s3, "PUT", "/v1/nodes/" + contested, partner,
                node("burst", "198.19.9.9", 222));
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        // a node fails on each side; each side decides by the probers it still hears
        fail(s1.nodes().get(0));
        fail(s3.nodes().get(0));
        Set<String> sideA = Set.of(s1.nodes().get(1), s2.nodes().get(0), s2.nodes().get(1));
        Set<String> sideB = Set.of(s3.nodes().get(1));
        for (Site s : List.of(s1, s2)) {
            Await.until(CONVERGE, "site " + s.index() + " answers the nodes its side sees up", () ->
                    answers(s, WEB).equals(sideA), () -> answers(s, WEB));
        }
        Await.until(CONVERGE, "site 3 (cut off) answers the only node it sees up", () ->
                answers(s3, WEB).equals(sideB), () -> answers(s3, WEB));
        for (Site s : lab.sites()) {
            assertThat(answers(s, CONV)).as("site %d still answers from what it has", s.index()).contains(MARK);
        }
        long left = CUT_MS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutAt);
        if (left > 0) {
            Thread.sleep(left);
        }
        stop.set(true);
        for (Future<?> w : writers) {
            w.get(60, TimeUnit.SECONDS);
        }
        pool.shutdownNow();
        lab.heal(s3);
        long healedAt = System.nanoTime();
        recover(s1.nodes().get(0));
        recover(s3.nodes().get(0));
        assertThat(acked.values()).as("writes acknowledged on both sides").anyMatch(a -> a.startsWith("198.19.11."))
                .anyMatch(a -> a.startsWith("198.19.13."));
        for (Site s : lab.sites()) {
            awaitMembers(s, 3);
        }
        awaitSame("every site holds the same registry after healing", s1, s2, s3);
        long convergedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healedAt);
        System.out.printf("SITES cut-off site 3 converged %d ms after healing (%d writes acknowledged during the cut, "
                + "%d refused)%n", convergedMs, acked.size(), refused.get());
        for (Site s : lab.sites()) {
            Map<String, String> listed = nodes(s);
            assertThat(listed.keySet()).as("site %d lists every acknowledged write", s.index())
                    .containsAll(acked.keySet());
            assertThat(listed.get(contested)).as("the later conflicting write (site 3's) on site %d", s.index())
                    .isEqualTo("198.19.9.9 w222");
            Await.until(CONVERGE, "site " + s.index() + " answers every web node again", () ->
                    answers(s, WEB).size() == 6, () -> answers(s, WEB));
        }

        // 3. kill -9 of site 2's process during a write burst
        Map<String, String> burst = new ConcurrentHashMap<>();
        AtomicBoolean burstStop = new AtomicBoolean();
        ExecutorService burstPool = Executors.newFixedThreadPool(4);
        List<Future<?>> burstWriters = new ArrayList<>();
        AtomicInteger seq = new AtomicInteger();
        for (int t = 0; t < 4; t++) {
            Site via = t % 2 == 0 ? s1 : s2;
            burstWriters.add(burstPool.submit(() -> {
                while (!burstStop.get()) {
                    int n = seq.incrementAndGet();
                    String address = "198.19." + (20 + n / 250) + "." + (n % 250 + 1);
                    try {
                        HttpResponse<String> r = send(via, "POST", "/v1/nodes", partner, node("burst", address, 10));
                        if (r.statusCode() == 201) {
                            burst.put(json(r).get("id").asText(), address);
                        }
                    } catch (IOException gone) {
                        Thread.sleep(50); // site 2 is dead: its connection is refused
                    }
                }
                return null;
            }));
        }
        Thread.sleep(1500);
        members[1].process.destroyForcibly();
        assertThat(members[1].process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(2500);
        burstStop.set(true);
        for (Future<?> w : burstWriters) {
            w.get(60, TimeUnit.SECONDS);
        }
        burstPool.shutdownNow();
        assertThat(burst).as("writes acknowledged in the burst").isNotEmpty();
        awaitMembers(s1, 2);
        for (Site s : List.of(s1, s3)) {
            Await.until(CONVERGE, "site " + s.index() + " lists every write acknowledged in the burst",
                    () -> nodes(s).keySet().containsAll(burst.keySet()),
                    () -> "missing " + missing(burst.keySet(), nodes(s).keySet()));
        }
        System.out.printf("SITES kill -9 of site 2 during a burst: %d writes acknowledged, none lost%n", burst.size());

        // 4. site 3's disk is full
        Path filler = tmp.resolve("data3").resolve("filler");
        fill(filler);
        HttpResponse<String> full = send(s3, "POST", "/v1/nodes", partner, node("burst", "198.19.30.1", 10));
        assertThat(full.statusCode()).as(full.body()).isEqualTo(507);
        assertThat(full.headers().firstValue("Content-Type")).hasValueSatisfying(ct ->
                assertThat(ct).startsWith("application/problem+json"));
        assertThat(json(full).get("detail").asText()).contains("disk").contains("free");
        assertThat(nodes(s1).values()).as("nothing of the refused write reached the cluster")
                .doesNotContain("198.19.30.1 w10");
        String afterFull = created(send(s1, "POST", "/v1/nodes", partner, node("conv", "198.19.30.2", 10)));
        Await.until(CONVERGE, "site 3 (disk full) lists and answers site 1's write", () ->
                nodes(s3).containsKey(afterFull) && answers(s3, CONV).contains("198.19.30.2"), () -> answers(s3, CONV));
        Files.delete(filler);
        HttpResponse<String> again = send(s3, "POST", "/v1/nodes", partner, node("burst", "198.19.30.3", 10));
        assertThat(again.statusCode()).as("with space again; %s", again.body()).isEqualTo(201);

        for (MemberProcess m : members) {
            m.process.destroy();
        }
        for (MemberProcess m : members) {
            assertThat(m.process.waitFor(60, TimeUnit.SECONDS)).as(m.tail()).isTrue();
        }
    }

    // ------------------------------------------------------------------ the lab (shared with SitesMeasure)

    /** The namespaces, a tmpfs data dir for site 3, the nodes, the three members, the test's platforms. */
    static void startLab(SitesTest t, Path tmp) throws Exception {
        t.lab = SiteLab.create(3, 2);
        t.nodeDir = Files.createDirectories(tmp.resolve("nodes"));
        t.lab.mountTmpfs(tmp.resolve("data3"), 64);
        List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx24m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                SiteNodes.class.getName(), t.nodeDir.toString(), "" + NODE_PORT);
        for (Site s : t.lab.sites()) {
            List<String> cmd = new ArrayList<>(java);
            cmd.addAll(s.nodes());
            Process nodes = t.lab.start(s, cmd, tmp);
            String ready = new String(nodes.getInputStream().readNBytes("nodes ready".length()));
            assertThat(ready).as("site %d's nodes", s.index()).isEqualTo("nodes ready");
        }
        for (Site s : t.lab.sites()) {
            t.members[s.index() - 1] = t.spawn(s, tmp);
            if (s.index() == 1) {
                t.members[0].awaitReady(START); // the others join it
            }
        }
        for (MemberProcess m : t.members) {
            m.awaitReady(START);
        }
        for (Site s : t.lab.sites()) {
            t.awaitMembers(s, 3);
        }
        Site s1 = t.lab.site(1);
        for (String p : List.of("web", "conv", "burst")) {
            HttpResponse<String> r = t.send(s1, "PUT", "/v1/platforms/" + p, t.token, Map.of("hostnames",
                    List.of(p + ".pk-hub.example"), "ttl", 30, "answers", 16, "defaultSite", "isb",
                    "fallback", Map.of("cname", "origin.example.")));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
        HttpResponse<String> pr = t.send(s1, "PUT", "/v1/partners/sites", t.token, Map.of("platforms",
                List.of("web", "conv", "burst"), "allowSpecial", List.of("198.18.0.0/15"), "maxNodes", 100_000));
        assertThat(pr.statusCode()).as(pr.body()).isEqualTo(201);
        t.partner = json(pr).get("token").asText();
        // each site's nodes, probed by every member; all at one steering site so that an answer (16
        // at most) is exactly the set of nodes up, wherever they are
        for (Site s : t.lab.sites()) {
            for (String a : s.nodes()) {
                created(t.send(s1, "POST", "/v1/nodes", t.partner, Map.of("platform", "web", "site", "isb",
                        "addresses", List.of(a), "weight", 100, "check", Map.of("type", "http", "port", NODE_PORT,
                                "path", "/health", "intervalMs", 1000, "timeoutMs", 500, "rise", 2, "fall", 2))));
            }
        }
        created(t.send(s1, "POST", "/v1/nodes", t.partner, node("conv", MARK, 1000)));
        created(t.send(s1, "POST", "/v1/nodes", t.partner, node("conv", "198.19.0.2", 1)));
        for (Site s : t.lab.sites()) {
            Await.until(CONVERGE, "site " + s.index() + " answers all six web nodes and the marker", () ->
                    t.answers(s, WEB).size() == 6 && t.answers(s, CONV).contains(MARK),
                    () -> t.answers(s, WEB) + " " + t.answers(s, CONV));
        }
    }

    private MemberProcess spawn(Site s, Path tmp) throws IOException {
        Path data = tmp.resolve("data" + s.index());
        List<String> others = new ArrayList<>();
        for (Site o : lab.sites()) {
            if (o != s) {
                others.add(o.address() + ":" + CLUSTER);
            }
        }
        List<String> args = new ArrayList<>(List.of("--bind", s.address(), "--dns-port", "" + DNS,
                "--http-port", "" + HTTP, "--cluster-port", "" + CLUSTER, "--cluster-name", clusterName,
                "--members", String.join(",", others), "--data-dir", data.toString(), "--threads", "1",
                "--probe-allow", lab.cidr(), "--probers-per-node", "3", "--nsid", SITE_NAMES[s.index() - 1],
                // plain HTTP on the namespaces' private link, which only this test reaches
                "--insecure-http"));
        if (s.index() == 1) {
            args.add("--demo");
        }
        MemberProcess p = MemberProcess.start(s.index(), tmp, s.exec(), args,
                Map.of(org.hubdns.api.AdminTokens.ENV, token));
        lab.track(p.process);
        return p;
    }

    /**
     * Drains and undrains the marker at site 1, {@code rounds} times: for each, the time from the
     * acknowledgement until both site 2's and site 3's DNS answers show it, in microseconds, sorted.
     */
    static long[] convergence(SitesTest t, int rounds) throws Exception {
        Site s1 = t.lab.site(1);
        String mark = null;
        for (JsonNode n : json(t.send(s1, "GET", "/v1/nodes?platform=conv", t.partner, null))) {
            if (n.get("addresses").get(0).asText().equals(MARK)) {
                mark = n.get("id").asText();
            }
        }
        assertThat(mark).isNotNull();
        byte[] query = Message.newQuery(Record.newRecord(Name.fromString(CONV), Type.A, 1)).toWire();
        long[] micros = new long[rounds];
        try (DatagramSocket to2 = udp(t.lab, t.lab.site(2)); DatagramSocket to3 = udp(t.lab, t.lab.site(3))) {
            for (int i = 0; i < rounds; i++) {
                boolean drain = i % 2 == 0;
                HttpResponse<String> r = t.send(s1, "POST", "/v1/nodes/" + mark + (drain ? "/drain" : "/undrain"),
                        t.partner, null);
                long acked = System.nanoTime();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                long deadline = acked + TimeUnit.SECONDS.toNanos(30);
                boolean at2 = false;
                boolean at3 = false;
                while (!(at2 && at3)) {
                    at2 = at2 || hasMark(to2, query) != drain;
                    at3 = at3 || hasMark(to3, query) != drain;
                    assertThat(System.nanoTime()).as("round %d reached sites 2 and 3 within 30 s", i)
                            .isLessThan(deadline);
                    if (!(at2 && at3)) {
                        Thread.sleep(1);
                    }
                }
                micros[i] = (System.nanoTime() - acked) / 1000;
            }
        }
        Arrays.sort(micros);
        return micros;
    }

    private static DatagramSocket udp(SiteLab lab, Site s) throws IOException {
        DatagramSocket d = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(lab.host()), 0));
        d.connect(InetAddress.getByName(s.address()), DNS);
        d.setSoTimeout(1000);
        return d;
    }

    private static boolean hasMark(DatagramSocket udp, byte[] query) throws IOException {
        udp.send(new DatagramPacket(query, query.length));
        byte[] buf = new byte[1232];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            udp.receive(p);
        } catch (SocketTimeoutException e) {
            return false;
        }
        return ClusterFixture.addresses(new Message(Arrays.copyOf(buf, p.getLength()))).contains(MARK);
    }

    static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    // ------------------------------------------------------------------ helpers

    static Map<String, Object> node(String platform, String address, int weight) {
        return Map.of("platform", platform, "site", "isb", "addresses", List.of(address), "weight", weight,
                "check", Map.of("type", "none"));
    }

    static String created(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r).get("id").asText();
    }

    private void fail(String node) throws IOException {
        Files.writeString(nodeDir.resolve(node + ".down"), "");
    }

    private void recover(String node) throws IOException {
        Files.deleteIfExists(nodeDir.resolve(node + ".down"));
    }

    /** Writes until the file system says it is full. */
    private static void fill(Path file) throws IOException {
        byte[] mib = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < 4096; i++) {
                out.write(mib);
            }
        } catch (IOException noSpace) {
            return;
        }
        throw new AssertionError("the tmpfs did not fill up");
    }

    /** The A records {@code s} answers for {@code name} (empty on a timeout); the answer must be NOERROR. */
    Set<String> answers(Site s, String name) throws IOException {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress(s.address(), DNS));
        r.setLocalAddress(new InetSocketAddress(lab.host(), 0));
        r.setEDNS(-1);
        r.setTimeout(Duration.ofSeconds(2));
        Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, 1)));
        assertThat(m.getRcode()).as("rcode from site %d", s.index()).isEqualTo(Rcode.NOERROR);
        return new TreeSet<>(ClusterFixture.addresses(m));
    }

    /** The test partner's nodes as {@code s} lists them: id -> "address wWEIGHT". */
    Map<String, String> nodes(Site s) throws Exception {
        HttpResponse<String> r = send(s, "GET", "/v1/nodes?partner=sites", token, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<String, String> out = new TreeMap<>();
        json(r).forEach(n -> out.put(n.get("id").asText(), n.get("addresses").get(0).asText() + " w"
                + n.get("weight").asInt()));
        return out;
    }

    private void awaitSame(String what, Site... sites) throws Exception {
        Await.until(CONVERGE, what, () -> {
            Map<String, String> first = nodes(sites[0]);
            for (Site s : sites) {
                if (!nodes(s).equals(first)) {
                    return false;
                }
            }
            return true;
        }, () -> {
            StringBuilder b = new StringBuilder();
            Map<String, String> first = nodes(sites[0]);
            for (Site s : sites) {
                Map<String, String> n = nodes(s);
                b.append("site ").append(s.index()).append(": ").append(n.size()).append(" nodes, missing ")
                        .append(missing(first.keySet(), n.keySet())).append(", extra ")
                        .append(missing(n.keySet(), first.keySet())).append('\n');
            }
            return b;
        });
    }

    private static Set<String> missing(Set<String> want, Set<String> have) {
        Set<String> d = new TreeSet<>(want);
        d.removeAll(have);
        return d;
    }

    void awaitMembers(Site s, int n) throws Exception {
        Await.until(START, "site " + s.index() + " reports " + n + " members",
                () -> json(send(s, "GET", "/v1/health", token, null)).path("members").asInt() == n,
                () -> send(s, "GET", "/v1/health", token, null).body() + "\n" + members[s.index() - 1].tail());
    }

    HttpResponse<String> send(Site s, String method, String path, String bearer, Object body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + s.address() + ":" + HTTP + path))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + bearer);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(ClusterFixture.JSON.writeValueAsString(body)));
        return ClusterFixture.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
