package org.hubdns.server;

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
import org.hubdns.api.DashboardApi;
import org.hubdns.cluster.model.Partner;
import org.hubdns.testsupport.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
                org.hubdns.api.Tokens.sha256(admin), org.hubdns.api.Tokens.sha256(partner)));
        var view = server.registry().freshView();
        for (Partner p : view.partners().values()) {
            secrets.add(p.tokenSha256());
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
     * "Kept in the country" is the in-country clients' answers from local nodes over all their
     * answers (issue 15): foreign clients, whether answered locally (serveCountries ["*"]) or with
     * the fallback, are shown beside it and never move it.
     */
    @Test
    void localShareCountsInCountryClientsOnlyWithForeignBesideIt() throws Exception {
        DashboardApi api = server.server().dashboard();
        JsonObject zero = new JsonObject().put("qps", 0.0).put("latencyMs", new JsonObject().put("p50", 0.0)
                .put("p99", 0.0)).put("queries", 0L).put("rcodes", new JsonObject()).put("answers", new JsonObject())
                .put("fallbacks", new JsonObject()); // Traffic.dashboard() before any query
        JsonObject none = platform(api.build(() -> zero), "video");
        assertThat(none.getValue("localShare")).isNull();
        assertThat(none.getLong("answered")).isZero();

        JsonObject traffic = new JsonObject().put("qps", 12.5)
                .put("latencyMs", new JsonObject().put("p50", 0.05).put("p99", 0.4)).put("queries", 160L)
                .put("rcodes", new JsonObject().put("NOERROR", 160L))
                .put("answers", new JsonObject().put("video", new JsonObject().put("isb", 60L).put("khi", 30L)))
                .put("fallbacks", new JsonObject().put("video", 70L))
                .put("clients", new JsonObject().put("video", new JsonObject()
                        .put("in_country", new JsonObject().put("local", 80L).put("fallback", 20L))
                        .put("foreign", new JsonObject().put("local", 5L).put("fallback", 50L))
                        .put("unlocated", new JsonObject().put("local", 5L).put("fallback", 0L))))
                .put("located", new JsonObject().put("video", new JsonObject().put("coverage", 10L).put("bgp", 60L)
                        .put("geoip", 50L).put("geoip_coarse", 35L).put("none", 5L)));
        JsonObject d = api.build(() -> traffic);
        JsonObject video = platform(d, "video");
        assertThat(video.getDouble("localShare")).as("80 of the 100 in-country answers").isEqualTo(0.8);
        assertThat(video.getJsonObject("clients").getJsonObject("foreign"))
                .isEqualTo(new JsonObject().put("answers", 55L).put("local", 5L));
        assertThat(video.getJsonObject("clients").getJsonObject("inCountry"))
                .isEqualTo(new JsonObject().put("answers", 100L).put("local", 80L));
        assertThat(video.getJsonObject("located").getJsonObject("bgp"))
                .isEqualTo(new JsonObject().put("answers", 60L).put("share", 60 / 160.0));
        assertThat(video.getJsonObject("located").fieldNames()).containsExactlyInAnyOrder("coverage", "bgp", "geoip",
                "geoip_coarse", "none");
        assertThat(video.getLong("answered")).isEqualTo(90L);
        assertThat(video.getLong("fallbacks")).isEqualTo(70L);
        assertThat(video.getJsonObject("answers")).isEqualTo(new JsonObject().put("isb", 60L).put("khi", 30L));
        assertThat(d.getJsonObject("traffic").getDouble("qps")).isEqualTo(12.5);
        Map<String, Long> perSite = new HashMap<>();
        d.getJsonArray("sites").forEach(s -> perSite.put(((JsonObject) s).getString("name"),
                ((JsonObject) s).getLong("answers")));
        assertThat(perSite).containsEntry("isb", 60L).containsEntry("khi", 30L).containsEntry("lhe", 0L);

        // only foreign clients: nothing in-country to keep, so no share (not 0 %, not 100 %)
        JsonObject foreignOnly = platform(api.build(() -> traffic.copy().put("clients", new JsonObject().put("video",
                new JsonObject().put("foreign", new JsonObject().put("local", 0L).put("fallback", 50L))))), "video");
        assertThat(foreignOnly.getValue("localShare")).isNull();
        JsonObject allFallback = platform(api.build(() -> traffic.copy().put("clients", new JsonObject().put("video",
                new JsonObject().put("in_country", new JsonObject().put("local", 0L).put("fallback", 9L))))), "video");
        assertThat(allFallback.getDouble("localShare")).isEqualTo(0.0);
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
