package org.hubdns.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.api.Api.clientProblem;
import static org.hubdns.api.Api.node;
import static org.hubdns.api.Api.problem;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kind of bad request to the node routes: each is a problem+json with the right status and,
 * where one field is at fault, that field; and after each, nothing changed (the partner's node list
 * and an existing node read the same as before).
 */
class BadInputTest extends DemoMemberTest {
    static String token;
    static String nodeId;
    static final String VALID = node("video", "isb", 5, "192.0.2.9").encode();

    String listBefore;
    String nodeBefore;

    @BeforeAll
    static void seed() throws Exception {
        token = api.createPartner("bad-input", "video");
        nodeId = api.register(token, node("video", "isb", 5, "192.0.2.8")).getString("id");
    }

    @BeforeEach
    void remember() throws Exception {
        listBefore = api.get("/v1/nodes", token).body();
        nodeBefore = api.get("/v1/nodes/" + nodeId, token).body();
    }

    /** The rejected write changed nothing: neither a POST nor a PUT. */
    void unchanged() throws Exception {
        assertThat(api.get("/v1/nodes", token).body()).isEqualTo(listBefore);
        assertThat(api.get("/v1/nodes/" + nodeId, token).body()).isEqualTo(nodeBefore);
    }

    HttpResponse<String> post(String body) throws Exception {
        return api.send("POST", "/v1/nodes", token, Api.JSON, body);
    }

    HttpResponse<String> put(String body) throws Exception {
        return api.send("PUT", "/v1/nodes/" + nodeId, token, Api.JSON, body);
    }

    // ---- not a JSON object ------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"{\"platform\":", "{platform: 'video'}", "{\"a\":1}}", "", "[]",
        "[{\"platform\":\"video\"}]", "\"video\"", "42", "null", "true"})
    void aBodyThatIsNotAJsonObjectIs400(String body) throws Exception {
        problem(post(body), 400);
        problem(put(body), 400);
        unchanged();
    }

    // ---- fields -----------------------------------------------------------------------------------

    static Stream<Arguments> badFields() {
        return Stream.of(
                // unknown fields, top level and nested
                Arguments.of(node("video", "isb", 5, "192.0.2.9").put("colour", "red"), 400, "colour"),
                Arguments.of(node("video", "isb", 5, "192.0.2.9").put("check",
                        new JsonObject().put("type", "none").put("colour", 1)), 400, "check.colour"),
                // wrong types
                Arguments.of(node("video", "isb", 5, "192.0.2.9").put("weight", "100"), 400, "weight"),
                Arguments.of(node("video", "isb", 5, "192.0.2.9").put("weight", 1.5), 400, "weight"),
                Arguments.of(node("video", "isb", 5, "192.0.2.9").put("weight", true), 400, "weight"),
                Arguments.of(node("video", "isb", 5, "192.0.2.9").put("platform", 7), 400, "platform"),
                Arguments.of(node("video", "isb", 5, "192.0.2.9").put("addresses", "192.0.2.9"), 400, "addresses"),
                Arguments.of(node("video", "isb", 5, "192.0.2.9").put("addresses", new JsonArray().add(1)), 400,
                        "addresses[0]"),
                Arguments.of(node("video", "isb", 5, "192.0.2.9").put("check", "none"), 400, "check"),
                // missing
                Arguments.of(new JsonObject().put("site", "isb").put("addresses", new JsonArray().add("192.0.2.9")),
                        400, "platform"),
                Arguments.of(node("video", "isb", 5, "192.0.2.9").putNull("addresses"), 400, "addresses"),
                // out of range
                Arguments.of(node("video", "isb", 0, "192.0.2.9"), 422, "weight"),
                Arguments.of(node("video", "isb", 1001, "192.0.2.9"), 422, "weight"),
                Arguments.of(node("video", "isb", -1, "192.0.2.9"), 422, "weight"),
                Arguments.of(node("video", "isb", 5), 422, "addresses"),
                Arguments.of(node("video", "isb", 5, "192.0.2.9", "192.0.2.9"), 422, "addresses[1]"),
                Arguments.of(node("video", "isb", 5, "192.0.2.9", "224.0.0.1"), 422, "addresses[1]"),
                // checks
                Arguments.of(node("video", "isb", 5, "192.0.2.9").put("check", new JsonObject().put("type", "ping")),
                        422, "check.type"),
                Arguments.of(node("video", "isb", 5, "192.0.2.9").put("check", new JsonObject().put("type", "http")),
                        400, "check.port"),
                Arguments.of(node("video", "isb", 5, "192.0.2.9").put("check", new JsonObject().put("type", "tcp")),
                        400, "check.port"),
                Arguments.of(node("video", "isb", 5, "192.0.2.9").put("check",
                        new JsonObject().put("type", "http").put("port", 0)), 422, "check.port"),
                Arguments.of(node("video", "isb", 5, "192.0.2.9").put("check",
                        new JsonObject().put("type", "http").put("port", 65536)), 422, "check.port"),
                Arguments.of(node("video", "isb", 5, "192.0.2.9").put("check",
                        new JsonObject().put("type", "http").put("port", 8080).put("path", "health")), 422,
                        "check.path"),
                Arguments.of(node("video", "isb", 5, "192.0.2.9").put("check",
                        new JsonObject().put("type", "tcp").put("port", 8080).put("path", "/")), 400, "check.path"),
                Arguments.of(node("video", "isb", 5, "192.0.2.9").put("check",
                        new JsonObject().put("type", "none").put("port", 8080)), 400, "check.type"),
                Arguments.of(node("video", "isb", 5, "192.0.2.9").put("check", new JsonObject().put("type", "tcp")
                        .put("port", 8080).put("intervalMs", 500).put("timeoutMs", 500)), 422, "check.timeoutMs"));
    }

    @ParameterizedTest
    @MethodSource("badFields")
    void aBadFieldIsNamed(JsonObject body, int status, String field) throws Exception {
        problem(post(body.encode()), status, field);
        problem(put(body.encode()), status, field);
        unchanged();
    }

    /** What GET adds is unknown to a POST; a PUT takes it back only unchanged (ReadEditPutTest: the whole cycle). */
    @Test
    void readOnlyFieldsAreUnknownToPostAndCheckedByPut() throws Exception {
        problem(post(node("video", "isb", 5, "192.0.2.9").put("id", "n-1").encode()), 400, "id");
        problem(post(node("video", "isb", 5, "192.0.2.9").put("state", new JsonObject()).encode()), 400, "state");
        problem(put(node("video", "isb", 5, "192.0.2.9").put("id", "n-1").encode()), 422, "id");
        problem(put(node("video", "isb", 5, "192.0.2.9").put("partner", "demo").encode()), 422, "partner");
        unchanged();
    }

    @ParameterizedTest
    @ValueSource(strings = {"999.1.1.1", "example.com", "224.0.0.1", "239.255.255.250", "0.0.0.0", "0.1.2.3",
        "255.255.255.255", "ff02::1", "::", "192.0.2.1/24", "fe80::1%eth0", "", " ",
        "::ffff:224.0.0.1", "::ffff:0.0.0.0", "::ffff:255.255.255.255"})
    void aBadAddressIsNamed(String address) throws Exception {
        JsonObject body = node("video", "isb", 5, address);
        clientProblem(post(body.encode()), "addresses[0]");
        clientProblem(put(body.encode()), "addresses[0]");
        unchanged();
    }

    @Test
    void goodEdgeValuesAreAccepted() throws Exception {
        JsonObject n = api.register(token, node("video", "isb", 1, "127.0.0.2", "::1"));
        assertThat(n.getJsonArray("addresses")).containsExactly("127.0.0.2", "::1");
        JsonObject m = api.register(token, node("video", "isb", 1000, "127.0.0.254").put("check",
                new JsonObject().put("type", "http").put("port", 65535)));
        assertThat(m.getJsonObject("check").getString("path")).isEqualTo("/");
        // nothing listens there: unknown until the first probe, then down
        assertThat(m.getJsonObject("state").getString("health")).isIn("unknown", "down");
        api.delete("/v1/nodes/" + n.getString("id"), token);
        api.delete("/v1/nodes/" + m.getString("id"), token);
        unchanged();
    }

    // ---- media type, size, token ------------------------------------------------------------------

    @Test
    void aJsonRouteWantsJson() throws Exception {
        for (String ct : new String[] {null, "text/plain", "application/x-www-form-urlencoded", "text/json"}) {
            HttpResponse<String> r = api.send("POST", "/v1/nodes", token, ct, VALID);
            problem(r, 415);
            problem(api.send("PUT", "/v1/nodes/" + nodeId, token, ct, VALID), 415);
            problem(api.send("PUT", "/v1/sites/isb", api.admin, ct, Api.site("X").encode()), 415);
        }
        unchanged();
        assertThat(api.get("/v1/sites/isb", api.admin).body()).contains("Islamabad");
        // parameters and case do not matter
        HttpResponse<String> ok = api.send("POST", "/v1/nodes", token, "Application/JSON; charset=utf-8", VALID);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
        api.delete("/v1/nodes/" + new JsonObject(ok.body()).getString("id"), token);
    }

    @Test
    void aBodyOverOneMebibyteIs413() throws Exception {
        String padding = "x".repeat((1 << 20) + 10);
        String big = node("video", "isb", 5, "192.0.2.9").put("pad", padding).encode();
        problem(post(big), 413);
        problem(put(big), 413);
        // also when sent without a Content-Length (chunked)
        HttpResponse<String> chunked = api.send(HttpRequest.newBuilder(api.uri("/v1/nodes"))
                .header("Authorization", "Bearer " + token).header("Content-Type", Api.JSON)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() ->
                        new java.io.ByteArrayInputStream(big.getBytes(java.nio.charset.StandardCharsets.UTF_8)))));
        problem(chunked, 413);
        unchanged();
    }

    @Test
    void aMissingOrWrongTokenIs401WithAChallenge() throws Exception {
        for (String t : new String[] {null, "", "not-a-token-at-all-0123456789"}) {
            HttpResponse<String> r = api.send("POST", "/v1/nodes", t, Api.JSON, VALID);
            problem(r, 401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h ->
                    assertThat(h).startsWithIgnoringCase("Bearer"));
            problem(api.get("/v1/nodes", t), 401);
            problem(api.delete("/v1/nodes/" + nodeId, t), 401);
            problem(api.post("/v1/nodes/" + nodeId + "/drain", t, null), 401);
        }
        HttpResponse<String> basic = api.send(api.request("GET", "/v1/nodes", null, null, null)
                .header("Authorization", "Basic dXNlcjpwYXNz"));
        problem(basic, 401);
        assertThat(basic.headers().firstValue("WWW-Authenticate")).isPresent();
        unchanged();
    }

    @Test
    void unknownPathsAre404AndWrongMethods405WithAllow() throws Exception {
        problem(api.get("/v1/nodez", token), 404);
        problem(api.get("/v1/nodes/" + nodeId + "/more", token), 404);
        problem(api.post("/v1/nodes/" + nodeId + "/pause", token, null), 404);
        problem(api.get("/v1/nodes/n-does-not-exist", token), 404);

        HttpResponse<String> patch = api.send("PATCH", "/v1/nodes/" + nodeId, token, Api.JSON, VALID);
        problem(patch, 405);
        assertThat(patch.headers().firstValue("Allow")).hasValue("DELETE, GET, PUT");
        HttpResponse<String> deleteAll = api.delete("/v1/nodes", token);
        problem(deleteAll, 405);
        assertThat(deleteAll.headers().firstValue("Allow")).hasValue("GET, POST");
        HttpResponse<String> getDrain = api.get("/v1/nodes/" + nodeId + "/drain", token);
        problem(getDrain, 405);
        assertThat(getDrain.headers().firstValue("Allow")).hasValue("POST");
        HttpResponse<String> postSite = api.post("/v1/sites/isb", api.admin, Api.site("X"));
        problem(postSite, 405);
        assertThat(postSite.headers().firstValue("Allow")).hasValue("DELETE, GET, PUT");
        unchanged();
    }
}
