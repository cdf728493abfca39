package org.hubdns.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.api.Api.json;
import static org.hubdns.api.Api.jsonArray;
import static org.hubdns.api.Api.problem;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.hubdns.cluster.model.Partner;
import org.hubdns.cluster.store.Kind;
import org.hubdns.testsupport.Await;
import org.junit.jupiter.api.Test;

/**
 * Partner and operator tokens over real HTTP against one demo member: several tokens per partner,
 * revocation, expiry, read-only operators, whoami, and partners stored by an older version (one
 * {@code tokenSha256}) still signing in.
 */
class TokensTest extends DemoMemberTest {

    private static JsonObject newToken(String partner, String caller, JsonObject body) throws Exception {
        HttpResponse<String> r = body == null ? api.post("/v1/partners/" + partner + "/tokens", caller, null)
                : api.post("/v1/partners/" + partner + "/tokens", caller, body);
        JsonObject t = json(r, 201);
        assertThat(t.getString("id")).matches("t-[0-9a-f]{12}");
        assertThat(t.getString("token")).hasSizeGreaterThan(40);
        assertThat(r.headers().firstValue("Location")).hasValue("/v1/partners/" + partner + "/tokens/" + t.getString("id"));
        return t;
    }

    @Test
    void aPartnerHoldsSeveralTokensAndRevokesOneAtOnce() throws Exception {
        String name = api.unique("multi");
        String first = api.createPartner(name);
        JsonObject second = newToken(name, api.admin, null);
        assertThat(second.containsKey("expiresAt")).isTrue();
        assertThat(second.getValue("expiresAt")).isNull();
        JsonObject third = newToken(name, first, new JsonObject()); // the partner itself

        for (String t : List.of(first, second.getString("token"), third.getString("token"))) {
            assertThat(json(api.get("/v1/whoami", t), 200).getString("partner")).isEqualTo(name);
        }
        assertThat(json(api.get("/v1/whoami", second.getString("token")), 200).getString("tokenId"))
                .isEqualTo(second.getString("id"));

        HttpResponse<String> listed = api.get("/v1/partners/" + name + "/tokens", first);
        JsonArray list = jsonArray(listed);
        assertThat(list).hasSize(3);
        for (Object o : list) {
            JsonObject t = (JsonObject) o;
            assertThat(t.fieldNames()).containsExactlyInAnyOrder("id", "created", "expiresAt", "lastUsed");
            assertThat(Instant.parse(t.getString("created"))).isBefore(Instant.now().plusSeconds(1));
        }
        for (String secret : List.of(first, second.getString("token"), Tokens.sha256(first),
                Tokens.sha256(second.getString("token")))) {
            assertThat(listed.body()).doesNotContain(secret);
        }
        // lastUsed: recorded off the request path, without a cluster write per request
        Await.until(Duration.ofSeconds(5), "lastUsed of " + second.getString("id"), () ->
                jsonArray(api.get("/v1/partners/" + name + "/tokens", api.admin)).stream()
                        .map(JsonObject.class::cast).filter(t -> t.getString("id").equals(second.getString("id")))
                        .anyMatch(t -> t.getString("lastUsed") != null));

        assertThat(api.delete("/v1/partners/" + name + "/tokens/" + second.getString("id"), first).statusCode())
                .isEqualTo(204);
        JsonObject p = problem(api.get("/v1/whoami", second.getString("token")), 401);
        assertThat(p.getString("detail")).contains("revoked");
        assertThat(json(api.get("/v1/whoami", first), 200).getString("partner")).isEqualTo(name);
        assertThat(json(api.get("/v1/whoami", third.getString("token")), 200).getString("partner")).isEqualTo(name);
        problem(api.delete("/v1/partners/" + name + "/tokens/" + second.getString("id"), api.admin), 404);
        assertThat(jsonArray(api.get("/v1/partners/" + name + "/tokens", api.admin))).hasSize(2);

        // the old route keeps its meaning: replace all of them with one
        JsonObject rotated = json(api.post("/v1/partners/" + name + "/token", api.admin, null), 200);
        problem(api.get("/v1/whoami", first), 401);
        problem(api.get("/v1/whoami", third.getString("token")), 401);
        assertThat(json(api.get("/v1/whoami", rotated.getString("token")), 200).getString("tokenId"))
                .isEqualTo(rotated.getString("id"));
        assertThat(jsonArray(api.get("/v1/partners/" + name + "/tokens", api.admin))).hasSize(1);
    }

    @Test
    void aPartnerManagesOnlyItsOwnTokens() throws Exception {
        String a = api.unique("own-a");
        String b = api.unique("own-b");
        String ta = api.createPartner(a);
        api.createPartner(b);
        problem(api.post("/v1/partners/" + b + "/tokens", ta, null), 404);
        problem(api.get("/v1/partners/" + b + "/tokens", ta), 404);
        String bId = jsonArray(api.get("/v1/partners/" + b + "/tokens", api.admin)).getJsonObject(0).getString("id");
        problem(api.delete("/v1/partners/" + b + "/tokens/" + bId, ta), 404);
        problem(api.post("/v1/partners/nobody-here/tokens", api.admin, null), 404);
        problem(api.post("/v1/operators/tokens", ta, new JsonObject().put("name", "x").put("role", "admin")), 403);
        problem(api.get("/v1/operators/tokens", ta), 403);
    }

    @Test
    void anExpiredTokenIs401() throws Exception {
        String name = api.unique("exp");
        api.createPartner(name);
        Instant at = Instant.now().plusSeconds(2);
        JsonObject t = newToken(name, api.admin, new JsonObject().put("expiresAt", at.toString()));
        assertThat(Instant.parse(t.getString("expiresAt"))).isEqualTo(Instant.ofEpochMilli(at.toEpochMilli()));
        assertThat(json(api.get("/v1/whoami", t.getString("token")), 200).getString("partner")).isEqualTo(name);
        Await.until(Duration.ofSeconds(10), "token past its expiresAt refused",
                () -> api.get("/v1/whoami", t.getString("token")).statusCode() == 401);
        JsonObject p = problem(api.get("/v1/nodes", t.getString("token")), 401);
        assertThat(p.getString("detail")).contains("expired");

        Api.problem(api.post("/v1/partners/" + name + "/tokens", api.admin,
                new JsonObject().put("expiresAt", "2001-01-01T00:00:00Z")), 422, "expiresAt");
        Api.problem(api.post("/v1/partners/" + name + "/tokens", api.admin,
                new JsonObject().put("expiresAt", "tomorrow")), 400, "expiresAt");
        Api.problem(api.post("/v1/partners/" + name + "/tokens", api.admin,
                new JsonObject().put("expires", "2030-01-01T00:00:00Z")), 400, "expires");
        Api.problem(api.send("POST", "/v1/partners/" + name + "/tokens", api.admin, "text/plain", "x"), 415);

        // an operator token expires too
        JsonObject op = json(api.post("/v1/operators/tokens", api.admin, new JsonObject().put("name", "soon")
                .put("role", "read-only").put("expiresAt", Instant.now().plusSeconds(1).toString())), 201);
        Await.until(Duration.ofSeconds(10), "operator token past its expiresAt refused",
                () -> api.get("/v1/sites", op.getString("token")).statusCode() == 401);
    }

    @Test
    void aReadOnlyOperatorReadsEverythingAndChangesNothing() throws Exception {
        HttpResponse<String> made = api.post("/v1/operators/tokens", api.admin,
                new JsonObject().put("name", "noc").put("role", "read-only"));
        JsonObject noc = json(made, 201);
        assertThat(noc.getString("id")).matches("t-[0-9a-f]{12}");
        String token = noc.getString("token");
        assertThat(json(api.get("/v1/whoami", token), 200)).isEqualTo(new JsonObject().put("role", "read-only")
                .put("tokenId", noc.getString("id")).put("name", "noc"));

        for (String path : List.of("/v1/partners", "/v1/partners/demo", "/v1/sites", "/v1/platforms", "/v1/nodes",
                "/v1/operators/tokens", "/v1/partners/demo/tokens", "/v1/audit", "/v1/geoip", "/v1/coverage-zones")) {
            assertThat(api.get(path, token).statusCode()).as("GET " + path).isEqualTo(200);
        }
        JsonObject refused = problem(api.put("/v1/sites/" + api.unique("ro"), token, Api.site("Quetta")), 403);
        assertThat(refused.getString("detail")).contains("read-only");
        problem(api.delete("/v1/partners/demo", token), 403);
        problem(api.post("/v1/partners/demo/token", token, null), 403);
        problem(api.post("/v1/partners/demo/tokens", token, null), 403);
        problem(api.post("/v1/operators/tokens", token, new JsonObject().put("name", "x").put("role", "admin")), 403);
        problem(api.delete("/v1/operators/tokens/" + noc.getString("id"), token), 403);
        problem(api.post("/v1/zones/reload", token, null), 403);
        problem(api.send("PUT", "/v1/geoip", token, "application/octet-stream", "x"), 403);
        problem(api.send("PUT", "/v1/coverage-zones", token, "application/json", "[]"), 403);

        // an admin-role token writes and manages operator tokens
        JsonObject ops = json(api.post("/v1/operators/tokens", api.admin,
                new JsonObject().put("name", "deploy").put("role", "admin")), 201);
        String site = api.unique("rw");
        assertThat(api.put("/v1/sites/" + site, ops.getString("token"), Api.site("Quetta")).statusCode()).isEqualTo(201);
        JsonObject another = json(api.post("/v1/operators/tokens", ops.getString("token"),
                new JsonObject().put("name", "script").put("role", "read-only")), 201);

        HttpResponse<String> listed = api.get("/v1/operators/tokens", token);
        JsonArray list = jsonArray(listed);
        assertThat(list.stream().map(o -> ((JsonObject) o).getString("id")))
                .contains(noc.getString("id"), ops.getString("id"), another.getString("id"));
        for (Object o : list) {
            assertThat(((JsonObject) o).fieldNames()).containsExactlyInAnyOrder("id", "name", "role", "created",
                    "expiresAt", "lastUsed");
        }
        assertThat(listed.body()).doesNotContain(token).doesNotContain(Tokens.sha256(token));

        assertThat(api.delete("/v1/operators/tokens/" + another.getString("id"), ops.getString("token")).statusCode())
                .isEqualTo(204);
        problem(api.get("/v1/sites", another.getString("token")), 401);
        problem(api.delete("/v1/operators/tokens/" + another.getString("id"), api.admin), 404);
    }

    @Test
    void badOperatorTokenRequestsAre4xx() throws Exception {
        Api.problem(api.post("/v1/operators/tokens", api.admin, new JsonObject().put("name", "x").put("role", "root")),
                422, "role");
        Api.problem(api.post("/v1/operators/tokens", api.admin, new JsonObject().put("role", "admin")), 400, "name");
        Api.problem(api.post("/v1/operators/tokens", api.admin, new JsonObject().put("name", "Bad Name")
                .put("role", "admin")), 400, "name");
        Api.problem(api.post("/v1/operators/tokens", api.admin, new JsonObject().put("name", "x").put("role", "admin")
                .put("token", "mine")), 400, "token");
        problem(api.send("POST", "/v1/operators/tokens", api.admin, "application/json", "[1]"), 400);
        problem(api.post("/v1/operators/tokens", null, new JsonObject().put("name", "x").put("role", "admin")), 401);
    }

    @Test
    void aPartnerStoredByTheOlderVersionKeepsItsSingleToken() throws Exception {
        String name = api.unique("legacy");
        String old = Tokens.generate();
        // as the previous version stored it: one tokenSha256, no token list
        api.server.registry().put(Kind.PARTNERS, name, new Partner(name, List.of(), Tokens.sha256(old)));
        Await.until(Duration.ofSeconds(2), "legacy partner signs in",
                () -> api.get("/v1/whoami", old).statusCode() == 200);
        JsonObject who = json(api.get("/v1/whoami", old), 200);
        assertThat(who.getString("partner")).isEqualTo(name);
        assertThat(who.getString("tokenId")).isEqualTo(Partner.legacyId(Tokens.sha256(old)));

        JsonObject added = newToken(name, old, null);
        assertThat(json(api.get("/v1/whoami", old), 200).getString("partner")).isEqualTo(name);
        assertThat(json(api.get("/v1/whoami", added.getString("token")), 200).getString("partner")).isEqualTo(name);
        assertThat(jsonArray(api.get("/v1/partners/" + name + "/tokens", api.admin)).stream()
                .map(o -> ((JsonObject) o).getString("id"))).containsExactly(who.getString("tokenId"),
                added.getString("id"));

        assertThat(api.delete("/v1/partners/" + name + "/tokens/" + who.getString("tokenId"), api.admin).statusCode())
                .isEqualTo(204);
        problem(api.get("/v1/whoami", old), 401);
        assertThat(api.server.registry().read(Kind.PARTNERS, name, Partner.class).tokenSha256()).isNull();
    }
}
