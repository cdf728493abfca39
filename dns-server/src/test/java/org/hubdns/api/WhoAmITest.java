package org.hubdns.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.api.Api.json;
import static org.hubdns.api.Api.problem;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/whoami} over real HTTP: the admin token is the operator, a partner token names its
 * partner and platforms (as they are now, not as they were when the token was issued), and no or an
 * unknown token is 401 as on every other route.
 */
class WhoAmITest extends DemoMemberTest {
    @Test
    void theAdminTokenIsTheOperator() throws Exception {
        assertThat(json(api.get("/v1/whoami", api.admin), 200)).isEqualTo(new JsonObject().put("role", "admin"));
    }

    @Test
    void aPartnerTokenNamesItsPartnerAndPlatforms() throws Exception {
        JsonObject demo = json(api.get("/v1/whoami", api.demo), 200);
        assertThat(demo.getString("tokenId")).startsWith("t-");
        demo.remove("tokenId");
        assertThat(demo).isEqualTo(new JsonObject().put("role", "partner")
                .put("partner", "demo").put("platforms", new JsonArray().add("video")));

        String name = api.unique("who");
        String token = api.createPartner(name);
        assertThat(json(api.get("/v1/whoami", token), 200).getJsonArray("platforms")).isEmpty();
        String plat = api.unique("whop");
        api.createPlatform(plat);
        json(api.put("/v1/partners/" + name, api.admin, new JsonObject().put("platforms", new JsonArray().add(plat))),
                200);
        JsonObject mine = json(api.get("/v1/whoami", token), 200);
        mine.remove("tokenId");
        assertThat(mine).isEqualTo(new JsonObject().put("role", "partner")
                .put("partner", name).put("platforms", new JsonArray().add(plat)));

        // a rotated token is nobody
        String fresh = json(api.post("/v1/partners/" + name + "/token", api.admin, null), 200).getString("token");
        problem(api.get("/v1/whoami", token), 401);
        assertThat(json(api.get("/v1/whoami", fresh), 200).getString("partner")).isEqualTo(name);
    }

    @Test
    void noOrAnUnknownTokenIs401() throws Exception {
        HttpResponse<String> none = api.get("/v1/whoami", null);
        problem(none, 401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h)
                .startsWith("Bearer"));
        problem(api.get("/v1/whoami", "hubdns-not-a-token"), 401);
    }
}
