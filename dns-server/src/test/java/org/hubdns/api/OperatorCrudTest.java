package org.hubdns.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.api.Api.json;
import static org.hubdns.api.Api.jsonArray;
import static org.hubdns.api.Api.node;
import static org.hubdns.api.Api.platform;
import static org.hubdns.api.Api.problem;
import static org.hubdns.api.Api.site;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The operator's routes for sites, platforms and partners over real HTTP: create (201, Location,
 * ETag), replace (200, new ETag), read, delete, the conflicts (a hostname outside every zone or
 * owned by another platform, deleting what still has nodes), and partner tokens (shown once, never
 * read back, rotation).
 */
class OperatorCrudTest extends DemoMemberTest {
    // ---- sites ------------------------------------------------------------------------------------

    @Test
    void siteCreateReplaceReadDelete() throws Exception {
        String name = api.unique("site");
        HttpResponse<String> created = api.put("/v1/sites/" + name, api.admin, site("Multan"));
        JsonObject body = json(created, 201);
        assertThat(body.getString("name")).isEqualTo(name);
        assertThat(body.getString("city")).isEqualTo("Multan");
        assertThat(created.headers().firstValue("Location")).hasValue("/v1/sites/" + name);
        String etag1 = created.headers().firstValue("ETag").orElseThrow();
        assertThat(etag1).matches("\"[^\"]+\"");

        HttpResponse<String> read = api.get("/v1/sites/" + name, api.admin);
        assertThat(json(read, 200).getString("city")).isEqualTo("Multan");
        assertThat(read.headers().firstValue("ETag")).hasValue(etag1);
        // any token may read a site
        assertThat(json(api.get("/v1/sites/" + name, api.demo), 200).getString("city")).isEqualTo("Multan");

        HttpResponse<String> replaced = api.put("/v1/sites/" + name, api.admin, site("Multan Cantt"));
        assertThat(json(replaced, 200).getString("city")).isEqualTo("Multan Cantt");
        String etag2 = replaced.headers().firstValue("ETag").orElseThrow();
        assertThat(etag2).isNotEqualTo(etag1);
        assertThat(replaced.headers().firstValue("Location")).isEmpty();
        assertThat(api.get("/v1/sites/" + name, api.admin).headers().firstValue("ETag")).hasValue(etag2);

        JsonArray all = jsonArray(api.get("/v1/sites", api.admin));
        assertThat(all.stream().map(o -> ((JsonObject) o).getString("name"))).contains(name, "isb", "khi", "lhe");

        HttpResponse<String> deleted = api.delete("/v1/sites/" + name, api.admin);
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        problem(api.get("/v1/sites/" + name, api.admin), 404);
        problem(api.delete("/v1/sites/" + name, api.admin), 404);
        // a deleted site can be created again
        assertThat(api.put("/v1/sites/" + name, api.admin, site("Multan")).statusCode()).isEqualTo(201);
    }

    @Test
    void aRejectedSiteWriteChangesNothing() throws Exception {
        String name = api.unique("site");
        api.createSite(name);
        HttpResponse<String> before = api.get("/v1/sites/" + name, api.admin);

        problem(api.put("/v1/sites/" + name, api.admin, site("X").put("country", "pk")), 422, "country");
        problem(api.put("/v1/sites/" + name, api.admin, site("X").put("lat", 90.5)), 422, "lat");
        problem(api.put("/v1/sites/" + name, api.admin, site("X").put("lon", -181)), 422, "lon");
        problem(api.put("/v1/sites/" + name, api.admin, site("X").put("lat", "24.8")), 400, "lat");
        problem(api.put("/v1/sites/" + name, api.admin, site("X").put("elevation", 10)), 400, "elevation");
        problem(api.put("/v1/sites/" + name, api.admin, site("X").put("city", "")), 422, "city");

        HttpResponse<String> after = api.get("/v1/sites/" + name, api.admin);
        assertThat(after.body()).isEqualTo(before.body());
        assertThat(after.headers().firstValue("ETag")).isEqualTo(before.headers().firstValue("ETag"));
    }

    @Test
    void aSiteNameMustBeAValidName() throws Exception {
        problem(api.put("/v1/sites/Upper", api.admin, site("X")), 400, "name");
        problem(api.put("/v1/sites/-dash", api.admin, site("X")), 400, "name");
        problem(api.get("/v1/sites/Upper", api.admin), 404);
    }

    // ---- platforms --------------------------------------------------------------------------------

    @Test
    void platformCreateReplaceReadDelete() throws Exception {
        String name = api.unique("plat");
        String host = name + ".pk-hub.example";
        HttpResponse<String> created = api.put("/v1/platforms/" + name, api.admin, platform(host));
        JsonObject body = json(created, 201);
        assertThat(body.getJsonArray("hostnames")).containsExactly(host);
        assertThat(created.headers().firstValue("ETag")).isPresent();
        assertThat(created.headers().firstValue("Location")).hasValue("/v1/platforms/" + name);

        // trailing dot and upper case are normalised
        HttpResponse<String> replaced = api.put("/v1/platforms/" + name, api.admin,
                platform(host.toUpperCase() + ".").put("answers", 3));
        JsonObject r = json(replaced, 200);
        assertThat(r.getJsonArray("hostnames")).containsExactly(host);
        assertThat(r.getInteger("answers")).isEqualTo(3);
        assertThat(replaced.headers().firstValue("ETag")).isPresent()
                .isNotEqualTo(created.headers().firstValue("ETag"));

        assertThat(json(api.get("/v1/platforms/" + name, api.demo), 200).getInteger("answers")).isEqualTo(3);
        assertThat(jsonArray(api.get("/v1/platforms", api.admin)).stream()
                .map(o -> ((JsonObject) o).getString("name"))).contains(name, "video");

        assertThat(api.delete("/v1/platforms/" + name, api.admin).statusCode()).isEqualTo(204);
        problem(api.get("/v1/platforms/" + name, api.admin), 404);
        problem(api.delete("/v1/platforms/" + name, api.admin), 404);
    }

    @Test
    void aHostnameOutsideEveryServedZoneIs422() throws Exception {
        String name = api.unique("plat");
        problem(api.put("/v1/platforms/" + name, api.admin, platform("cdn.elsewhere.example")), 422, "hostnames[0]");
        problem(api.put("/v1/platforms/" + name, api.admin,
                platform(name + ".pk-hub.example", "cdn.elsewhere.example")), 422, "hostnames[1]");
        // a name that merely ends like the zone is not inside it
        problem(api.put("/v1/platforms/" + name, api.admin, platform("notpk-hub.example")), 422, "hostnames[0]");
        problem(api.get("/v1/platforms/" + name, api.admin), 404);
    }

    @Test
    void aHostnameOfAnotherPlatformIs409() throws Exception {
        String name = api.unique("plat");
        problem(api.put("/v1/platforms/" + name, api.admin, platform("video.pk-hub.example")), 409);
        problem(api.get("/v1/platforms/" + name, api.admin), 404);
        // nor may an existing platform take it
        String other = api.unique("plat");
        String host = api.createPlatform(other);
        HttpResponse<String> before = api.get("/v1/platforms/" + other, api.admin);
        problem(api.put("/v1/platforms/" + other, api.admin, platform(host, "video.pk-hub.example")), 409);
        assertThat(api.get("/v1/platforms/" + other, api.admin).body()).isEqualTo(before.body());
        assertThat(json(api.get("/v1/platforms/video", api.admin), 200).getJsonArray("hostnames"))
                .containsExactly("video.pk-hub.example");
    }

    @Test
    void aBadPlatformBodyNamesTheField() throws Exception {
        String name = api.unique("plat");
        String host = name + ".pk-hub.example";
        problem(api.put("/v1/platforms/" + name, api.admin, platform(host).put("answers", 0)), 422, "answers");
        problem(api.put("/v1/platforms/" + name, api.admin, platform(host).put("ttl", -1)), 422, "ttl");
        problem(api.put("/v1/platforms/" + name, api.admin, platform("bad_host..example")), 422, "hostnames[0]");
        problem(api.put("/v1/platforms/" + name, api.admin, platform(host).put("fallback",
                new JsonObject().put("cname", "a.example.").put("addresses", new JsonArray().add("192.0.2.1")))),
                400, "fallback");
        problem(api.put("/v1/platforms/" + name, api.admin, platform(host).put("fallback",
                new JsonObject().put("addresses", new JsonArray().add("224.0.0.1")))), 422,
                "fallback.addresses[0]");
        problem(api.get("/v1/platforms/" + name, api.admin), 404);
    }

    // ---- partners ---------------------------------------------------------------------------------

    @Test
    void aPartnerTokenIsShownOnceAndNeverReadBack() throws Exception {
        String name = api.unique("partner");
        HttpResponse<String> created = api.put("/v1/partners/" + name, api.admin,
                new JsonObject().put("platforms", new JsonArray().add("video")));
        JsonObject body = json(created, 201);
        String token = body.getString("token");
        assertThat(token).hasSizeGreaterThanOrEqualTo(32);
        assertThat(body.getJsonArray("platforms")).containsExactly("video");
        assertThat(created.headers().firstValue("Location")).hasValue("/v1/partners/" + name);

        String hash = org.hubdns.api.Tokens.sha256(token);
        HttpResponse<String> read = api.get("/v1/partners/" + name, api.admin);
        JsonObject r = json(read, 200);
        assertThat(r.fieldNames()).containsExactlyInAnyOrder("name", "platforms", "prefixes", "allowSpecial",
                "maxNodes");
        assertThat(read.body()).doesNotContain(token).doesNotContain(hash);
        HttpResponse<String> list = api.get("/v1/partners", api.admin);
        assertThat(jsonArray(list).stream().map(o -> ((JsonObject) o).getString("name"))).contains(name, "demo");
        assertThat(list.body()).doesNotContain(token).doesNotContain(hash).doesNotContainIgnoringCase("sha256")
                .doesNotContain("\"token\"");

        // replacing it keeps the token and does not show it again
        HttpResponse<String> replaced = api.put("/v1/partners/" + name, api.admin,
                new JsonObject().put("platforms", new JsonArray()));
        JsonObject rep = json(replaced, 200);
        assertThat(rep.containsKey("token")).isFalse();
        assertThat(rep.getJsonArray("platforms")).isEmpty();
        assertThat(api.get("/v1/nodes", token).statusCode()).isEqualTo(200);
        // the partner may read itself, never the token
        HttpResponse<String> self = api.get("/v1/partners/" + name, token);
        assertThat(json(self, 200).fieldNames()).containsExactlyInAnyOrder("name", "platforms", "prefixes",
                "allowSpecial", "maxNodes");
    }

    @Test
    void rotatingAPartnerTokenStopsTheOldOneAtOnce() throws Exception {
        String name = api.unique("partner");
        String old = api.createPartner(name, "video");
        assertThat(api.get("/v1/nodes", old).statusCode()).isEqualTo(200);

        JsonObject rotated = json(api.post("/v1/partners/" + name + "/token", api.admin, null), 200);
        String fresh = rotated.getString("token");
        assertThat(fresh).isNotBlank().isNotEqualTo(old);

        HttpResponse<String> withOld = api.get("/v1/nodes", old);
        problem(withOld, 401);
        assertThat(withOld.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h ->
                assertThat(h).startsWith("Bearer").contains("invalid_token"));
        assertThat(api.get("/v1/nodes", fresh).statusCode()).isEqualTo(200);
        assertThat(api.get("/v1/partners/" + name, api.admin).body()).doesNotContain(fresh);

        problem(api.post("/v1/partners/" + api.unique("nobody") + "/token", api.admin, null), 404);
        problem(api.post("/v1/partners/" + name + "/token", fresh, null), 403);
    }

    /** Rotation and deletion revoke a token for the very next request, every time (no stale cache). */
    @Test
    void aRevokedTokenIsRefusedOnTheVeryNextRequest() throws Exception {
        int accepted = 0;
        for (int i = 0; i < 20; i++) {
            String name = api.unique("rot");
            String old = api.createPartner(name, "video");
            assertThat(api.get("/v1/nodes", old).statusCode()).isEqualTo(200); // warm: the view knows it
            assertThat(api.post("/v1/partners/" + name + "/token", api.admin, null).statusCode()).isEqualTo(200);
            if (api.get("/v1/nodes", old).statusCode() != 401) {
                accepted++;
            }
            String gone = api.unique("del");
            String t = api.createPartner(gone, "video");
            assertThat(api.get("/v1/nodes", t).statusCode()).isEqualTo(200);
            assertThat(api.delete("/v1/partners/" + gone, api.admin).statusCode()).isEqualTo(204);
            if (api.get("/v1/nodes", t).statusCode() != 401) {
                accepted++;
            }
        }
        assertThat(accepted).as("requests accepted with a token revoked just before").isZero();
    }

    @Test
    void aPartnerForAnUnknownPlatformIs422() throws Exception {
        String name = api.unique("partner");
        problem(api.put("/v1/partners/" + name, api.admin,
                new JsonObject().put("platforms", new JsonArray().add("video").add("nope"))), 422, "platforms[1]");
        problem(api.get("/v1/partners/" + name, api.admin), 404);
        problem(api.put("/v1/partners/" + name, api.admin, new JsonObject().put("platforms", "video")), 400,
                "platforms");
        problem(api.put("/v1/partners/" + name, api.admin, new JsonObject()), 400, "platforms");
        problem(api.put("/v1/partners/Bad_Name", api.admin,
                new JsonObject().put("platforms", new JsonArray())), 400, "name");
    }

    @Test
    void aDeletedPartnersTokenIsRefused() throws Exception {
        String name = api.unique("partner");
        String token = api.createPartner(name, "video");
        assertThat(api.delete("/v1/partners/" + name, api.admin).statusCode()).isEqualTo(204);
        problem(api.get("/v1/nodes", token), 401);
        problem(api.get("/v1/partners/" + name, api.admin), 404);
        problem(api.delete("/v1/partners/" + name, api.admin), 404);
    }

    // ---- deleting what is still used --------------------------------------------------------------

    @Test
    void deletingASitePlatformOrPartnerWithNodesIs409() throws Exception {
        String site = api.unique("site");
        api.createSite(site);
        String plat = api.unique("plat");
        api.createPlatform(plat);
        String partner = api.unique("partner");
        String token = api.createPartner(partner, plat);
        String id = api.register(token, node(plat, site, 10, "192.0.2.200")).getString("id");

        problem(api.delete("/v1/sites/" + site, api.admin), 409);
        problem(api.delete("/v1/platforms/" + plat, api.admin), 409);
        problem(api.delete("/v1/partners/" + partner, api.admin), 409);
        assertThat(api.get("/v1/sites/" + site, api.admin).statusCode()).isEqualTo(200);
        assertThat(api.get("/v1/platforms/" + plat, api.admin).statusCode()).isEqualTo(200);
        assertThat(api.get("/v1/partners/" + partner, api.admin).statusCode()).isEqualTo(200);
        assertThat(api.get("/v1/nodes/" + id, token).statusCode()).isEqualTo(200);
        // the demo's too
        problem(api.delete("/v1/sites/khi", api.admin), 409);
        problem(api.delete("/v1/platforms/video", api.admin), 409);
        problem(api.delete("/v1/partners/demo", api.admin), 409);

        assertThat(api.delete("/v1/nodes/" + id, token).statusCode()).isEqualTo(204);
        assertThat(api.delete("/v1/partners/" + partner, api.admin).statusCode()).isEqualTo(204);
        assertThat(api.delete("/v1/platforms/" + plat, api.admin).statusCode()).isEqualTo(204);
        assertThat(api.delete("/v1/sites/" + site, api.admin).statusCode()).isEqualTo(204);
    }
}
