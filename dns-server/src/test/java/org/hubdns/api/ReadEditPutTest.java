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
 * The read-edit-PUT cycle over real HTTP for every resource a PUT replaces: GET it, change one field
 * in what came back, PUT the whole object (with {@code If-Match} where PUT honours it) and get 200
 * with the change applied. What GET adds and PUT does not write (a name, a node's id, partner and
 * state) is accepted unchanged; a different identity is 422 naming the field and changes nothing.
 *
 * <p>Nodes are registered by the demo partner on 10.77.0.0/16 addresses (the demo partner's range).
 */
class ReadEditPutTest extends DemoMemberTest {
    /** PUT of {@code body} at {@code path}, with If-Match when {@code etag} is given. */
    HttpResponse<String> putBack(String path, String token, JsonObject body, String etag) throws Exception {
        var req = api.request("PUT", path, token, Api.JSON, body.encode());
        return api.send(etag == null ? req : req.header("If-Match", etag));
    }

    /** A refused PUT: 422 naming {@code field}, and the resource as it was. */
    void refused(String path, String token, JsonObject body, String field) throws Exception {
        String before = api.get(path, token).body();
        JsonObject p = problem(putBack(path, token, body, null), 422, field);
        assertThat(p.getString("detail")).contains("'" + field + "'").contains("read-only");
        assertThat(api.get(path, token).body()).as("unchanged").isEqualTo(before);
    }

    @Test
    void aSiteReadEditedAndPutBack() throws Exception {
        String name = api.unique("rsite");
        api.createSite(name);
        String path = "/v1/sites/" + name;
        JsonObject read = json(api.get(path, api.admin), 200);
        assertThat(read.getString("name")).isEqualTo(name);

        JsonObject replaced = json(putBack(path, api.admin, read.copy().put("city", "Hyderabad"), null), 200);
        assertThat(replaced.getString("city")).isEqualTo("Hyderabad");
        assertThat(json(api.get(path, api.admin), 200)).isEqualTo(read.copy().put("city", "Hyderabad"));

        refused(path, api.admin, read.copy().put("name", "elsewhere"), "name");
        refused(path, api.admin, read.copy().put("name", 7), "name");
        // a name that matches also works when the PUT creates the resource
        String fresh = api.unique("rsite");
        assertThat(api.put("/v1/sites/" + fresh, api.admin, Api.site("Sukkur").put("name", fresh)).statusCode())
                .isEqualTo(201);
        // other unknown fields are still unknown
        problem(putBack(path, api.admin, read.copy().put("state", "x"), null), 400, "state");
    }

    @Test
    void aPlatformReadEditedAndPutBack() throws Exception {
        String name = api.unique("rplat");
        api.createPlatform(name);
        String path = "/v1/platforms/" + name;
        JsonObject read = json(api.get(path, api.admin), 200);
        assertThat(read.getString("name")).isEqualTo(name);

        JsonObject replaced = json(putBack(path, api.admin, read.copy().put("ttl", 45), null), 200);
        assertThat(replaced.getInteger("ttl")).isEqualTo(45);
        assertThat(json(api.get(path, api.admin), 200)).isEqualTo(read.copy().put("ttl", 45));

        refused(path, api.admin, read.copy().put("name", "video"), "name");
    }

    @Test
    void aPartnerReadEditedAndPutBackKeepsItsToken() throws Exception {
        String name = api.unique("rpart");
        String token = api.createPartner(name, "video");
        String other = api.unique("rplat");
        api.createPlatform(other);
        String path = "/v1/partners/" + name;
        JsonObject read = json(api.get(path, api.admin), 200);
        assertThat(read.getString("name")).isEqualTo(name);

        JsonObject edited = read.copy().put("platforms", new JsonArray().add("video").add(other));
        JsonObject replaced = json(putBack(path, api.admin, edited, null), 200);
        assertThat(replaced.getJsonArray("platforms")).containsExactly("video", other);
        assertThat(replaced.containsKey("token")).as("no new token on a replace").isFalse();
        assertThat(json(api.get(path, api.admin), 200).getJsonArray("platforms")).containsExactly("video", other);
        assertThat(json(api.get("/v1/whoami", token), 200).getJsonArray("platforms"))
                .as("the old token still works and sees the change").containsExactly("video", other);

        refused(path, api.admin, read.copy().put("name", "demo"), "name");
    }

    @Test
    void aNodeReadEditedAndPutBackWithIfMatchByItsPartnerAndByTheOperator() throws Exception {
        int n = api.next();
        String address = "10.77." + (n / 250) + "." + (n % 250 + 1);
        String id = api.register(api.demo, node("video", "isb", 7, address)).getString("id");
        String path = "/v1/nodes/" + id;
        try {
            HttpResponse<String> get = api.get(path, api.demo);
            JsonObject read = json(get, 200);
            assertThat(read.fieldNames()).contains("id", "partner", "state");
            String etag = get.headers().firstValue("ETag").orElseThrow();

            // the partner: every field as read, one changed
            HttpResponse<String> put = putBack(path, api.demo, read.copy().put("weight", 8), etag);
            JsonObject replaced = json(put, 200);
            assertThat(replaced.getInteger("weight")).isEqualTo(8);
            assertThat(replaced.getString("id")).isEqualTo(id);
            assertThat(replaced.getString("partner")).isEqualTo("demo");
            String etag2 = put.headers().firstValue("ETag").orElseThrow();
            assertThat(etag2).isNotEqualTo(etag);
            // the stale ETag still loses
            problem(putBack(path, api.demo, read.copy().put("weight", 9), etag), 412);

            // the operator, the same way; state is whatever the server computes, never written
            HttpResponse<String> get2 = api.get(path, api.admin);
            JsonObject read2 = json(get2, 200);
            JsonObject edited = read2.copy().put("site", "khi")
                    .put("state", new JsonObject().put("admin", "draining").put("health", "down"));
            JsonObject moved = json(putBack(path, api.admin, edited, get2.headers().firstValue("ETag").orElseThrow()),
                    200);
            assertThat(moved.getString("site")).isEqualTo("khi");
            assertThat(moved.getJsonObject("state").getString("admin")).as("state is not written").isEqualTo("active");
            assertThat(json(api.get(path, api.demo), 200).getInteger("weight")).isEqualTo(8);

            JsonObject now = json(api.get(path, api.demo), 200);
            refused(path, api.demo, now.copy().put("id", "n-0000000000000000"), "id");
            refused(path, api.demo, now.copy().put("partner", "someone-else"), "partner");
            refused(path, api.admin, now.copy().put("partner", "someone-else"), "partner");
            // If-Match is checked first: a stale ETag is 412 whatever the body says
            problem(putBack(path, api.demo, now.copy().put("id", "n-1"), "\"0\""), 412);
        } finally {
            api.delete(path, api.demo);
        }
    }
}
