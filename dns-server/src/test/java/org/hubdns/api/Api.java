package org.hubdns.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.hubdns.server.RunningServer;
import org.hubdns.testsupport.ApiClient;
import org.hubdns.testsupport.Await;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * One demo member ({@link RunningServer#demo()}) and an HTTP client for the partner/operator API:
 * the admin and demo-partner tokens, request shortcuts, problem+json assertions, DNS look-ups and
 * bounded polling for propagation. Every test class starts its own in {@code @BeforeAll}.
 */
final class Api implements AutoCloseable {
    /** How long a registry change may take to reach this member's DNS snapshot (the README: at once). */
    static final Duration PROPAGATION = Duration.ofSeconds(1);
    static final String JSON = "application/json";

    final RunningServer server;
    final ApiClient client;
    final String admin;
    final String demo;
    private final AtomicInteger seq = new AtomicInteger();

    private Api(RunningServer server) throws Exception {
        this.server = server;
        this.client = ApiClient.local(server.httpPort(), Duration.ofSeconds(30));
        this.admin = server.adminToken();
        this.demo = server.demoPartnerToken();
    }

    static Api start() throws Exception {
        return new Api(RunningServer.demo());
    }

    @Override
    public void close() {
        server.close();
    }

    /** A fresh resource name for this server: {@code prefix-N}. */
    String unique(String prefix) {
        return prefix + "-" + seq.incrementAndGet();
    }

    int next() {
        return seq.incrementAndGet();
    }

    URI uri(String path) {
        return client.uri(path);
    }

    // ---- HTTP -------------------------------------------------------------------------------------

    HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return client.send(b.timeout(Duration.ofSeconds(30)));
    }

    HttpRequest.Builder request(String method, String path, String token, String contentType, String body) {
        return client.request(method, path, token, contentType, body);
    }

    HttpResponse<String> send(String method, String path, String token, String contentType, String body)
            throws Exception {
        return send(request(method, path, token, contentType, body));
    }

    HttpResponse<String> get(String path, String token) throws Exception {
        return send("GET", path, token, null, null);
    }

    HttpResponse<String> delete(String path, String token) throws Exception {
        return send("DELETE", path, token, null, null);
    }

    HttpResponse<String> put(String path, String token, Object json) throws Exception {
        return send("PUT", path, token, JSON, json.toString());
    }

    HttpResponse<String> post(String path, String token, Object json) throws Exception {
        return send("POST", path, token, json == null ? null : JSON, json == null ? null : json.toString());
    }

    static String contentType(HttpResponse<?> r) {
        return ApiClient.contentType(r);
    }

    static JsonObject json(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(contentType(r)).startsWith("application/json");
        return new JsonObject(r.body());
    }

    static JsonArray jsonArray(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(contentType(r)).startsWith("application/json");
        return new JsonArray(r.body());
    }

    /** RFC 9457: status, the media type, and the members type, title, status and detail. */
    static JsonObject problem(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(contentType(r)).as("Content-Type of a %s", status).startsWith("application/problem+json");
        JsonObject p = new JsonObject(r.body());
        assertThat(p.getInteger("status")).isEqualTo(status);
        assertThat(p.getString("title")).isNotBlank();
        assertThat(p.getString("detail")).isNotBlank();
        return p;
    }

    /** A problem blaming {@code field}. */
    static JsonObject problem(HttpResponse<String> r, int status, String field) {
        JsonObject p = problem(r, status);
        assertThat(p.getString("field")).as("field of %s", r.body()).isEqualTo(field);
        return p;
    }

    /** A 4xx problem blaming {@code field} (for checks where 400 and 422 are both defensible). */
    static JsonObject clientProblem(HttpResponse<String> r, String field) {
        assertThat(r.statusCode()).as(r.body()).isBetween(400, 499);
        return problem(r, r.statusCode(), field);
    }

    // ---- fixtures ---------------------------------------------------------------------------------

    static JsonObject site(String city) {
        return new JsonObject().put("city", city).put("country", "PK").put("lat", 24.86).put("lon", 67.01);
    }

    static JsonObject platform(String... hostnames) {
        return new JsonObject().put("hostnames", new JsonArray(List.of((Object[]) hostnames))).put("ttl", 30)
                .put("answers", 2).put("fallback", new JsonObject().put("cname", "video.origin.example."));
    }

    static JsonObject node(String platform, String site, int weight, String... addresses) {
        return new JsonObject().put("platform", platform).put("site", site)
                .put("addresses", new JsonArray(List.of((Object[]) addresses))).put("weight", weight)
                .put("check", new JsonObject().put("type", "none"));
    }

    void createSite(String name) throws Exception {
        assertThat(put("/v1/sites/" + name, admin, site("Test " + name)).statusCode()).isEqualTo(201);
    }

    /** A new platform with one hostname in the demo zone; returns the hostname (no trailing dot). */
    String createPlatform(String name) throws Exception {
        String host = name + ".pk-hub.example";
        HttpResponse<String> r = put("/v1/platforms/" + name, admin, platform(host));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return host;
    }

    /**
     * The special-purpose ranges the tests' nodes use (loopback stand-ins, documentation addresses):
     * a partner may register them only when the operator allows them ({@code allowSpecial}).
     */
    static final List<String> TEST_RANGES = List.of("127.0.0.0/8", "::1/128", "192.0.2.0/24", "198.51.100.0/24",
            "203.0.113.0/24", "2001:db8::/32");

    /** A new partner for {@code platforms}, allowed {@link #TEST_RANGES}; returns its token. */
    String createPartner(String name, String... platforms) throws Exception {
        HttpResponse<String> r = put("/v1/partners/" + name, admin,
                new JsonObject().put("platforms", new JsonArray(List.of((Object[]) platforms)))
                        .put("allowSpecial", new JsonArray(TEST_RANGES)));
        JsonObject body = json(r, 201);
        assertThat(body.getString("token")).isNotBlank();
        return body.getString("token");
    }

    /** Registers a node (201 asserted) and returns its JSON. */
    JsonObject register(String token, JsonObject node) throws Exception {
        return json(post("/v1/nodes", token, node), 201);
    }

    JsonArray nodes(String token) throws Exception {
        return jsonArray(get("/v1/nodes", token));
    }

    // ---- DNS --------------------------------------------------------------------------------------

    List<String> a(String name, boolean tcp) throws Exception {
        Message m = server.ask(name.endsWith(".") ? name : name + ".", Type.A, tcp);
        return m.getSection(Section.ANSWER).stream().filter(r -> r instanceof ARecord)
                .map(r -> ((ARecord) r).getAddress().getHostAddress()).collect(Collectors.toList());
    }

    List<String> aaaa(String name, boolean tcp) throws Exception {
        Message m = server.ask(name.endsWith(".") ? name : name + ".", Type.AAAA, tcp);
        return m.getSection(Section.ANSWER).stream().filter(r -> r instanceof AAAARecord)
                .map(r -> io.netty.util.NetUtil.toAddressString(((AAAARecord) r).getAddress()))
                .collect(Collectors.toList());
    }

    int rcode(String name, int type, boolean tcp) throws Exception {
        return server.ask(name.endsWith(".") ? name : name + ".", type, tcp).getRcode();
    }

    /** Polls {@code condition} until it holds, for at most {@link #PROPAGATION}; fails saying {@code what}. */
    static void await(String what, Callable<Boolean> condition) throws Exception {
        Await.until(PROPAGATION, what, condition);
    }
}
