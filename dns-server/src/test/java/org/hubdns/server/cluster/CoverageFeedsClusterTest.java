package org.hubdns.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.server.cluster.ClusterFixture.CONVERGE;
import static org.hubdns.server.cluster.ClusterFixture.await;
import static org.hubdns.server.cluster.ClusterFixture.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.hubdns.cluster.coverage.Cidr;
import org.hubdns.cluster.feed.MrtWriter;
import org.hubdns.server.cluster.ClusterFixture.Member;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Coverage feeds as cluster data, through the HTTP API of two real members: configuration, table
 * dumps and live updates written through one member are served by both, in order; a bad dump changes
 * nothing; a feed without news goes stale on both; a full restart of every member keeps dump and
 * live routes; DELETE removes them everywhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CoverageFeedsClusterTest {
    static final String FEEDS = "/v1/coverage-feeds";
    /** The route server's members: AS17557 at isb, AS9541 at khi, and 198.51.100.7 (AS64999) at lhe by address. */
    static final Map<String, Object> PEERS = Map.of("AS17557", "isb", "AS9541", "khi", "198.51.100.7", "lhe");
    static final String RS = "192.0.2.1"; // the route server: the live feed's one BGP session

    private ClusterFixture cluster;
    private String admin;

    @BeforeAll
    void start() throws Exception {
        System.setProperty("hubdns.feeds.compactEntries", "10"); // compaction within the test's time
        cluster = ClusterFixture.start(2, true);
        admin = cluster.admin();
    }

    @AfterAll
    void stop() {
        System.clearProperty("hubdns.feeds.compactEntries");
        if (cluster != null) {
            cluster.close();
        }
    }

    // ---- helpers ----

    HttpResponse<String> putFeed(Member m, String name, Object body) throws Exception {
        return m.putJson(FEEDS + "/" + name, admin, body);
    }

    static byte[] ip(String s) {
        return Cidr.parseAddress(s);
    }

    /** A TABLE_DUMP_V2 dump from the route server: each route {peerIndex, cidr, as path...}. */
    static byte[] dump(Object[]... routes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MrtWriter w = new MrtWriter(out, 1_700_000_000L, 0xC0000201L, "rs", List.of(
                new MrtWriter.Peer(1, ip("198.51.100.1"), 17557),
                new MrtWriter.Peer(2, ip("198.51.100.2"), 9541),
                new MrtWriter.Peer(3, ip("198.51.100.7"), 64999)))) {
            for (Object[] r : routes) {
                Cidr c = Cidr.parse((String) r[1]);
                long[] path = Arrays.stream(r, 2, r.length).mapToLong(o -> ((Number) o).longValue()).toArray();
                w.route((Integer) r[0], c.address(), c.prefix(), 0, path);
            }
        }
        return out.toByteArray();
    }

    HttpResponse<String> putRib(Member m, String feed, byte[] body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(m.uri(FEEDS + "/" + feed + "/rib"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/octet-stream")
                .timeout(Duration.ofSeconds(60)).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return ClusterFixture.HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postUpdates(Member m, String feed, String... lines) throws Exception {
        return m.send("POST", FEEDS + "/" + feed + "/updates", admin, lines.length == 0 ? null
                : "application/x-ndjson", lines.length == 0 ? null : String.join("\n", lines) + "\n");
    }

    static String announce(String nextHop, String cidr, long... path) {
        StringBuilder p = new StringBuilder();
        for (long as : path) {
            p.append(p.length() == 0 ? "" : ",").append(as);
        }
        return "{\"exabgp\":\"4.2.22\",\"time\":1700000000.0,\"host\":\"rs-feed\",\"pid\":1,\"ppid\":1,\"counter\":1,"
                + "\"type\":\"update\",\"neighbor\":{\"address\":{\"local\":\"192.0.2.254\",\"peer\":\"" + RS + "\"},"
                + "\"asn\":{\"local\":64512,\"peer\":64512},\"direction\":\"receive\",\"message\":{\"update\":{"
                + "\"attribute\":{\"origin\":\"igp\",\"as-path\":[" + p + "],\"confederation-path\":[]},"
                + "\"announce\":{\"" + (cidr.contains(":") ? "ipv6" : "ipv4") + " unicast\":{\"" + nextHop
                + "\":[{\"nlri\":\"" + cidr + "\"}]}}}}}}";
    }

    static String withdraw(String cidr) {
        return "{\"exabgp\":\"4.2.22\",\"time\":1700000001.0,\"host\":\"rs-feed\",\"pid\":1,\"ppid\":1,\"counter\":2,"
                + "\"type\":\"update\",\"neighbor\":{\"address\":{\"local\":\"192.0.2.254\",\"peer\":\"" + RS + "\"},"
                + "\"asn\":{\"local\":64512,\"peer\":64512},\"direction\":\"receive\",\"message\":{\"update\":{"
                + "\"withdraw\":{\"ipv4 unicast\":[{\"nlri\":\"" + cidr + "\"}]}}}}}";
    }

    static String down() {
        return "{\"exabgp\":\"4.2.22\",\"time\":1700000002.0,\"host\":\"rs-feed\",\"pid\":1,\"ppid\":1,\"counter\":3,"
                + "\"type\":\"state\",\"neighbor\":{\"address\":{\"local\":\"192.0.2.254\",\"peer\":\"" + RS + "\"},"
                + "\"asn\":{\"local\":64512,\"peer\":64512},\"state\":\"down\",\"reason\":\"peer reset\"}}";
    }

    /** The sites this member's feeds place {@code ip} at ([] when none). */
    List<String> sites(Member m, String feed, String ip) throws Exception {
        HttpResponse<String> r = m.get(FEEDS + "/" + feed + "/lookup?ip=" + ip, admin);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode match = json(r).get("match");
        List<String> out = new ArrayList<>();
        if (match != null && !match.isNull()) {
            match.get("sites").forEach(s -> out.add(s.asText()));
        }
        return out;
    }

    void awaitSites(String feed, String ip, List<String> expected) throws Exception {
        for (Member m : cluster.members()) {
            await(CONVERGE, m + " places " + ip + " at " + expected, () -> sites(m, feed, ip).equals(expected),
                    () -> sites(m, feed, ip));
        }
    }

    /** Whether the member's view has a base for the feed written by compaction. */
    static boolean compactedBase(Member m, String feed) {
        var meta = ClusterFixture.registry(m.server).view().datasetMetas().get("feed." + feed);
        return meta != null && "routes".equals(meta.info().get("format"));
    }

    /**
     * The site of the first node the demo's video platform answers for a client in {@code ip}'s /24
     * (ECS, real UDP): the demo's nodes are 10.10.x at isb, 10.20.x at khi, 10.30.x at lhe; a client
     * no feed places goes to the platform's defaultSite, isb (the fixture has no GeoIP database).
     */
    static String dnsSite(Member m, String ip) {
        try {
            org.xbill.DNS.SimpleResolver r = new org.xbill.DNS.SimpleResolver(new java.net.InetSocketAddress(
                    ClusterFixture.LOOPBACK, m.dnsPort));
            byte[] net = Cidr.parseAddress(ip);
            net[3] = 0;
            r.setEDNS(0, 1232, 0, List.of(new org.xbill.DNS.ClientSubnetOption(24,
                    java.net.InetAddress.getByAddress(net))));
            r.setTimeout(Duration.ofSeconds(2));
            List<String> a = ClusterFixture.addresses(r.send(org.xbill.DNS.Message.newQuery(org.xbill.DNS.Record
                    .newRecord(org.xbill.DNS.Name.fromString("video.pk-hub.example."), org.xbill.DNS.Type.A, 1))));
            if (a.isEmpty()) {
                return "none";
            }
            return a.get(0).startsWith("10.10.") ? "isb" : a.get(0).startsWith("10.20.") ? "khi"
                    : a.get(0).startsWith("10.30.") ? "lhe" : a.get(0);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    void awaitDns(String ip, String site) throws Exception {
        for (Member m : cluster.members()) {
            await(CONVERGE, m + " answers a client in " + ip + " from " + site, () -> dnsSite(m, ip).equals(site),
                    () -> dnsSite(m, ip));
        }
    }

    JsonNode feedOn(Member m, String name) throws Exception {
        HttpResponse<String> r = m.get(FEEDS + "/" + name, admin);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }

    // ---- configuration ----

    @Test
    @Order(1)
    void configurationIsCheckedStoredReadBackAndListed() throws Exception {
        Member m1 = cluster.m(1);
        Member m2 = cluster.m(2);
        HttpResponse<String> r = putFeed(m1, "cfg", Map.of("peers", PEERS, "staleAfterS", 0));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.headers().firstValue("Location")).hasValue("/v1/coverage-feeds/cfg");
        JsonNode got = feedOn(m2, "cfg");
        assertThat(got.get("peers").get("AS17557").asText()).isEqualTo("isb");
        assertThat(got.get("maxPrefixV4").asInt()).isEqualTo(24);
        assertThat(got.get("maxPrefixV6").asInt()).isEqualTo(48);
        assertThat(got.get("staleAfterS").asInt()).isZero();
        assertThat(got.get("routes").get("ipv4").asInt()).isZero();
        assertThat(got.get("stale").asBoolean()).isFalse();

        // what GET shows goes back as it is
        HttpResponse<String> back = m2.send("PUT", FEEDS + "/cfg", admin, "application/json", m2.get(FEEDS + "/cfg",
                admin).body());
        assertThat(back.statusCode()).as(back.body()).isEqualTo(200);

        r = putFeed(m2, "cfg", Map.of("peers", Map.of("AS9541", "khi"), "maxPrefixV4", 22));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        await(CONVERGE, "member 1 sees the change", () -> feedOn(m1, "cfg").get("maxPrefixV4").asInt() == 22,
                () -> feedOn(m1, "cfg"));

        HttpResponse<String> list = m1.get(FEEDS, admin);
        assertThat(list.statusCode()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        json(list).forEach(f -> names.add(f.get("name").asText()));
        assertThat(names).contains("cfg");

        // refusals: each names what is wrong
        assertProblem(putFeed(m1, "cfg", Map.of("maxPrefixV4", 24)), 400, "peers");
        assertProblem(putFeed(m1, "cfg", Map.of("peers", Map.of("AS0", "isb"))), 422, "AS0");
        assertProblem(putFeed(m1, "cfg", Map.of("peers", Map.of("AS4294967296", "isb"))), 422, "AS4294967296");
        assertProblem(putFeed(m1, "cfg", Map.of("peers", Map.of("isp-a", "isb"))), 422, "isp-a");
        assertProblem(putFeed(m1, "cfg", Map.of("peers", Map.of("2001:DB8::7", "isb"))), 422, "2001:db8::7");
        assertProblem(putFeed(m1, "cfg", Map.of("peers", Map.of("AS1", "nowhere"))), 422, "no site 'nowhere'");
        assertProblem(putFeed(m1, "cfg", Map.of("peers", Map.of("AS1", "isb"), "maxPrefixV4", 33)), 422, "maxPrefixV4");
        assertProblem(putFeed(m1, "cfg", Map.of("peers", Map.of("AS1", "isb"), "maxPrefixV6", 129)), 422, "maxPrefixV6");
        assertProblem(putFeed(m1, "cfg", Map.of("peers", Map.of("AS1", "isb"), "staleAfterS", -1)), 422, "staleAfterS");
        assertProblem(putFeed(m1, "cfg", Map.of("peers", Map.of(), "colour", "red")), 400, "colour");
        assertProblem(putFeed(m1, "Bad_Name", Map.of("peers", Map.of())), 400, "Bad_Name");
        assertProblem(cluster.m(1).send("PUT", FEEDS + "/cfg", null, "application/json", "{\"peers\":{}}"), 401, "");
        assertProblem(m1.get(FEEDS + "/nope", admin), 404, "nope");
        assertProblem(m1.send("POST", FEEDS + "/nope/updates", admin, null, null), 404, "nope");
        assertProblem(putRib(m1, "nope", dump()), 404, "nope");

        assertThat(m1.delete(FEEDS + "/cfg", admin).statusCode()).isEqualTo(204);
        await(CONVERGE, "member 2 no longer has it", () -> m2.get(FEEDS + "/cfg", admin).statusCode() == 404,
                () -> m2.get(FEEDS + "/cfg", admin).body());
        assertProblem(m2.delete(FEEDS + "/cfg", admin), 404, "cfg");
    }

    static void assertProblem(HttpResponse<String> r, int status, String mentions) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(r.body()).contains(mentions);
    }

    // ---- table dumps ----

    @Test
    @Order(2)
    void aDumpReplacesTheRoutesOnEveryMemberAndABadOneChangesNothing() throws Exception {
        assertThat(putFeed(cluster.m(1), "pk", Map.of("peers", PEERS, "staleAfterS", 0)).statusCode()).isEqualTo(201);
        HttpResponse<String> r = putRib(cluster.m(2), "pk", dump(
                new Object[] {0, "39.32.0.0/11", 17557},
                new Object[] {1, "110.36.0.0/14", 9541},
                new Object[] {1, "58.65.128.0/17", 9541, 64999},
                new Object[] {2, "58.65.128.0/17", 64999},
                new Object[] {0, "10.0.0.0/8", 17557}));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).get("routesV4").asInt()).isEqualTo(5);
        awaitSites("pk", "39.40.1.1", List.of("isb"));
        awaitSites("pk", "110.37.0.1", List.of("khi"));
        // two sites for one prefix: the announcer that originates it first
        awaitSites("pk", "58.65.130.1", List.of("lhe", "khi"));
        awaitSites("pk", "10.1.1.1", List.of()); // private space places nobody
        // and every member's DNS answers follow
        awaitDns("110.37.0.1", "khi");
        awaitDns("58.65.130.1", "lhe");
        awaitDns("39.40.1.1", "isb");
        // explain names the feed, the route and its announcer
        for (Member m : cluster.members()) {
            HttpResponse<String> ex = m.get("/v1/explain?name=video.pk-hub.example&client=110.37.0.1", admin);
            assertThat(ex.statusCode()).as(ex.body()).isEqualTo(200);
            JsonNode located = json(ex).get("located");
            assertThat(located.get("method").asText()).as(ex.body()).isEqualTo("bgp");
            assertThat(located.get("route").get("feed").asText()).as(ex.body()).isEqualTo("pk");
            assertThat(located.get("route").get("prefix").asText()).as(ex.body()).isEqualTo("110.36.0.0/14");
            assertThat(located.get("route").get("announcerAs").asLong()).as(ex.body()).isEqualTo(9541);
        }
        for (Member m : cluster.members()) {
            JsonNode f = feedOn(m, "pk");
            assertThat(f.get("routes").get("ipv4").asInt()).isEqualTo(5);
            assertThat(f.get("lastUpload").get("routesV4").asInt()).isEqualTo(5);
            List<String> peers = new ArrayList<>();
            f.get("peersSeen").forEach(p -> peers.add(p.get("as").asLong() + "@" + p.get("site").asText()));
            assertThat(peers).containsExactlyInAnyOrder("9541@khi", "17557@isb", "64999@lhe");
        }

        // a truncated dump (gzip'd, too) is refused naming where it broke; the routes stay
        byte[] good = dump(new Object[] {0, "39.32.0.0/11", 17557}, new Object[] {1, "42.83.0.0/16", 9541});
        HttpResponse<String> bad = putRib(cluster.m(1), "pk", Arrays.copyOf(good, good.length - 5));
        assertProblem(bad, 422, "byte");
        assertThat(bad.body()).contains("record").contains("previous routes keep serving");
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (var z = new java.util.zip.GZIPOutputStream(gz)) {
            z.write(good, 0, good.length - 5);
        }
        assertProblem(putRib(cluster.m(1), "pk", gz.toByteArray()), 422, "record");
        assertProblem(putRib(cluster.m(1), "pk", new byte[0]), 400, "empty");
        assertProblem(cluster.m(1).send("PUT", FEEDS + "/pk/rib", admin, "text/plain", "x"), 415, "octet-stream");
        Thread.sleep(300);
        awaitSites("pk", "110.37.0.1", List.of("khi"));

        // the next (gzip'd) dump replaces the whole table
        ByteArrayOutputStream gz2 = new ByteArrayOutputStream();
        try (var z = new java.util.zip.GZIPOutputStream(gz2)) {
            z.write(good);
        }
        r = putRib(cluster.m(1), "pk", gz2.toByteArray());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        awaitSites("pk", "42.83.1.1", List.of("khi"));
        awaitSites("pk", "110.37.0.1", List.of());
        awaitSites("pk", "39.40.1.1", List.of("isb"));
    }

    // ---- live updates ----

    @Test
    @Order(3)
    void updatesApplyInOrderOnEveryMember() throws Exception {
        Member m1 = cluster.m(1);
        Member m2 = cluster.m(2);
        // announced by AS9541 (next hop at khi), then by AS17557 on the same session: implicit withdraw
        HttpResponse<String> r = postUpdates(m1, "pk", announce("198.51.100.2", "101.50.0.0/16", 9541),
                "this is not json", "{\"json\":\"but not ExaBGP\"}",
                announce("198.51.100.7", "103.31.80.0/22", 64999, 64999));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).get("applied").asInt()).isEqualTo(2);
        assertThat(json(r).get("skipped").asInt()).isEqualTo(2);
        awaitSites("pk", "101.50.1.1", List.of("khi"));
        awaitSites("pk", "103.31.81.1", List.of("lhe")); // by its address, though its AS is unmapped
        awaitDns("101.50.1.1", "khi");
        r = postUpdates(m2, "pk", announce("198.51.100.1", "101.50.0.0/16", 17557));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        awaitSites("pk", "101.50.1.1", List.of("isb"));
        for (Member m : cluster.members()) {
            await(CONVERGE, m + " counts the skipped lines", () -> feedOn(m, "pk").get("skippedLines").asInt() == 2,
                    () -> feedOn(m, "pk"));
        }

        // many batches through both members at once: every member ends with the last word on each prefix
        for (int i = 0; i < 20; i++) {
            Member via = i % 2 == 0 ? m1 : m2;
            String site = i % 2 == 0 ? "198.51.100.2" : "198.51.100.1";
            long as = i % 2 == 0 ? 9541 : 17557;
            assertThat(postUpdates(via, "pk", announce(site, "45.115.84.0/22", as)).statusCode()).isEqualTo(200);
        }
        awaitSites("pk", "45.115.85.1", List.of("isb"));
        // 20+ batches: the oldest member has written the table back as the feed's base, and each
        // member dropped the log it covers from its data dir
        for (Member m : cluster.members()) {
            await(CONVERGE, m + " has a compacted base", () -> compactedBase(m, "pk"), () -> "not yet");
        }

        r = postUpdates(m2, "pk", withdraw("101.50.0.0/16"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        awaitSites("pk", "101.50.1.1", List.of());

        // the live session goes down: every route heard on it goes; the dump's stay
        r = postUpdates(m1, "pk", announce("198.51.100.2", "182.176.0.0/12", 9541), down());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        awaitSites("pk", "182.180.1.1", List.of());
        awaitSites("pk", "103.31.81.1", List.of());
        awaitSites("pk", "45.115.85.1", List.of());
        awaitSites("pk", "42.83.1.1", List.of("khi"));

        // and comes back
        assertThat(postUpdates(m2, "pk", announce("198.51.100.2", "182.176.0.0/12", 9541)).statusCode())
                .isEqualTo(200);
        awaitSites("pk", "182.180.1.1", List.of("khi"));
    }

    // ---- staleness ----

    @Test
    @Order(4)
    void aFeedWithoutNewsGoesStaleOnEveryMemberAndAHeartbeatRevivesIt() throws Exception {
        Member m1 = cluster.m(1);
        Member m2 = cluster.m(2);
        assertThat(putFeed(m1, "short", Map.of("peers", PEERS, "staleAfterS", 2)).statusCode()).isEqualTo(201);
        assertThat(postUpdates(m2, "short", announce("198.51.100.2", "111.68.96.0/19", 9541)).statusCode())
                .isEqualTo(200);
        awaitSites("short", "111.68.100.1", List.of("khi"));
        awaitDns("111.68.100.1", "khi");
        for (Member m : cluster.members()) {
            await(Duration.ofSeconds(10), m + " calls the feed stale", () -> feedOn(m, "short").get("stale")
                    .asBoolean(), () -> feedOn(m, "short"));
        }
        awaitSites("short", "111.68.100.1", List.of());
        awaitDns("111.68.100.1", "isb"); // the platform's defaultSite, as without the feed
        String metrics = m2.get("/metrics", null).body();
        assertThat(metrics).contains("hubdns_coverage_feed_stale{feed=\"short\"} 1.0")
                .contains("hubdns_coverage_feed_routes{family=\"ipv4\",feed=\"short\"} 1.0")
                .contains("hubdns_coverage_feed_age_seconds{feed=\"short\"}")
                .contains("hubdns_coverage_feed_stale{feed=\"pk\"} 0.0");
        JsonNode dash = json(m1.get("/v1/dashboard", null));
        List<String> shown = new ArrayList<>();
        dash.get("feeds").forEach(f -> shown.add(f.get("name").asText() + ":" + f.get("stale").asBoolean() + ":"
                + f.get("routesV4").asInt() + ":" + f.get("peersPlaced").asInt()));
        assertThat(shown).contains("short:true:1:1");
        HttpResponse<String> beat = postUpdates(m1, "short");
        assertThat(beat.statusCode()).as(beat.body()).isEqualTo(200);
        assertThat(json(beat).get("heartbeat").asBoolean()).isTrue();
        awaitSites("short", "111.68.100.1", List.of("khi"));
        assertThat(feedOn(m2, "short").get("stale").asBoolean()).isFalse();
        assertThat(m1.delete(FEEDS + "/short", admin).statusCode()).isEqualTo(204);
    }

    // ---- restart and delete ----

    @Test
    @Order(5)
    void aFullRestartOfEveryMemberKeepsDumpAndLiveRoutes() throws Exception {
        awaitSites("pk", "182.180.1.1", List.of("khi"));
        awaitSites("pk", "42.83.1.1", List.of("khi"));
        cluster.m(2).stop();
        cluster.m(1).stop();
        cluster.m(1).start();
        cluster.m(2).start();
        awaitSites("pk", "182.180.1.1", List.of("khi")); // live
        awaitSites("pk", "42.83.1.1", List.of("khi")); // dump
        awaitDns("182.180.1.1", "khi");
        awaitDns("42.83.1.1", "khi");
        awaitSites("pk", "39.40.1.1", List.of("isb"));
        awaitSites("pk", "101.50.1.1", List.of());
        // the log goes on above what the restart brought back
        assertThat(postUpdates(cluster.m(2), "pk", withdraw("182.176.0.0/12")).statusCode()).isEqualTo(200);
        awaitSites("pk", "182.180.1.1", List.of());
    }

    @Test
    @Order(6)
    void deleteRemovesTheFeedAndItsRoutesEverywhere() throws Exception {
        assertThat(cluster.m(2).delete(FEEDS + "/pk", admin).statusCode()).isEqualTo(204);
        for (Member m : cluster.members()) {
            await(CONVERGE, m + " forgets pk", () -> m.get(FEEDS + "/pk", admin).statusCode() == 404,
                    () -> m.get(FEEDS + "/pk", admin).body());
        }
        // created again, it starts empty: nothing of the old one's dump or log comes back
        assertThat(putFeed(cluster.m(1), "pk", Map.of("peers", PEERS)).statusCode()).isEqualTo(201);
        awaitSites("pk", "42.83.1.1", List.of());
        awaitSites("pk", "39.40.1.1", List.of());
        for (Member m : cluster.members()) {
            assertThat(feedOn(m, "pk").get("routes").get("ipv4").asInt()).isZero();
        }
    }
}
