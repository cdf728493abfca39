package org.hubdns.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.api.Api.await;
import static org.hubdns.api.Api.json;
import static org.hubdns.api.Api.node;
import static org.hubdns.api.Api.problem;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * A partner's cache nodes end to end: registered over HTTP, answered over real DNS (UDP and TCP),
 * drained and undrained with the answer following within the propagation bound, IPv6 nodes in
 * AAAA, and optimistic concurrency with ETag / If-Match on PUT.
 *
 * <p>Answers are steered (site by location, node by rendezvous hashing on the client network), so
 * tests that look at DNS use a platform of their own whose {@code answers} (16) is at least its
 * node count and whose {@code defaultSite} holds its nodes: the unlocated 127.0.0.1 then gets every
 * node of that site, so a registered node is certainly in the answer and a drained one certainly not.
 */
class NodesTest extends DemoMemberTest {
    /**
     * A platform of this test's own (answers 16, defaultSite {@code site}, so the unlocated
     * 127.0.0.1 gets every node of that site) and a partner for it; returns {hostname, token}.
     */
    static String[] ownPlatform(String site, JsonObject fallback) throws Exception {
        String plat = api.unique("pl");
        String host = plat + ".pk-hub.example";
        JsonObject body = Api.platform(host).put("answers", 16).put("defaultSite", site);
        if (fallback != null) {
            body.put("fallback", fallback);
        }
        HttpResponse<String> r = api.put("/v1/platforms/" + plat, api.admin, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return new String[] {host, api.createPartner(api.unique("pp"), plat), plat};
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void aRegisteredNodeIsAnsweredAndDrainTakesItOut(boolean tcp) throws Exception {
        String[] own = ownPlatform("khi", null);
        String host = own[0];
        String token = own[1];
        String plat = own[2];
        // two nodes already there: the answer is every node of the default site (answers 16 >= 3)
        String other1 = "192.0.2." + (100 + api.next());
        String other2 = "192.0.2." + (100 + api.next());
        api.register(token, node(plat, "khi", 100, other1));
        api.register(token, node(plat, "khi", 100, other2));
        String address = "192.0.2." + (10 + api.next());
        await("the platform answers its first two nodes",
                () -> new java.util.HashSet<>(api.a(host, tcp)).equals(java.util.Set.of(other1, other2)));
        assertThat(api.a(host, tcp)).doesNotContain(address);

        HttpResponse<String> created = api.post("/v1/nodes", token, node(plat, "khi", 1000, address));
        JsonObject n = json(created, 201);
        String id = n.getString("id");
        assertThat(id).isNotBlank();
        assertThat(created.headers().firstValue("Location")).hasValue("/v1/nodes/" + id);
        assertThat(created.headers().firstValue("ETag")).isPresent();
        assertThat(n.getString("platform")).isEqualTo(plat);
        assertThat(n.getString("site")).isEqualTo("khi");
        assertThat(n.getJsonArray("addresses")).containsExactly(address);
        assertThat(n.getInteger("weight")).isEqualTo(1000);
        JsonObject state = n.getJsonObject("state");
        assertThat(state.getString("admin")).isEqualTo("active");
        assertThat(state.getString("health")).isEqualTo("up");
        assertThat(state.getDouble("load")).isEqualTo(0.0);
        try {
            await("the new node is in the answer for " + host, () -> api.a(host, tcp).contains(address));
            List<String> answer = api.a(host, tcp);
            assertThat(answer).hasSize(3).doesNotHaveDuplicates().containsExactlyInAnyOrder(address, other1, other2);
            // the other transport agrees, order included (the same client network, the same ranking)
            assertThat(api.a(host, !tcp)).isEqualTo(answer);
            assertThat(api.a(host, tcp)).as("stable across queries").isEqualTo(answer);

            JsonObject drained = json(api.post("/v1/nodes/" + id + "/drain", token, null), 200);
            assertThat(drained.getJsonObject("state").getString("admin")).isEqualTo("draining");
            await("the drained node leaves the answer", () -> !api.a(host, tcp).contains(address));
            assertThat(api.a(host, tcp)).containsExactlyInAnyOrder(other1, other2);
            assertThat(json(api.get("/v1/nodes/" + id, token), 200).getJsonObject("state").getString("admin"))
                    .isEqualTo("draining");
            // draining twice is fine
            assertThat(api.post("/v1/nodes/" + id + "/drain", token, null).statusCode()).isEqualTo(200);

            JsonObject undrained = json(api.post("/v1/nodes/" + id + "/undrain", token, null), 200);
            assertThat(undrained.getJsonObject("state").getString("admin")).isEqualTo("active");
            await("the undrained node is back", () -> api.a(host, tcp).contains(address));
            assertThat(api.a(host, tcp)).isEqualTo(answer);
        } finally {
            assertThat(api.delete("/v1/nodes/" + id, token).statusCode()).isEqualTo(204);
        }
        problem(api.get("/v1/nodes/" + id, token), 404);
        await("the deleted node leaves the answer", () -> !api.a(host, tcp).contains(address));
        assertThat(api.a(host, tcp)).containsExactlyInAnyOrder(other1, other2);
    }

    @Test
    void anIpv6NodeAnswersAaaa() throws Exception {
        String[] own = ownPlatform("lhe", null);
        String host = own[0];
        String token = own[1];
        String plat = own[2];
        int n = api.next();
        JsonObject created = api.register(token, node(plat, "lhe", 1000, "2001:DB8:0:0::" + n, "192.0.2.99"));
        String id = created.getString("id");
        String v6 = "2001:db8::" + n;
        assertThat(created.getJsonArray("addresses")).as("canonical RFC 5952 form").containsExactly(v6,
                "192.0.2.99");
        // an IPv4-only node of the same site: A keeps an answer when the dual-stack node is drained
        String v4only = api.register(token, node(plat, "lhe", 100, "192.0.2.98")).getString("id");
        try {
            for (boolean tcp : new boolean[] {false, true}) {
                await("AAAA lists the IPv6 node over " + (tcp ? "TCP" : "UDP"),
                        () -> api.aaaa(host, tcp).equals(List.of(v6)));
                await("A lists both IPv4 addresses over " + (tcp ? "TCP" : "UDP"),
                        () -> api.a(host, tcp).size() == 2);
                assertThat(api.a(host, tcp)).containsExactlyInAnyOrder("192.0.2.99", "192.0.2.98");
            }
            api.post("/v1/nodes/" + id + "/drain", token, null);
            // without any active IPv6 node the name has no AAAA address: never an IPv4 in AAAA
            await("the drained IPv6 node leaves AAAA", () -> api.aaaa(host, false).isEmpty());
            assertThat(api.rcode(host, Type.AAAA, false)).isEqualTo(Rcode.NOERROR);
            assertThat(api.a(host, false)).containsExactly("192.0.2.98");
        } finally {
            assertThat(api.delete("/v1/nodes/" + id, token).statusCode()).isEqualTo(204);
            assertThat(api.delete("/v1/nodes/" + v4only, token).statusCode()).isEqualTo(204);
        }
    }

    @Test
    void aPlatformAnswersItsNodesThenItsFallback() throws Exception {
        String plat = api.unique("pl");
        String host = plat + ".pk-hub.example";
        // answers 16 and no defaultSite: the unlocated 127.0.0.1 gets one ranking over every node
        assertThat(api.put("/v1/platforms/" + plat, api.admin, Api.platform(host).put("answers", 16).put("fallback",
                new JsonObject().put("addresses", new JsonArray().add("192.0.2.250")))).statusCode()).isEqualTo(201);
        String token = api.createPartner(api.unique("pp"), plat);
        await("a platform without nodes answers its fallback", () -> api.a(host, false).equals(List.of("192.0.2.250")));

        String light = api.register(token, node(plat, "isb", 10, "192.0.2.1")).getString("id");
        String heavy = api.register(token, node(plat, "khi", 500, "192.0.2.2")).getString("id");
        String mid = api.register(token, node(plat, "lhe", 200, "192.0.2.3", "192.0.2.4")).getString("id");
        await("every address of every node, sites together",
                () -> api.a(host, false).size() == 4);
        assertThat(api.a(host, false)).containsExactlyInAnyOrder("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4");
        assertThat(api.a(host, true)).isEqualTo(api.a(host, false));
        // a node's addresses stay together in the answer
        List<String> a = api.a(host, false);
        assertThat(Math.abs(a.indexOf("192.0.2.3") - a.indexOf("192.0.2.4"))).isEqualTo(1);

        // a PUT that changes a node's address changes the answer
        JsonObject change = node(plat, "isb", 900, "192.0.2.5");
        assertThat(api.put("/v1/nodes/" + light, token, change).statusCode()).isEqualTo(200);
        await("the changed node answers its new address", () -> api.a(host, false).contains("192.0.2.5")
                && !api.a(host, false).contains("192.0.2.1"));

        problem(api.delete("/v1/platforms/" + plat, api.admin), 409);
        for (String id : List.of(light, heavy, mid)) {
            assertThat(api.delete("/v1/nodes/" + id, token).statusCode()).isEqualTo(204);
        }
        await("back to the fallback", () -> api.a(host, false).equals(List.of("192.0.2.250")));
    }

    @Test
    void theListShowsTheNodeAndFilters() throws Exception {
        String token = api.createPartner(api.unique("lp"), "video");
        String a = api.register(token, node("video", "isb", 5, "192.0.2.31")).getString("id");
        String b = api.register(token, node("video", "khi", 5, "192.0.2.32")).getString("id");
        try {
            JsonArray all = api.nodes(token);
            assertThat(all.stream().map(o -> ((JsonObject) o).getString("id"))).containsExactlyInAnyOrder(a, b);
            JsonArray khi = Api.jsonArray(api.get("/v1/nodes?site=khi", token));
            assertThat(khi.stream().map(o -> ((JsonObject) o).getString("id"))).containsExactly(b);
            assertThat(Api.jsonArray(api.get("/v1/nodes?platform=other", token))).isEmpty();
            // the operator sees every partner's, filtered by partner
            JsonArray demo = Api.jsonArray(api.get("/v1/nodes?partner=demo", api.admin));
            assertThat(demo).hasSize(6);
            assertThat(demo.stream().map(o -> ((JsonObject) o).getString("partner"))).containsOnly("demo");
        } finally {
            api.delete("/v1/nodes/" + a, token);
            api.delete("/v1/nodes/" + b, token);
        }
    }

    @Test
    void loadIsAFractionNotAPercentage() throws Exception {
        String token = api.demo;
        String id = api.register(token, node("video", "isb", 5, "10.99.0.45")).getString("id");
        try {
            for (double percent : new double[] {72, 100, 1.5}) {
                JsonObject p = problem(api.post("/v1/nodes/" + id + "/load", token, new JsonObject().put("load",
                        percent)), 422, "load");
                assertThat(p.getString("detail")).contains("fraction").contains("0.72, not 72");
            }
            problem(api.post("/v1/nodes/" + id + "/load", token, new JsonObject().put("load", -0.1)), 422, "load");
            assertThat(json(api.get("/v1/nodes/" + id, token), 200).getJsonObject("state").getDouble("load"))
                    .as("nothing recorded").isZero();
            for (double fraction : new double[] {0.72, 1, 0}) {
                JsonObject ok = json(api.post("/v1/nodes/" + id + "/load", token, new JsonObject().put("load",
                        fraction)), 200);
                assertThat(ok.getDouble("load")).isEqualTo(fraction);
            }
        } finally {
            api.delete("/v1/nodes/" + id, token);
        }
    }

    // ---- ETag / If-Match --------------------------------------------------------------------------

    @Test
    void putHonoursIfMatch() throws Exception {
        String token = api.createPartner(api.unique("ep"), "video");
        JsonObject created = api.register(token, node("video", "isb", 7, "192.0.2.41"));
        String id = created.getString("id");
        try {
            HttpResponse<String> read = api.get("/v1/nodes/" + id, token);
            String etag = read.headers().firstValue("ETag").orElseThrow();
            assertThat(etag).matches("\"[^\"]+\"");

            HttpResponse<String> first = api.send(api.request("PUT", "/v1/nodes/" + id, token, Api.JSON,
                    node("video", "isb", 8, "192.0.2.41").encode()).header("If-Match", etag));
            assertThat(json(first, 200).getInteger("weight")).isEqualTo(8);
            String etag2 = first.headers().firstValue("ETag").orElseThrow();
            assertThat(etag2).isNotEqualTo(etag);
            assertThat(api.get("/v1/nodes/" + id, token).headers().firstValue("ETag")).hasValue(etag2);

            HttpResponse<String> stale = api.send(api.request("PUT", "/v1/nodes/" + id, token, Api.JSON,
                    node("video", "isb", 9, "192.0.2.41").encode()).header("If-Match", etag));
            problem(stale, 412);
            HttpResponse<String> after = api.get("/v1/nodes/" + id, token);
            assertThat(json(after, 200).getInteger("weight")).as("the stale write changed nothing").isEqualTo(8);
            assertThat(after.headers().firstValue("ETag")).hasValue(etag2);

            // a drain is a change too: the ETag read before it is stale afterwards
            api.post("/v1/nodes/" + id + "/drain", token, null);
            problem(api.send(api.request("PUT", "/v1/nodes/" + id, token, Api.JSON,
                    node("video", "isb", 9, "192.0.2.41").encode()).header("If-Match", etag2)), 412);
            // If-Match: * and no If-Match both apply; a PUT keeps the node drained
            HttpResponse<String> star = api.send(api.request("PUT", "/v1/nodes/" + id, token, Api.JSON,
                    node("video", "isb", 10, "192.0.2.41").encode()).header("If-Match", "*"));
            JsonObject s = json(star, 200);
            assertThat(s.getInteger("weight")).isEqualTo(10);
            assertThat(s.getJsonObject("state").getString("admin")).isEqualTo("draining");
            assertThat(json(api.put("/v1/nodes/" + id, token, node("video", "isb", 11, "192.0.2.41")), 200)
                    .getInteger("weight")).isEqualTo(11);
        } finally {
            api.delete("/v1/nodes/" + id, token);
        }
    }
}
