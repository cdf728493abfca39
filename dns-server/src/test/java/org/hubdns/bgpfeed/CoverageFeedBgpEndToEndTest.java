package org.hubdns.bgpfeed;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.hubdns.server.RunningServer;
import org.hubdns.testsupport.ApiClient;
import org.hubdns.testsupport.Await;
import org.hubdns.testsupport.BgpLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Issue 15's live path end to end, as an operator runs it: a demo member with a coverage feed
 * ({@code PUT /v1/coverage-feeds/pk-ix}); BIRD 2 as the exchange's route server with three ExaBGP
 * members; an ExaBGP feed session on it whose process is the real {@code hubdns bgp-feed} posting to
 * the member's API. The member's DNS answers (ECS clients in the members' prefixes) must follow the
 * members' announcements, a withdrawal, a member going down and the feed session going down.
 */
class CoverageFeedBgpEndToEndTest {
    static final String FEED = "pk-ix";
    static final String HOST = "video.pk-hub.example.";
    static final Duration VISIBLE = Duration.ofSeconds(5); // the bound is 2 s after the API; ExaBGP and BIRD add theirs

    @TempDir
    Path dir;

    /** The A records a client in {@code address/24} gets. */
    static Set<String> answers(RunningServer member, String address) throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(HOST), Type.A, 1));
        q.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new ClientSubnetOption(24, InetAddress.getByName(address)))),
                Section.ADDITIONAL);
        Message r = member.resolver(false).send(q);
        Set<String> out = new TreeSet<>();
        for (Record rr : r.getSection(Section.ANSWER)) {
            if (rr instanceof ARecord a) {
                out.add(a.getAddress().getHostAddress());
            }
        }
        return out;
    }

    /** The demo's cache nodes at a site are 10.10.1.x (isb), 10.20.1.x (khi), 10.30.1.x (lhe). */
    static boolean at(Set<String> answers, String site) {
        String net = switch (site) {
            case "isb" -> "10.10.1.";
            case "khi" -> "10.20.1.";
            case "lhe" -> "10.30.1.";
            default -> throw new IllegalArgumentException(site);
        };
        return !answers.isEmpty() && answers.stream().allMatch(a -> a.startsWith(net));
    }

    static JsonObject feed(ApiClient api, String token) throws Exception {
        HttpResponse<String> r = api.get("/v1/coverage-feeds/" + FEED, token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    static JsonObject lookup(ApiClient api, String token, String ip) throws Exception {
        HttpResponse<String> r = api.get("/v1/coverage-feeds/" + FEED + "/lookup?ip=" + ip, token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    static JsonObject explain(ApiClient api, String token, String ip) throws Exception {
        HttpResponse<String> r = api.get("/v1/explain?name=" + HOST + "&client=" + ip, token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    /** How explain says the client was located: bgp, coverage, geoip, geoip_coarse or none. */
    static String method(ApiClient api, String token, String ip) throws Exception {
        return explain(api, token, ip).getJsonObject("located").getString("method");
    }

    /** Placed by the feed at {@code site}, and the DNS answer for the client's /24 (ECS) is that site's nodes. */
    static boolean placed(RunningServer member, ApiClient api, String token, String ip, String site) throws Exception {
        JsonObject e = explain(api, token, ip);
        return "bgp".equals(e.getJsonObject("located").getString("method"))
                && ("site " + site).equals(e.getJsonObject("answer").getString("outcome"))
                && at(answers(member, ip.substring(0, ip.lastIndexOf('.')) + ".0"), site);
    }

    @Test
    void dnsAnswersFollowTheRouteServerThroughExaBgpAndBgpFeed() throws Exception {
        try (RunningServer member = RunningServer.demo()) {
            ApiClient api = ApiClient.local(member.httpPort(), Duration.ofSeconds(30));
            String admin = member.adminToken();
            Path token = dir.resolve("token");
            Files.writeString(token, admin);
            HttpResponse<String> put = api.send("PUT", "/v1/coverage-feeds/" + FEED, admin, ApiClient.JSON,
                    new JsonObject().put("peers", new JsonObject().put("AS64500", "isb").put("AS17557", "khi")
                            .put("127.0.0.4", "lhe")).encode());
            assertThat(put.statusCode()).as(put.body()).isIn(200, 201);

            Path lab = Files.createDirectories(dir.resolve("lab"));
            try (BgpLab bgp = BgpLab.start(lab, List.of(
                    new BgpLab.Member("m1", "127.0.0.2", 64500, List.of("39.40.0.0/16 next-hop 127.0.0.2")),
                    new BgpLab.Member("m2", "127.0.0.3", 17557, List.of("39.32.0.0/16 next-hop 127.0.0.3",
                            "182.176.0.0/16 next-hop 127.0.0.3 as-path [ 17557 9541 ]")),
                    // AS9541 is keyed by its address: the route server's member at 127.0.0.4 connects at lhe
                    new BgpLab.Member("m3", "127.0.0.4", 9541, List.of("182.176.0.0/16 next-hop 127.0.0.4",
                            "182.185.0.0/16 next-hop 127.0.0.4"))))) {
                bgp.startFeed(BgpFeedExaBgpTest.hubdns("bgp-feed", "--api", "http://127.0.0.1:" + member.httpPort(),
                        "--feed", FEED, "--token-file", token.toString(), "--heartbeat-s", "2"), false);
                try {
                    Await.until(Duration.ofSeconds(60), "the members' routes in the feed",
                            () -> feed(api, admin).getJsonObject("routes").getInteger("ipv4") == 5,
                            () -> feed(api, admin).encodePrettily() + "\n" + bgp.logs());
                    JsonObject f = feed(api, admin);
                    assertThat(f.getBoolean("stale")).isFalse();
                    JsonArray peers = f.getJsonArray("peersSeen");
                    assertThat(peers.encode()).contains("\"site\":\"isb\"", "\"site\":\"khi\"", "\"site\":\"lhe\"");

                    // the DNS answers, and explain's account of them (unplaced clients also go to isb, the default)
                    Await.until(VISIBLE, "DNS answers placed by the feed", () -> placed(member, api, admin, "39.40.7.1", "isb")
                            && placed(member, api, admin, "39.32.7.1", "khi") && placed(member, api, admin, "182.185.1.1", "lhe"),
                            () -> explain(api, admin, "39.32.7.1").encodePrettily());
                    // two sites announce 182.176.0.0/16: lhe's member originates it (shorter path), khi's passes it on
                    assertThat(lookup(api, admin, "182.176.1.1").getJsonObject("match").getJsonArray("sites").getList())
                            .containsExactly("lhe", "khi");
                    assertThat(placed(member, api, admin, "182.176.1.1", "lhe")).isTrue();

                    long t0 = System.nanoTime();
                    bgp.command("m2", "announce route 111.68.96.0/19 next-hop 127.0.0.3");
                    Await.until(VISIBLE, "a new announcement steering DNS", () -> placed(member, api, admin, "111.68.100.1", "khi"));
                    System.out.printf("announce to DNS answer through BIRD, ExaBGP, bgp-feed and the API: %d ms%n",
                            (System.nanoTime() - t0) / 1_000_000);

                    bgp.command("m2", "withdraw route 111.68.96.0/19 next-hop 127.0.0.3");
                    Await.until(VISIBLE, "the withdrawal steering DNS", () -> method(api, admin, "111.68.100.1").equals("none"));

                    bgp.birdc("disable", "m2"); // khi's member leaves the route server
                    Await.until(VISIBLE, "the member's routes gone", () -> method(api, admin, "39.32.7.1").equals("none")
                            && placed(member, api, admin, "182.176.1.1", "lhe"));
                    assertThat(lookup(api, admin, "182.176.1.1").getJsonObject("match").getJsonArray("sites").getList())
                            .containsExactly("lhe");

                    bgp.birdc("disable", "feed"); // the feed session itself goes down: every route it heard goes
                    Await.until(VISIBLE, "the session's routes gone", () -> feed(api, admin).getJsonObject("routes")
                            .getInteger("ipv4") == 0 && method(api, admin, "182.185.1.1").equals("none"));
                } catch (AssertionError | Exception e) {
                    System.err.println(bgp.logs());
                    throw e;
                }
            }
        }
    }
}
