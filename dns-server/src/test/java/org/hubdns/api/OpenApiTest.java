package org.hubdns.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hubdns.server.RunningServer;
import org.hubdns.testsupport.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document over real HTTP, without a token: it is OpenAPI 3.1.0, and it describes
 * exactly the routes the running router serves, no more and no fewer. A route added without
 * documenting it (or a documented operation that is not routed) fails here.
 */
class OpenApiTest {
    static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
    static final Set<String> PUBLIC = Set.of("GET /v1/health", "GET /v1/openapi.json", "GET /v1/zones", "GET /metrics",
            "GET /", "GET /dashboard/app.js", "GET /dashboard/app.css", "GET /v1/dashboard");
    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.demo();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static JsonObject fetch() throws Exception {
        HttpResponse<String> r = ApiClient.local(server.httpPort(), Duration.ofSeconds(10)).get("/v1/openapi.json", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct)
                .startsWith("application/json"));
        return new JsonObject(r.body()); // throws DecodeException unless it is a JSON object
    }

    /** "METHOD /path" for every operation the document describes. */
    static Set<String> documented(JsonObject doc) {
        Set<String> out = new TreeSet<>();
        JsonObject paths = doc.getJsonObject("paths");
        for (String path : paths.fieldNames()) {
            JsonObject item = paths.getJsonObject(path);
            for (String m : METHODS) {
                if (item.containsKey(m)) {
                    out.add(m.toUpperCase(Locale.ROOT) + " " + path);
                }
            }
        }
        return out;
    }

    static JsonObject operation(JsonObject doc, String route) {
        String[] mp = route.split(" ", 2);
        return doc.getJsonObject("paths").getJsonObject(mp[1]).getJsonObject(mp[0].toLowerCase(Locale.ROOT));
    }

    /** Resolves a local "#/a/b" reference. */
    static Object resolve(JsonObject doc, String ref) {
        Object at = doc;
        for (String part : ref.substring(2).split("/")) {
            String key = part.replace("~1", "/").replace("~0", "~");
            at = at instanceof JsonObject o ? o.getValue(key) : null;
        }
        return at;
    }

    static JsonObject deref(JsonObject doc, JsonObject o) {
        return o.containsKey("$ref") ? (JsonObject) resolve(doc, o.getString("$ref")) : o;
    }

    static void collectRefs(Object node, List<String> refs) {
        if (node instanceof JsonObject o) {
            for (String k : o.fieldNames()) {
                if (k.equals("$ref") && o.getValue(k) instanceof String s) {
                    refs.add(s);
                } else {
                    collectRefs(o.getValue(k), refs);
                }
            }
        } else if (node instanceof JsonArray a) {
            a.forEach(v -> collectRefs(v, refs));
        }
    }

    @Test
    void servedWithoutTokenAsOpenApi31() throws Exception {
        JsonObject doc = fetch();
        assertThat(doc.getString("openapi")).isEqualTo("3.1.0");
        assertThat(doc.getJsonObject("info").getString("title")).isEqualTo("hubdns");
        assertThat(doc.getJsonObject("info").getString("version")).isEqualTo("0.1.0");
        assertThat(doc.getJsonArray("servers").getJsonObject(0).getString("url")).isEqualTo("http://127.0.0.1:8053");
        JsonObject bearer = doc.getJsonObject("components").getJsonObject("securitySchemes")
                .getJsonObject("bearerAuth");
        assertThat(bearer.getString("type")).isEqualTo("http");
        assertThat(bearer.getString("scheme")).isEqualTo("bearer");
        assertThat(doc.getJsonObject("components").getJsonObject("schemas").getJsonObject("Problem")
                .getJsonObject("properties").fieldNames()).contains("type", "title", "status", "detail", "field");
    }

    /**
     * The routes of a member's API, as {@link HttpApi} mounts them: it makes every handler itself,
     * so these are the routes of every member's router, whatever it serves from.
     */
    static Set<String> routesOfAMembersApi() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            MemberStatus status = new MemberStatus() {
                @Override
                public String notReady() {
                    return "starting";
                }

                @Override
                public String httpAddress() {
                    return null;
                }

                @Override
                public long uptimeSeconds() {
                    return 0;
                }

                @Override
                public long lastSnapshotBuildMicros() {
                    return 0;
                }
            };
            return new TreeSet<>(new HttpApi(vertx, status, () -> null, () -> null, () -> null, () -> null, JsonObject::new,
                    () -> "", () -> null, 0, new ApiLimiter(ApiLimits.OFF)).routes());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void documentsExactlyTheRoutesServed() throws Exception {
        JsonObject doc = fetch();
        Set<String> routed = routesOfAMembersApi();
        Set<String> documented = documented(doc);
        // the route list itself works: the router's own and the registry's routes are there
        assertThat(routed).contains("GET /v1/openapi.json", "POST /v1/zones/reload", "PUT /v1/nodes/{id}",
                "PUT /v1/coverage-zones");

        Set<String> undocumented = new TreeSet<>(routed);
        undocumented.removeAll(documented);
        Set<String> notRouted = new TreeSet<>(documented);
        notRouted.removeAll(routed);
        assertThat(undocumented).as("routes served but missing from openapi.json").isEmpty();
        assertThat(notRouted).as("operations in openapi.json that no route serves").isEmpty();

        // and the running member routes every documented operation: without a token, a request to it
        // gets its handler's answer (401, 400, 200, ...), never the router's 404 or a 405
        ApiClient client = ApiClient.local(server.httpPort(), Duration.ofSeconds(10));
        for (String route : documented) {
            String[] mp = route.split(" ", 2);
            String path = mp[1].replaceAll("\\{[^}]+}", "x");
            HttpResponse<String> r = client.send(mp[0], path, null, null, (String) null);
            assertThat(r.statusCode()).as("%s: %s", route, r.body()).isNotEqualTo(405);
            assertThat(r.body()).as("%s: %s", route, r.body()).doesNotContain("no such resource");
        }
    }

    @Test
    void everyOperationSaysWhoMayCallItAndDeclaresItsPathParameters() throws Exception {
        JsonObject doc = fetch();
        assertThat(doc.getJsonArray("security")).isEqualTo(new JsonArray().add(new JsonObject()
                .put("bearerAuth", new JsonArray())));
        Pattern template = Pattern.compile("\\{([^}]+)}");
        for (String route : documented(doc)) {
            JsonObject op = operation(doc, route);
            assertThat(op.getString("operationId")).as(route).isNotBlank();
            assertThat(op.getJsonObject("responses").isEmpty()).as(route).isFalse();
            String desc = op.getString("description", "");
            if (PUBLIC.contains(route)) {
                assertThat(op.getJsonArray("security")).as(route).isEqualTo(new JsonArray());
                assertThat(desc).as(route).contains("no token");
            } else {
                assertThat(op.containsKey("security")).as(route + " inherits bearerAuth").isFalse();
                assertThat(desc).as(route).containsAnyOf("admin token", "any token");
            }

            String path = route.split(" ", 2)[1];
            Set<String> declared = new TreeSet<>();
            List<Object> params = new ArrayList<>();
            doc.getJsonObject("paths").getJsonObject(path).getJsonArray("parameters", new JsonArray()).forEach(params::add);
            op.getJsonArray("parameters", new JsonArray()).forEach(params::add);
            for (Object p : params) {
                JsonObject param = deref(doc, (JsonObject) p);
                if ("path".equals(param.getString("in"))) {
                    declared.add(param.getString("name"));
                }
            }
            Set<String> inPath = new TreeSet<>();
            Matcher m = template.matcher(path);
            while (m.find()) {
                inPath.add(m.group(1));
            }
            assertThat(declared).as(route + " path parameters").isEqualTo(inPath);
        }
    }

    @Test
    void everyReferenceResolves() throws Exception {
        JsonObject doc = fetch();
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).startsWith("#/");
            assertThat(resolve(doc, ref)).as(ref).isInstanceOf(JsonObject.class);
        }
    }
}
