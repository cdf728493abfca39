package org.hubdns.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hubdns.cluster.model.Partner;
import org.hubdns.server.RunningServer;
import org.hubdns.testsupport.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The dashboard against a running demo member: the page and its assets without a token, the JSON it
 * polls (platform, sites, the six demo nodes with health and admin state, local share computed from
 * the traffic counters) with no token or secret in it, and the page as headless Chromium renders it
 * (skipped when Debian's {@code chromium} is not installed).
 */
class DashboardTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final List<String> DEMO_NODES = List.of("demo-isb-1", "demo-isb-2", "demo-khi-1", "demo-khi-2",
            "demo-lhe-1", "demo-lhe-2");
    static RunningServer server;
    static String admin;
    static String partner;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.demo();
        admin = server.adminToken();
        partner = server.demoPartnerToken();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static ApiClient api() {
        return ApiClient.local(server.httpPort(), Duration.ofSeconds(10));
    }

    static HttpResponse<String> get(String path) throws Exception {
        return api().get(path, null);
    }

    static HttpResponse<String> post(String path, String json) throws Exception {
        return send("POST", path, json);
    }

    static HttpResponse<String> put(String path, String json) throws Exception {
        return send("PUT", path, json);
    }

    static HttpResponse<String> send(String method, String path, String json) throws Exception {
        return api().send(method, path, admin, json == null ? null : ApiClient.JSON, json);
    }

    static JsonObject dashboard() throws Exception {
        HttpResponse<String> r = get("/v1/dashboard");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct)
                .startsWith("application/json"));
        return new JsonObject(r.body());
    }

    /** Polls /v1/dashboard until {@code done} holds (bounded); returns the last document. */
    static JsonObject awaitDashboard(Predicate<JsonObject> done, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        JsonObject d = dashboard();
        while (!done.test(d)) {
            assertThat(System.nanoTime()).as("timed out waiting for " + what + "; last: " + d.encode())
                    .isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(50);
            d = dashboard();
        }
        return d;
    }

    static Map<String, JsonObject> nodes(JsonObject d) {
        Map<String, JsonObject> out = new HashMap<>();
        for (Object s : d.getJsonArray("sites")) {
            JsonObject site = (JsonObject) s;
            for (Object n : site.getJsonArray("nodes")) {
                JsonObject node = ((JsonObject) n).copy().put("site", site.getString("name"));
                out.put(node.getString("id"), node);
            }
        }
        return out;
    }

    @Test
    void pageAndAssetsAreServedWithoutToken() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct)
                .startsWith("text/html"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("script-src 'self'"));
        assertThat(page.body()).startsWith("<!DOCTYPE html>").contains("<script src=\"/dashboard/app.js\"")
                .contains("href=\"/dashboard/app.css\"");
        HttpResponse<String> js = get("/dashboard/app.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct)
                .startsWith("text/javascript"));
        assertThat(js.body()).contains("/v1/dashboard").doesNotContain("innerHTML");
        HttpResponse<String> css = get("/dashboard/app.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct)
                .startsWith("text/css"));
        assertThat(get("/dashboard/other.js").statusCode()).isEqualTo(404);
    }

    @Test
    void jsonHasThePlatformTheSitesAndTheNodesAndNoSecret() throws Exception {
        JsonObject d = dashboard();
        assertThat(d.getString("status")).isEqualTo("serving");
        assertThat(d.getJsonObject("member").getString("http")).isEqualTo("127.0.0.1:" + server.httpPort());
        JsonArray members = d.getJsonArray("members");
        assertThat(members).hasSize(1);
        assertThat(members.getJsonObject(0).getBoolean("local")).isTrue();
        assertThat(members.getJsonObject(0).getString("http")).isEqualTo("127.0.0.1:" + server.httpPort());

        JsonArray platforms = d.getJsonArray("platforms");
        assertThat(platforms).hasSize(1);
        JsonObject video = platforms.getJsonObject(0);
        assertThat(video.getString("name")).isEqualTo("video");
        assertThat(video.getJsonArray("hostnames")).containsExactly("video.pk-hub.example");
        assertThat(video.getString("answer")).isEqualTo("nodes");
        assertThat(video.getInteger("nodes")).isGreaterThanOrEqualTo(6); // 7 after the browser test added one
        assertThat(video.getJsonObject("fallback").getString("cname")).isEqualTo("video.origin.example.");
        assertThat(video.containsKey("localShare")).isTrue();

        List<String> sites = new ArrayList<>();
        d.getJsonArray("sites").forEach(s -> sites.add(((JsonObject) s).getString("name")));
        assertThat(sites).containsExactly("isb", "khi", "lhe");
        Map<String, JsonObject> nodes = nodes(d);
        assertThat(nodes.keySet()).containsAll(DEMO_NODES);
        for (String id : DEMO_NODES) {
            JsonObject n = nodes.get(id);
            assertThat(n.getString("site")).as(id).isEqualTo(id.substring(5, 8));
            assertThat(n.getString("platform")).as(id).isEqualTo("video");
            assertThat(n.getString("health")).as(id).isIn("up", "down", "unknown");
            assertThat(n.getString("admin")).as(id).isIn("active", "draining");
            assertThat(n.getValue("load")).as(id).isInstanceOf(Number.class);
            // the page reads whether the node is in answers from this flag, not from the verdict's words
            assertThat(n.getBoolean("inAnswers")).as(id).isEqualTo(n.getString("verdict").startsWith("in"));
        }
        assertThat(d.getJsonObject("traffic").fieldNames()).contains("qps", "latencyMs", "queries", "rcodes");
        assertThat(d.getJsonArray("changes")).isNotNull();

        // no token and no secret: not the tokens, not their hashes, not the cluster's secrets
        String body = get("/v1/dashboard").body();
        List<String> secrets = new ArrayList<>(List.of(admin, partner,
                Tokens.sha256(admin), Tokens.sha256(partner)));
        var view = server.registry().freshView();
        for (Partner p : view.partners().values()) {
            p.allTokens().forEach(t -> secrets.add(t.sha256()));
        }
        for (String v : view.secrets().values()) {
            secrets.add(v);
            try {
                new JsonObject(v).forEach(e -> secrets.add(String.valueOf(e.getValue())));
            } catch (RuntimeException notJson) {
                // a bare value: already added
            }
        }
        assertThat(secrets).hasSizeGreaterThan(4);
        for (String s : secrets) {
            if (s != null && s.length() >= 16) {
                assertThat(body).as("a secret in /v1/dashboard").doesNotContain(s);
            }
        }
        assertThat(body.toLowerCase(java.util.Locale.ROOT)).doesNotContain("token").doesNotContain("secret")
                .doesNotContain("sha256");
    }

    /**
     * The share kept in the country, from real answers: a platform of its own (so that no other
     * test's queries count) answers from its one node at isb until the operator drains it, then
     * from its fallback; a platform without nodes answers only from its fallback. The share counts
     * in-country clients only (issue 15): the test's client, 127.0.0.1, is placed at isb by a
     * coverage zone, so it is in the country of that site.
     */
    @Test
    void localShareIsAnswersToNodesOverAllAnswers() throws Exception {
        String host = "share.pk-hub.example";
        JsonObject platform = new JsonObject().put("hostnames", new JsonArray().add(host)).put("ttl", 30)
                .put("answers", 2).put("defaultSite", "isb")
                .put("fallback", new JsonObject().put("cname", "video.origin.example."));
        assertThat(put("/v1/platforms/share", platform.encode()).statusCode()).isEqualTo(201);
        HttpResponse<String> zones = api().send("PUT", "/v1/coverage-zones", admin, "text/csv",
                "cidr,site\n127.0.0.0/8,isb\n");
        assertThat(zones.statusCode()).as(zones.body()).isEqualTo(200);
        JsonObject none = platform(awaitDashboard(d -> hasPlatform(d, "share"), "platform share"), "share");
        assertThat(none.getValue("localShare")).as("no answer yet").isNull();
        assertThat(none.getLong("answered")).isZero();
        assertThat(none.getLong("fallbacks")).isZero();

        HttpResponse<String> owner = put("/v1/partners/share-owner", new JsonObject().put("platforms",
                new JsonArray().add("share")).encode());
        assertThat(owner.statusCode()).as(owner.body()).isEqualTo(201);
        HttpResponse<String> node = api().send("POST", "/v1/nodes", new JsonObject(owner.body()).getString("token"),
                ApiClient.JSON, new JsonObject().put("platform", "share").put("site", "isb")
                        .put("addresses", new JsonArray().add("39.32.0.77"))
                        .put("check", new JsonObject().put("type", "none")).encode());
        assertThat(node.statusCode()).as(node.body()).isEqualTo(201);
        String id = new JsonObject(node.body()).getString("id");
        awaitDashboard(d -> "nodes".equals(platform(d, "share").getString("answer")), "share answered from nodes");
        for (int i = 0; i < 6; i++) {
            assertThat(server.ask(host + ".", Type.A, false).getSection(Section.ANSWER)).as("answer %d", i)
                    .anyMatch(r -> r instanceof ARecord a && a.getAddress().getHostAddress().equals("39.32.0.77"));
        }
        assertThat(post("/v1/nodes/" + id + "/drain", null).statusCode()).isEqualTo(200);
        awaitDashboard(d -> "fallback".equals(platform(d, "share").getString("answer")), "share drained");
        for (int i = 0; i < 2; i++) {
            assertThat(server.ask(host + ".", Type.A, false).getSection(Section.ANSWER)).as("fallback %d", i)
                    .anyMatch(r -> r instanceof CNAMERecord c && c.getTarget().toString()
                            .equals("video.origin.example."));
        }

        JsonObject d = dashboard();
        JsonObject share = platform(d, "share");
        assertThat(share.getLong("answered")).isEqualTo(6L);
        assertThat(share.getLong("fallbacks")).isEqualTo(2L);
        assertThat(share.getDouble("localShare")).isEqualTo(0.75);
        assertThat(share.getJsonObject("clients").getJsonObject("inCountry"))
                .isEqualTo(new JsonObject().put("answers", 8L).put("local", 6L));
        assertThat(share.getJsonObject("located").getJsonObject("coverage").getLong("answers")).isEqualTo(8L);
        assertThat(share.getJsonObject("located").fieldNames()).containsExactlyInAnyOrder("coverage", "bgp", "geoip",
                "geoip_coarse", "none");
        assertThat(share.getJsonObject("answers")).isEqualTo(new JsonObject().put("isb", 6L));
        Map<String, JsonObject> bySite = new HashMap<>();
        d.getJsonArray("sites").forEach(s -> bySite.put(((JsonObject) s).getString("name"), (JsonObject) s));
        assertThat(bySite.get("isb").getJsonObject("answersByPlatform").getLong("share")).isEqualTo(6L);
        assertThat(bySite.get("khi").getJsonObject("answersByPlatform").containsKey("share")).isFalse();
        assertThat(d.getJsonObject("traffic").getLong("queries")).isGreaterThanOrEqualTo(8L);

        // a platform without nodes has no country of its own: its clients are not in-country ones, so
        // its fallbacks are counted but give no share (neither 0 % nor 100 %)
        String empty = "share-empty.pk-hub.example";
        assertThat(put("/v1/platforms/share-empty", platform.copy().put("hostnames", new JsonArray().add(empty))
                .encode()).statusCode()).isEqualTo(201);
        awaitDashboard(d2 -> hasPlatform(d2, "share-empty"), "platform share-empty");
        assertThat(server.ask(empty + ".", Type.A, false).getSection(Section.ANSWER))
                .anyMatch(r -> r instanceof CNAMERecord);
        JsonObject allFallback = platform(dashboard(), "share-empty");
        assertThat(allFallback.getLong("fallbacks")).isEqualTo(1L);
        assertThat(allFallback.getValue("localShare")).isNull();
    }

    static boolean hasPlatform(JsonObject d, String name) {
        return d.getJsonArray("platforms").stream().anyMatch(p -> name.equals(((JsonObject) p).getString("name")));
    }

    static JsonObject platform(JsonObject d, String name) {
        for (Object p : d.getJsonArray("platforms")) {
            if (name.equals(((JsonObject) p).getString("name"))) {
                return (JsonObject) p;
            }
        }
        throw new AssertionError("no platform " + name + " in " + d.encode());
    }

    @Test
    void chromiumRendersThePlatformSitesAndNodeStates() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is not installed (Debian: apt-get install "
                + "chromium); the dashboard's browser test is skipped");
        // one node drained through the API, and one of the demo partner's nodes whose TCP check fails
        assertThat(post("/v1/nodes/demo-khi-2/drain", null).statusCode()).isEqualTo(200);
        HttpResponse<String> allowed = put("/v1/partners/demo", new JsonObject().put("platforms", new JsonArray()
                .add("video")).put("allowSpecial", new JsonArray().add("10.0.0.0/8").add("127.0.0.0/8")).encode());
        assertThat(allowed.statusCode()).as("the stand-in is on loopback: " + allowed.body()).isEqualTo(200);
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, RunningServer.LOOPBACK)) {
            closed = s.getLocalPort(); // nothing listens there once this closes
        }
        HttpResponse<String> created = post("/v1/nodes", new JsonObject().put("partner", "demo")
                .put("platform", "video").put("site", "lhe").put("addresses", new JsonArray().add("127.0.0.1"))
                .put("check", new JsonObject().put("type", "tcp").put("port", closed).put("intervalMs", 200)
                        .put("timeoutMs", 100).put("fall", 1)).encode());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String down = new JsonObject(created.body()).getString("id");
        awaitDashboard(d -> "draining".equals(nodes(d).get("demo-khi-2").getString("admin"))
                && nodes(d).containsKey(down) && "down".equals(nodes(d).get(down).getString("health"))
                && !d.getJsonArray("changes").isEmpty(), "the drain and the failing node in /v1/dashboard");

        String dom = dumpDom("http://127.0.0.1:" + server.httpPort() + "/");
        assertThat(dom).contains("data-platform=\"video\"").contains("video.pk-hub.example")
                .contains("kept in the country");
        for (String site : List.of("isb", "khi", "lhe")) {
            assertThat(dom).contains("data-site=\"" + site + "\"");
        }
        Map<String, String> rows = nodeRows(dom);
        assertThat(rows.keySet()).containsAll(DEMO_NODES).contains(down);
        assertThat(rows.get("demo-khi-2")).contains("data-admin=\"draining\"").contains(">draining<");
        assertThat(rows.get("demo-khi-1")).contains("data-admin=\"active\"").contains("data-health=\"up\"")
                .contains(">up<").contains(">active<");
        assertThat(rows.get(down)).contains("data-health=\"down\"").contains(">down<");
        assertThat(dom).doesNotContain(admin).doesNotContain(partner);
        assertThat(dom).doesNotContain("could not").doesNotContain("does not answer");
        // the recent-changes table names the node that went down
        assertThat(dom.substring(dom.indexOf("id=\"changes\""))).contains(down);
    }

    /** Each node's table row in the dumped DOM, by node id. */
    static Map<String, String> nodeRows(String dom) {
        Map<String, String> out = new HashMap<>();
        Matcher m = Pattern.compile("<tr data-node=\"([^\"]+)\".*?</tr>", Pattern.DOTALL).matcher(dom);
        while (m.find()) {
            out.put(m.group(1), m.group());
        }
        return out;
    }

    /** The DOM after the page ran (Chromium's virtual time: no waiting on the wall clock), bounded to 60 s. */
    static String dumpDom(String url) throws Exception {
        Path profile = Files.createTempDirectory("hubdns-chromium");
        Path out = Files.createTempFile("hubdns-dom", ".html");
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + profile, "--no-first-run", "--virtual-time-budget=5000", "--dump-dom", url)
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("chromium did not finish within 60 s");
            }
            assertThat(p.exitValue()).as("chromium exit status").isZero();
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Files.deleteIfExists(out);
            deleteTree(profile);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
