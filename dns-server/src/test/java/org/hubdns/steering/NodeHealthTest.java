package org.hubdns.steering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.steering.Steered.A;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.hubdns.server.StandIn;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Health checks of one member against real HTTP and TCP stand-ins on 127.0.0.x: rise and fall
 * counted in probes, timeouts, the per-prober detail, drain while probed, load reports that expire,
 * the fallback when every node is down, and the probe allowlist at registration.
 */
class NodeHealthTest {
    static final Duration WITHIN = Duration.ofSeconds(15);
    static Steered s;
    static String host;
    static String downHost;
    static String loadHost;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        s = Steered.start();
        host = s.platform("hc", new JsonObject().put("answers", 8).put("defaultSite", "isb"));
        downHost = s.platform("hcdown", new JsonObject().put("answers", 8).put("defaultSite", "isb"));
        loadHost = s.platform("hcload", new JsonObject().put("answers", 8).put("defaultSite", "isb"));
        token = s.partner("hc", "hcdown", "hcload");
        s.node(token, "hc", "isb", 100, null, "192.0.2.50"); // always up: the platform never falls back here
    }

    @AfterAll
    static void stop() {
        if (s != null) {
            s.close();
        }
    }

    static JsonObject http(StandIn n) {
        return new JsonObject().put("type", "http").put("port", n.port()).put("path", "/health")
                .put("intervalMs", 500).put("timeoutMs", 300).put("rise", 2).put("fall", 3);
    }

    static List<String> answer(String h) throws Exception {
        return s.ask(h, A, null, false).addresses();
    }

    static void awaitIn(String h, String address) throws Exception {
        Steered.await(address + " answered for " + h, WITHIN, () -> answer(h).contains(address));
    }

    static void awaitOut(String h, String address) throws Exception {
        Steered.await(address + " no longer answered for " + h, WITHIN, () -> !answer(h).contains(address));
    }

    static JsonObject health(String id) throws Exception {
        return s.ok(s.send("GET", "/v1/nodes/" + id + "/health", token, null));
    }

    @Test
    void aFailingNodeLeavesAfterFallFailuresAndReturnsAfterRiseSuccesses() throws Exception {
        try (StandIn n = StandIn.http("127.0.0.21")) {
            String id = s.node(token, "hc", "isb", 100, http(n), n.address());
            awaitIn(host, n.address());
            assertThat(s.ok(s.send("GET", "/v1/nodes/" + id, token, null)).getJsonObject("state")
                    .getString("health")).isEqualTo("up");

            n.status(500);
            long failing = System.nanoTime();
            awaitOut(host, n.address());
            assertThat(n.hits().stream().filter(h -> h.nanos() >= failing).count())
                    .as("probes that saw the failure before the node left").isGreaterThanOrEqualTo(3);
            JsonObject h = health(id);
            assertThat(h.getString("health")).isEqualTo("down");
            assertThat(h.getJsonObject("votes").getInteger("down")).isEqualTo(1);
            JsonObject prober = h.getJsonArray("probers").getJsonObject(0);
            assertThat(prober.getString("verdict")).isEqualTo("down");
            assertThat(prober.getBoolean("counting")).isTrue();
            JsonObject last = prober.getJsonObject("last");
            assertThat(last.getBoolean("ok")).isFalse();
            assertThat(last.getString("error")).contains("HTTP status 500, expected 200");
            assertThat(last.getInteger("consecutive")).isGreaterThanOrEqualTo(3);
            assertThat(last.getDouble("latencyMs")).isGreaterThan(0.0);
            assertThat(last.getString("at")).isNotBlank();
            assertThat(h.getJsonObject("check").getInteger("fall")).isEqualTo(3);

            n.status(200);
            long healing = System.nanoTime();
            awaitIn(host, n.address());
            assertThat(n.hits().stream().filter(x -> x.nanos() >= healing).count())
                    .as("probes that saw the recovery before the node returned").isGreaterThanOrEqualTo(2);
            assertThat(health(id).getString("health")).isEqualTo("up");
        }
    }

    @Test
    void aTcpCheckFollowsTheListener() throws Exception {
        try (StandIn n = StandIn.tcp("127.0.0.22")) {
            JsonObject check = new JsonObject().put("type", "tcp").put("port", n.port()).put("intervalMs", 500)
                    .put("timeoutMs", 300);
            String id = s.node(token, "hc", "isb", 100, check, n.address());
            awaitIn(host, n.address());
            n.stop();
            awaitOut(host, n.address());
            assertThat(health(id).getJsonArray("probers").getJsonObject(0).getJsonObject("last").getString("error"))
                    .contains("connection refused");
            n.start();
            awaitIn(host, n.address());
        }
    }

    @Test
    void aNodeSlowerThanItsTimeoutIsDown() throws Exception {
        try (StandIn n = StandIn.http("127.0.0.23")) {
            String id = s.node(token, "hc", "isb", 100, http(n), n.address());
            awaitIn(host, n.address());
            n.delay(1000);
            awaitOut(host, n.address());
            assertThat(health(id).getJsonArray("probers").getJsonObject(0).getJsonObject("last").getString("error"))
                    .contains("timed out after 300 ms");
            n.delay(0);
            awaitIn(host, n.address());
        }
    }

    @Test
    void everyNodeDownAnswersTheFallbackAndTheApiSaysSo() throws Exception {
        try (StandIn a = StandIn.http("127.0.0.24"); StandIn b = StandIn.http("127.0.0.25")) {
            s.node(token, "hcdown", "isb", 100, http(a), a.address());
            s.node(token, "hcdown", "isb", 100, http(b), b.address());
            awaitIn(downHost, a.address());
            awaitIn(downHost, b.address());
            a.stop();
            b.stop();
            Steered.await("fallback for " + downHost, WITHIN, () -> s.ask(downHost, A, null, false).cnames()
                    .contains("origin.example."));
            for (boolean tcp : new boolean[] {false, true}) {
                Steered.Answer ans = s.ask(downHost, A, "39.40.1.0/24", tcp);
                assertThat(ans.addresses()).isEmpty();
                assertThat(ans.cnames()).containsExactly("origin.example.");
            }
            JsonObject all = s.ok(s.send("GET", "/v1/health/nodes", s.admin, null));
            JsonObject p = all.getJsonObject("platforms").getJsonObject("hcdown");
            assertThat(p.getString("answer")).isEqualTo("fallback");
            assertThat(p.getInteger("serving")).isZero();
            assertThat(p.getJsonObject("health").getInteger("down")).isEqualTo(2);
            JsonArray changes = all.getJsonArray("changes");
            assertThat(changes.stream().map(JsonObject.class::cast)
                    .filter(c -> c.getString("platform").equals("hcdown") && c.getString("to").equals("down")))
                    .hasSizeGreaterThanOrEqualTo(2);
            assertThat(all.getJsonObject("probing").getJsonObject("probes").getLong("failed")).isPositive();
            // partners may not see the operator's overview
            assertThat(s.send("GET", "/v1/health/nodes", token, null).statusCode()).isEqualTo(403);

            a.start();
            b.start();
            awaitIn(downHost, a.address());
            awaitIn(downHost, b.address());
        }
    }

    @Test
    void drainTakesANodeOutAtOnceWhileProbesGoOn() throws Exception {
        try (StandIn n = StandIn.http("127.0.0.26")) {
            String id = s.node(token, "hc", "isb", 100, http(n), n.address());
            awaitIn(host, n.address());
            s.active(id, false);
            // out with the next snapshot (milliseconds), not after any probe
            Steered.await("drained node out", () -> !answer(host).contains(n.address()));
            int seen = n.count();
            Steered.await("probes go on while drained", WITHIN, () -> n.count() >= seen + 2);
            assertThat(health(id).getString("health")).isEqualTo("up");
            assertThat(answer(host)).doesNotContain(n.address());
            s.active(id, true);
            awaitIn(host, n.address());
        }
    }

    @Test
    void aLoadReportSpillsANodeUntilItIsThreeIntervalsOld() throws Exception {
        // no probes; intervalMs 500: a report counts for 1.5 s. The platform's only node.
        JsonObject check = new JsonObject().put("type", "none").put("intervalMs", 500);
        String id = s.node(token, "hcload", "khi", 100, check, "192.0.2.77");
        String host = loadHost;
        awaitIn(host, "192.0.2.77");
        HttpResponse<String> r = s.send("POST", "/v1/nodes/" + id + "/load", token,
                new JsonObject().put("load", 1.0).encode());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject body = new JsonObject(r.body());
        assertThat(body.getDouble("load")).isEqualTo(1.0);
        assertThat(body.getString("reportedAt")).isNotBlank();
        assertThat(body.getLong("countsForMs")).isEqualTo(1500L);
        awaitOut(host, "192.0.2.77"); // full: the fallback answers
        assertThat(s.ask(host, A, null, true).cnames()).containsExactly("origin.example.");
        assertThat(s.ok(s.send("GET", "/v1/nodes/" + id, token, null)).getJsonObject("state").getDouble("load"))
                .isEqualTo(1.0);
        // no further reports: after three intervals the report no longer counts
        awaitIn(host, "192.0.2.77");
        JsonObject h = health(id);
        assertThat(h.getJsonObject("load").getBoolean("counting")).isFalse();
        assertThat(h.getJsonObject("load").getDouble("value")).isZero();
    }

    @Test
    void badLoadReportsAreRefusedWithAProblem() throws Exception {
        String id = s.node(token, "hc", "khi", 100, null, "192.0.2.78");
        for (String bad : new String[] {"{\"load\": -0.1}", "{\"load\": \"high\"}", "{}", "{\"load\": 0.5, \"x\": 1}",
                "[0.5]", "{\"load\": 1e999}", "not json"}) {
            HttpResponse<String> r = s.send("POST", "/v1/nodes/" + id + "/load", token, bad);
            assertThat(r.statusCode()).as(bad + " -> " + r.body()).isBetween(400, 422);
            assertThat(new JsonObject(r.body()).getInteger("status")).isEqualTo(r.statusCode());
        }
        String other = s.partner("hc");
        assertThat(s.send("POST", "/v1/nodes/" + id + "/load", other, "{\"load\": 0.5}").statusCode())
                .as("another partner's node").isEqualTo(404);
        assertThat(s.send("GET", "/v1/nodes/" + id + "/health", other, null).statusCode()).isEqualTo(404);
        assertThat(s.send("POST", "/v1/nodes/" + id + "/load", null, "{\"load\": 0.5}").statusCode()).isEqualTo(401);
        assertThat(s.send("POST", "/v1/nodes/nosuch/load", token, "{\"load\": 0.5}").statusCode()).isEqualTo(404);
    }

    @Test
    void probesGoOnlyWhereTheOperatorAllows() throws Exception {
        JsonObject body = new JsonObject().put("platform", "hc").put("site", "isb")
                .put("addresses", new JsonArray().add("127.0.0.30").add("198.51.100.23"))
                .put("check", new JsonObject().put("type", "tcp").put("port", 80));
        HttpResponse<String> r = s.send("POST", "/v1/nodes", token, body.encode());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        JsonObject problem = new JsonObject(r.body());
        assertThat(problem.getString("field")).isEqualTo("addresses[1]");
        assertThat(problem.getString("detail")).contains("198.51.100.23").contains("--probe-allow")
                .contains("127.0.0.0/8");
        // the same node without probes is fine: nothing is sent to it
        body.put("check", new JsonObject().put("type", "none"));
        assertThat(s.send("POST", "/v1/nodes", token, body.encode()).statusCode()).isEqualTo(201);
        // an interval below the operator's floor (200 ms in tests)
        body.put("addresses", new JsonArray().add("127.0.0.31"))
                .put("check", new JsonObject().put("type", "tcp").put("port", 80).put("intervalMs", 150)
                        .put("timeoutMs", 100));
        r = s.send("POST", "/v1/nodes", token, body.encode());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(new JsonObject(r.body()).getString("field")).isEqualTo("check.intervalMs");
        assertThat(r.body()).contains("--probe-min-interval");
    }
}
