package org.hubdns.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.api.Api.json;
import static org.hubdns.api.Api.node;
import static org.hubdns.api.Api.problem;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * A partner sees and touches only its own cache nodes (another's is 404 for every verb), may
 * register only for its platforms and existing sites, and never reaches operator routes; the
 * operator acts on anyone's nodes and must say whose node it registers.
 */
class PartnerIsolationTest extends DemoMemberTest {
    @Test
    void anotherPartnersNodeIsNotFoundForEveryVerb() throws Exception {
        String a = api.createPartner(api.unique("pa"), "video");
        String b = api.createPartner(api.unique("pb"), "video");
        String id = api.register(a, node("video", "isb", 3, "192.0.2.51")).getString("id");
        HttpResponse<String> before = api.get("/v1/nodes/" + id, a);
        String etag = before.headers().firstValue("ETag").orElseThrow();

        JsonObject p = problem(api.get("/v1/nodes/" + id, b), 404);
        assertThat(p.getString("detail")).doesNotContain("192.0.2.51");
        problem(api.put("/v1/nodes/" + id, b, node("video", "isb", 4, "192.0.2.52")), 404);
        problem(api.send(api.request("PUT", "/v1/nodes/" + id, b, Api.JSON,
                node("video", "isb", 4, "192.0.2.52").encode()).header("If-Match", etag)), 404);
        problem(api.post("/v1/nodes/" + id + "/drain", b, null), 404);
        problem(api.post("/v1/nodes/" + id + "/undrain", b, null), 404);
        problem(api.delete("/v1/nodes/" + id, b), 404);
        // the same answer as for a node that does not exist at all
        JsonObject none = problem(api.get("/v1/nodes/n-0000000000000000", b), 404);
        assertThat(none.getString("title")).isEqualTo(p.getString("title"));

        HttpResponse<String> after = api.get("/v1/nodes/" + id, a);
        assertThat(after.body()).isEqualTo(before.body());
        assertThat(after.headers().firstValue("ETag")).hasValue(etag);
        assertThat(json(after, 200).getJsonObject("state").getString("admin")).isEqualTo("active");

        assertThat(api.nodes(b)).isEmpty();
        assertThat(Api.jsonArray(api.get("/v1/nodes?partner=" + "demo", b))).isEmpty();
        JsonArray mine = api.nodes(a);
        assertThat(mine.stream().map(o -> ((JsonObject) o).getString("id"))).containsExactly(id);
        // the demo partner sees its six, not A's
        JsonArray demo = api.nodes(api.demo);
        assertThat(demo).hasSize(6);
        assertThat(demo.stream().map(o -> ((JsonObject) o).getString("partner"))).containsOnly("demo");
        assertThat(api.delete("/v1/nodes/" + id, a).statusCode()).isEqualTo(204);
    }

    @Test
    void aPartnerRegistersOnlyForItsPlatformsAndExistingSites() throws Exception {
        String other = api.unique("op");
        api.createPlatform(other);
        String token = api.createPartner(api.unique("pc"), "video");
        int before = api.nodes(token).size();

        problem(api.post("/v1/nodes", token, node(other, "isb", 1, "192.0.2.61")), 403, "platform");
        problem(api.post("/v1/nodes", token, node("no-such-platform", "isb", 1, "192.0.2.61")), 422, "platform");
        problem(api.post("/v1/nodes", token, node("video", "nowhere", 1, "192.0.2.61")), 422, "site");
        // a partner cannot name another owner
        problem(api.post("/v1/nodes", token, node("video", "isb", 1, "192.0.2.61").put("partner", "demo")), 400,
                "partner");
        assertThat(api.nodes(token)).hasSize(before);

        // nor move its node to a platform it may not use
        String id = api.register(token, node("video", "isb", 1, "192.0.2.62")).getString("id");
        String body = api.get("/v1/nodes/" + id, token).body();
        problem(api.put("/v1/nodes/" + id, token, node(other, "isb", 1, "192.0.2.62")), 403, "platform");
        problem(api.put("/v1/nodes/" + id, token, node("video", "nowhere", 1, "192.0.2.62")), 422, "site");
        assertThat(api.get("/v1/nodes/" + id, token).body()).isEqualTo(body);
        api.delete("/v1/nodes/" + id, token);
    }

    @Test
    void aPartnerTokenOnOperatorRoutesIsForbidden() throws Exception {
        String token = api.createPartner(api.unique("pd"), "video");
        String site = api.unique("fs");
        problem(api.put("/v1/sites/" + site, token, Api.site("X")), 403);
        problem(api.get("/v1/sites/" + site, api.admin), 404);
        problem(api.delete("/v1/sites/isb", token), 403);
        assertThat(api.get("/v1/sites/isb", api.admin).statusCode()).isEqualTo(200);
        problem(api.put("/v1/platforms/" + site, token, Api.platform(site + ".pk-hub.example")), 403);
        problem(api.delete("/v1/platforms/video", token), 403);
        problem(api.get("/v1/partners", token), 403);
        problem(api.put("/v1/partners/" + site, token, new JsonObject().put("platforms", new JsonArray())), 403);
        problem(api.post("/v1/partners/demo/token", token, null), 403);
        problem(api.delete("/v1/partners/demo", token), 403);
        problem(api.send("PUT", "/v1/zones/" + site + ".example", token, "text/dns",
                "@ 300 IN SOA ns hm 1 2 3 4 5\n@ 300 IN NS ns\nns 300 IN A 192.0.2.1\n"), 403);
        problem(api.delete("/v1/zones/pk-hub.example", token), 403);
        problem(api.post("/v1/zones/reload", token, null), 403);
        problem(api.post("/v1/coverage-zones", token, new JsonObject().put("cidr", "192.0.2.0/24").put("site", "isb")),
                403);
        // the demo partner still works, and is the only one that can read itself
        assertThat(api.get("/v1/partners/demo", api.demo).statusCode()).isEqualTo(200);
        problem(api.get("/v1/partners/demo", token), 404);
        // reads any token may do
        assertThat(api.get("/v1/sites", token).statusCode()).isEqualTo(200);
        assertThat(api.get("/v1/platforms/video", token).statusCode()).isEqualTo(200);
    }

    @Test
    void theOperatorActsOnAnyPartnersNode() throws Exception {
        String name = api.unique("pe");
        String token = api.createPartner(name, "video");
        String id = api.register(token, node("video", "lhe", 2, "192.0.2.71")).getString("id");

        assertThat(json(api.get("/v1/nodes/" + id, api.admin), 200).getString("partner")).isEqualTo(name);
        JsonObject put = json(api.put("/v1/nodes/" + id, api.admin, node("video", "lhe", 3, "192.0.2.72")), 200);
        assertThat(put.getString("partner")).as("the owner stays").isEqualTo(name);
        assertThat(put.getJsonArray("addresses")).containsExactly("192.0.2.72");
        // the operator may restate the owner, not change it
        problem(api.put("/v1/nodes/" + id, api.admin, node("video", "lhe", 3, "192.0.2.72").put("partner", "demo")),
                422, "partner");
        assertThat(json(api.post("/v1/nodes/" + id + "/drain", api.admin, null), 200).getJsonObject("state")
                .getString("admin")).isEqualTo("draining");
        assertThat(json(api.get("/v1/nodes/" + id, token), 200).getJsonObject("state").getString("admin"))
                .isEqualTo("draining");
        assertThat(api.post("/v1/nodes/" + id + "/undrain", api.admin, null).statusCode()).isEqualTo(200);
        assertThat(api.delete("/v1/nodes/" + id, api.admin).statusCode()).isEqualTo(204);
        problem(api.get("/v1/nodes/" + id, token), 404);
    }

    @Test
    void theOperatorMustNameThePartnerWhenRegistering() throws Exception {
        String name = api.unique("pf");
        String token = api.createPartner(name, "video");
        int total = api.nodes(api.admin).size();

        Api.clientProblem(api.post("/v1/nodes", api.admin, node("video", "isb", 1, "192.0.2.81")), "partner");
        problem(api.post("/v1/nodes", api.admin, node("video", "isb", 1, "192.0.2.81").put("partner", "nobody")),
                422, "partner");
        assertThat(api.nodes(api.admin)).hasSize(total);

        JsonObject n = api.register(api.admin, node("video", "isb", 1, "192.0.2.81").put("partner", name));
        assertThat(n.getString("partner")).isEqualTo(name);
        assertThat(api.nodes(token).stream().map(o -> ((JsonObject) o).getString("id"))).containsExactly(
                n.getString("id"));
        assertThat(api.get("/v1/nodes/" + n.getString("id"), api.demo).statusCode()).isEqualTo(404);
        assertThat(api.delete("/v1/nodes/" + n.getString("id"), token).statusCode()).isEqualTo(204);
    }
}
