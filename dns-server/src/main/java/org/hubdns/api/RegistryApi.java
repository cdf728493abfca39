package org.hubdns.api;

import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.Partner;
import org.hubdns.cluster.model.StoredZone;
import org.hubdns.cluster.store.DataDirFull;
import org.hubdns.cluster.store.Json;
import org.hubdns.cluster.store.Kind;
import org.hubdns.cluster.store.Registry;
import org.hubdns.cluster.store.Stored;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partner and operator routes: sites, platforms, partners, cache nodes and zone uploads. Every
 * handler runs its registry work on a worker thread; errors are problem+json with the field at fault.
 */
public final class RegistryApi {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryApi.class);
    public static final long JSON_LIMIT = 1L << 20;
    /** The largest zone upload, in bytes: a hub zone is a few hundred records; 1 MiB holds ~40,000. */
    public static final long ZONE_LIMIT = 1L << 20;

    private final Vertx vertx;
    private final CoverageApi coverage;
    private volatile RegistryService service;
    private volatile Auth auth;
    private volatile Audit audit;

    /** Routes answer 503 until {@link #activate} (the member is joining the cluster). */
    public RegistryApi(Vertx vertx) {
        this.vertx = vertx;
        this.coverage = new CoverageApi(vertx, this);
    }

    public void activate(RegistryService service, Auth auth, Audit audit) {
        coverage.activate(service, auth);
        this.audit = audit;
        this.auth = auth;
        this.service = service;
    }

    /** What a handler answers: status, JSON (or text) body, extra headers. */
    public record Reply(int status, Object body, Map<String, String> headers) {
        public static Reply ok(Object body) {
            return new Reply(200, body, Map.of());
        }

        public static Reply noContent() {
            return new Reply(204, null, Map.of());
        }
    }

    @FunctionalInterface
    public interface Action {
        Reply run(RoutingContext ctx, Caller caller) throws Exception;
    }

    public void mount(Router router) {
        coverage.mount(router);
        router.get("/v1/whoami").handler(ctx -> run(ctx, (c, who) -> Reply.ok(whoami(who))));
        BodyHandler json = BodyHandler.create(false).setBodyLimit(JSON_LIMIT);
        BodyHandler zone = BodyHandler.create(false).setBodyLimit(ZONE_LIMIT);

        operatorResource(router, json, "sites", "site", Kind.SITES, v -> v.sites(),
                (name, body) -> service.putSite(RegistryJson.readSite(name, body)), name -> service.deleteSite(name));
        operatorResource(router, json, "platforms", "platform", Kind.PLATFORMS, v -> v.platforms(),
                (name, body) -> service.putPlatform(service.checkPlatform(RegistryJson.readPlatform(name, body))),
                name -> service.deletePlatform(name)); // lambdas: the service exists only once the member has joined

        router.get("/v1/partners").handler(ctx -> run(ctx, (c, who) -> {
            Auth.requireOperator(who);
            JsonArray out = new JsonArray();
            sorted(service.registry().freshView().partners()).forEach(p -> out.add(RegistryJson.partnerJson(p)));
            return Reply.ok(out);
        }));
        router.get("/v1/partners/:name").handler(ctx -> run(ctx, (c, who) -> {
            Partner p = service.registry().read(Kind.PARTNERS, c.pathParam("name"), Partner.class);
            if (p == null || !who.owns(p.name())) {
                throw ApiException.notFound("no partner '" + c.pathParam("name") + "'");
            }
            return Reply.ok(RegistryJson.partnerJson(p));
        }));
        router.put("/v1/partners/:name").handler(json).handler(contentType("application/json"))
                .handler(ctx -> run(ctx, (c, who) -> {
                    Auth.requireOperator(who);
                    String name = org.hubdns.api.Fields.name("partner", c.pathParam("name"));
                    JsonObject body = ReadOnlyFields.writable(body(c), "partner", Map.of("name", name), Set.of());
                    RegistryService.PartnerWrite w = service.putPartner(name,
                            service.checkPartner(RegistryJson.readPartner(body)));
                    JsonObject out = RegistryJson.partnerJson(w.partner());
                    if (w.token() == null) {
                        return Reply.ok(out);
                    }
                    out.put("token", w.token());
                    return new Reply(201, out, Map.of("Location", "/v1/partners/" + name));
                }));
        router.post("/v1/partners/:name/token").handler(ctx -> run(ctx, (c, who) -> {
            Auth.requireOperator(who);
            RegistryService.IssuedToken t = service.rotatePartnerToken(c.pathParam("name"));
            return Reply.ok(new JsonObject().put("name", c.pathParam("name")).put("id", t.id()).put("token", t.token()));
        }));
        router.delete("/v1/partners/:name").handler(ctx -> run(ctx, (c, who) -> {
            Auth.requireOperator(who);
            service.deletePartner(c.pathParam("name"));
            return Reply.noContent();
        }));

        router.post("/v1/nodes").handler(json).handler(contentType("application/json"))
                .handler(ctx -> run(ctx, (c, who) -> {
                    CacheNode n = service.checkNode(service.newNodeId(), RegistryJson.readNode(body(c), who, null,
                            service.minProbeIntervalMs()), null);
                    Stored s = service.createNode(n);
                    return new Reply(201, nodeJson(n), Map.of("Location", "/v1/nodes/" + n.id(),
                            "ETag", s.etag()));
                }));
        router.get("/v1/nodes").handler(ctx -> run(ctx, (c, who) -> {
            String platform = c.queryParams().get("platform");
            String site = c.queryParams().get("site");
            String partner = c.queryParams().get("partner");
            JsonArray out = new JsonArray();
            service.registry().freshView().nodes().values().stream()
                    .filter(n -> who.owns(n.partner()))
                    .filter(n -> platform == null || n.platform().equals(platform))
                    .filter(n -> site == null || n.site().equals(site))
                    .filter(n -> partner == null || n.partner().equals(partner))
                    .sorted(Comparator.comparing(CacheNode::id))
                    .forEach(n -> out.add(nodeJson(n)));
            return Reply.ok(out);
        }));
        router.get("/v1/nodes/:id").handler(ctx -> run(ctx, (c, who) -> nodeReply(200, service.node(c.pathParam("id"), who))));
        router.put("/v1/nodes/:id").handler(json).handler(contentType("application/json"))
                .handler(ctx -> run(ctx, (c, who) -> {
                    Stored cur = service.node(c.pathParam("id"), who);
                    CacheNode existing = Json.read(cur.body(), CacheNode.class);
                    Long expected = ifMatch(c, cur);
                    JsonObject body = ReadOnlyFields.writable(body(c), "node", Map.of("id", existing.id(), "partner",
                            existing.partner()), Set.of("state"));
                    CacheNode n = service.checkNode(existing.id(), RegistryJson.readNode(body, who, existing,
                            service.minProbeIntervalMs()), existing);
                    return nodeReply(200, service.updateNode(n, expected == null ? cur.version() : expected));
                }));
        router.delete("/v1/nodes/:id").handler(ctx -> run(ctx, (c, who) -> {
            service.deleteNode(c.pathParam("id"), who);
            return Reply.noContent();
        }));
        router.post("/v1/nodes/:id/drain").handler(ctx -> run(ctx, (c, who) ->
                nodeReply(200, service.setAdmin(c.pathParam("id"), who, CacheNode.DRAINING))));
        router.post("/v1/nodes/:id/undrain").handler(ctx -> run(ctx, (c, who) ->
                nodeReply(200, service.setAdmin(c.pathParam("id"), who, CacheNode.ACTIVE))));

        router.get("/v1/zones/:name").handler(ctx -> run(ctx, (c, who) -> {
            String apex = org.hubdns.api.Fields.hostname("name", c.pathParam("name")) + ".";
            StoredZone z = service.registry().read(Kind.ZONES, apex, StoredZone.class);
            if (z == null) {
                throw ApiException.notFound("no zone " + apex);
            }
            return new Reply(200, z.text(), Map.of("Content-Type", "text/dns; charset=utf-8",
                    "X-Zone-Serial", Long.toString(z.serial()), "X-Zone-Source", z.source()));
        }));
        router.put("/v1/zones/:name").handler(zone).handler(contentType("text/dns", "text/plain"))
                .handler(ctx -> run(ctx, (c, who) -> {
                    Auth.requireOperator(who);
                    boolean dryRun = dryRun(c);
                    String text = c.body().buffer() == null ? "" : c.body().asString("UTF-8");
                    if (dryRun) {
                        return Reply.ok(zoneDryRun(c.pathParam("name"), text));
                    }
                    RegistryService.ZoneWrite w = service.putZone(c.pathParam("name"), text, false);
                    JsonObject out = new JsonObject().put("name", w.zone().name()).put("serial", w.zone().serial())
                            .put("source", w.zone().source());
                    return w.created() ? new Reply(201, out, Map.of("Location", "/v1/zones/" + w.zone().name()))
                            : Reply.ok(out);
                }))
                .failureHandler(ctx -> {
                    if (ctx.statusCode() == 413) {
                        Problem.send(ctx, 413, "Content Too Large", "a zone upload is limited to "
                                + (ZONE_LIMIT >> 20) + " MiB; split a larger zone by delegating parts of it to "
                                + "zones of their own");
                    } else {
                        ctx.next();
                    }
                });
        router.delete("/v1/zones/:name").handler(ctx -> run(ctx, (c, who) -> {
            Auth.requireOperator(who);
            service.deleteZone(c.pathParam("name"));
            return Reply.noContent();
        }));
    }

    /** {@code ?dryRun=true}: check and report, change nothing. */
    public static boolean dryRun(RoutingContext c) {
        String v = c.queryParams().get("dryRun");
        if (v == null || v.equals("false")) {
            return false;
        }
        if (v.equals("true")) {
            return true;
        }
        throw ApiException.badRequest("dryRun", "'dryRun' must be true or false, not '" + v + "'");
    }

    /**
     * What {@code PUT /v1/zones/{name}} would do with {@code text}: always 200, with {@code valid}
     * and the {@code problems} that the upload would be refused for.
     */
    private JsonObject zoneDryRun(String name, String text) {
        JsonObject out = new JsonObject().put("dryRun", true);
        try {
            RegistryService.ZoneWrite w = service.putZone(name, text, true);
            ZoneValidator.CheckedZone z = w.checked();
            return out.put("valid", true).put("name", w.zone().name()).put("serial", w.zone().serial())
                    .put("records", z.records())
                    .put("types", new JsonObject(new LinkedHashMap<String, Object>(z.types())))
                    .put("change", w.unchanged() ? "none" : w.created() ? "create" : "replace")
                    .put("problems", new JsonArray());
        } catch (ApiException e) {
            return out.put("valid", false).put("problems", new JsonArray().add(e.getMessage()));
        }
    }

    /** Who the token is: the operator, or a partner with the platforms it may register nodes for. */
    private JsonObject whoami(Caller who) {
        if (who instanceof Caller.PartnerCaller pc) {
            Partner p = service.registry().read(Kind.PARTNERS, pc.name(), Partner.class);
            if (p == null) { // deleted between authentication and now
                throw ApiException.unauthorized(AuthFailure.INVALID, "partner '" + pc.name() + "' no longer exists, so "
                        + "its token no longer works; ask the operator for a partner and token");
            }
            JsonObject out = new JsonObject().put("role", "partner").put("partner", p.name())
                    .put("platforms", new JsonArray(p.platforms()));
            return pc.tokenId() == null ? out : out.put("tokenId", pc.tokenId());
        }
        if (who instanceof Caller.OperatorCaller oc) {
            return new JsonObject().put("role", oc.role()).put("tokenId", oc.tokenId()).put("name", oc.name());
        }
        return new JsonObject().put("role", "admin");
    }

    /** A write of one resource from its path name and JSON body; validates, stores, returns what was stored. */
    private interface Write {
        Stored put(String name, JsonObject body);
    }

    /**
     * The four routes of a resource the operator owns and any token may read: list, get, put
     * (201 when new, 200 when replaced) and delete.
     */
    private void operatorResource(Router router, BodyHandler json, String plural, String what, Kind kind,
            java.util.function.Function<org.hubdns.cluster.store.RegistryView, Map<String, ?>> listed, Write write,
            java.util.function.Consumer<String> delete) {
        String base = "/v1/" + plural;
        router.get(base).handler(ctx -> run(ctx, (c, who) -> Reply.ok(list(listed.apply(service.registry().freshView())))));
        router.get(base + "/:name").handler(ctx -> run(ctx, (c, who) ->
                found(service.registry().get(kind, c.pathParam("name")), what, c)));
        router.put(base + "/:name").handler(json).handler(contentType("application/json"))
                .handler(ctx -> run(ctx, (c, who) -> {
                    Auth.requireOperator(who);
                    String name = c.pathParam("name");
                    JsonObject body = ReadOnlyFields.writable(body(c), what, Map.of("name", name), Set.of());
                    boolean existed = exists(kind, name);
                    Stored stored = write.put(name, body);
                    return written(existed, stored, base + "/" + name);
                }));
        router.delete(base + "/:name").handler(ctx -> run(ctx, (c, who) -> {
            Auth.requireOperator(who);
            delete.accept(c.pathParam("name"));
            return Reply.noContent();
        }));
    }

    private boolean exists(Kind kind, String key) {
        Stored s = service.registry().get(kind, key);
        return s != null && !s.deleted();
    }

    private static Long ifMatch(RoutingContext c, Stored cur) {
        String h = c.request().getHeader("If-Match");
        if (h == null) {
            return null;
        }
        if (h.strip().equals("*")) {
            return cur.version();
        }
        for (String tag : h.split(",")) {
            if (tag.strip().equals(cur.etag())) {
                return cur.version();
            }
        }
        throw new ApiException(412, "Precondition Failed", "the node has changed since you read it (its ETag is now "
                + cur.etag() + "); GET it again and reapply your change", null);
    }

    private Reply nodeReply(int status, Stored s) {
        return new Reply(status, nodeJson(Json.read(s.body(), CacheNode.class)), Map.of("ETag", s.etag()));
    }

    private JsonObject nodeJson(CacheNode n) {
        return RegistryJson.nodeJson(n, service.stateOf(n));
    }

    private static Reply written(boolean existed, Stored s, String location) {
        JsonObject body = new JsonObject(s.body());
        return existed ? new Reply(200, body, Map.of("ETag", s.etag()))
                : new Reply(201, body, Map.of("Location", location, "ETag", s.etag()));
    }

    private static Reply found(Stored s, String what, RoutingContext c) {
        if (s == null || s.deleted()) {
            throw ApiException.notFound("no " + what + " '" + c.pathParam("name") + "'");
        }
        return new Reply(200, new JsonObject(s.body()), Map.of("ETag", s.etag()));
    }

    private static <T> List<T> sorted(Map<String, T> m) {
        return m.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue).toList();
    }

    private static JsonArray list(Map<String, ?> m) {
        JsonArray out = new JsonArray();
        sorted(new LinkedHashMap<>(m)).forEach(v -> out.add(JsonObject.mapFrom(v)));
        return out;
    }

    public static JsonObject body(RoutingContext c) {
        io.vertx.core.buffer.Buffer buffer = c.body() == null ? null : c.body().buffer();
        if (buffer == null || buffer.length() == 0) {
            throw ApiException.badRequest(null, "the request needs a JSON object body");
        }
        try {
            Object v = buffer.toJsonValue();
            if (v instanceof JsonObject o) {
                return o;
            }
            throw ApiException.badRequest(null, "the body must be a JSON object, not " + (v == null ? "null"
                    : v instanceof JsonArray ? "an array" : "a " + v.getClass().getSimpleName().toLowerCase()));
        } catch (DecodeException e) {
            throw ApiException.badRequest(null, "the body is not valid JSON: " + jsonProblem(e));
        }
    }

    /** Jackson's own words, without its internals: "Unexpected end-of-input (line 1, column 19)". */
    static String jsonProblem(DecodeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
                String where = j.getLocation() == null ? "" : " (line " + j.getLocation().getLineNr() + ", column "
                        + j.getLocation().getColumnNr() + ")";
                String msg = j.getOriginalMessage();
                int cut = msg.indexOf(": expected");
                return (cut > 0 ? msg.substring(0, cut) : msg.split("\n")[0]) + where;
            }
        }
        return String.valueOf(e.getMessage()).split("\n")[0];
    }

    /** 415 unless the request says it sends one of {@code types}. */
    public static io.vertx.core.Handler<RoutingContext> contentType(String... types) {
        return ctx -> {
            String ct = ctx.request().getHeader("Content-Type");
            String base = ct == null ? "" : ct.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
            for (String t : types) {
                if (t.equals(base)) {
                    ctx.next();
                    return;
                }
            }
            Problem.send(ctx, 415, "Unsupported Media Type", "send the body as " + String.join(" or ", types)
                    + (ct == null ? " (the Content-Type header is missing)" : ", not " + ct), "Content-Type");
        };
    }

    /**
     * A check that does not block, for routes that must refuse before reading a large body: true
     * for the admin token; otherwise the problem (503, 401 or 403) is sent and false returned.
     */
    public boolean operatorOrRefuse(RoutingContext ctx) {
        Auth a = this.auth;
        if (a == null) {
            Problem.send(ctx, 503, "Service Unavailable", "this member is still joining the cluster; retry shortly");
            return false;
        }
        try {
            a.operator(ctx);
            return true;
        } catch (ApiException e) {
            fail(ctx, e);
            return false;
        }
    }

    /**
     * Runs {@code work} (on a worker) recording its registry writes in the audit trail as made by
     * the caller this request authenticated as: for routes that write after streaming a body.
     */
    public <T> T audited(RoutingContext ctx, java.util.concurrent.Callable<T> work) throws Exception {
        Audit a = this.audit;
        return a == null ? work.call() : a.recorded(ctx, work);
    }

    /** The member's token checker, once activated (null while joining). */
    Auth auth() {
        return auth;
    }

    /** The registry service, once activated (null while joining). */
    RegistryService service() {
        return service;
    }

    /** Authenticates and runs {@code action} on a worker; replies or sends the problem. */
    public void run(RoutingContext ctx, Action action) {
        Auth auth = this.auth;
        if (auth == null) {
            Problem.send(ctx, 503, "Service Unavailable", "this member is still joining the cluster; retry in a "
                    + "moment or use another member");
            return;
        }
        Audit audit = this.audit;
        vertx.executeBlocking(() -> {
            Caller who = auth.authenticate(ctx);
            return audit.recorded(ctx, who, () -> action.run(ctx, who));
        }, false).onComplete(r -> {
            if (r.succeeded()) {
                send(ctx, r.result());
            } else {
                fail(ctx, r.cause());
            }
        });
    }

    public static void send(RoutingContext ctx, Reply reply) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(reply.status());
        reply.headers().forEach(ctx.response()::putHeader);
        Object b = reply.body();
        if (b == null) {
            ctx.response().end();
        } else if (b instanceof String s) {
            ctx.response().end(s);
        } else {
            ctx.response().putHeader("Content-Type", "application/json");
            ctx.response().end(b instanceof JsonObject o ? o.encodePrettily() : ((JsonArray) b).encodePrettily());
        }
    }

    public static void fail(RoutingContext ctx, Throwable t) {
        if (t instanceof ApiException e) {
            ApiLimiter limiter = e.authFailure() == null ? null : ApiLimiter.of(ctx);
            if (limiter != null && limiter.authFailed(ctx, e.authFailure())) {
                return; // over the address's failed-authentication limit: 429 sent instead
            }
            Problem.send(ctx, e.status(), e.title(), e.getMessage(), e.field());
        } else if (t instanceof DataDirFull full) {
            Problem.send(ctx, 507, "Insufficient Storage", full.getMessage());
        } else if (Registry.isLeaving(t)) {
            Problem.send(ctx, 503, "Service Unavailable", "this member is leaving the cluster; use another member");
        } else {
            LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), t);
            Problem.send(ctx, 500, "Internal Server Error", "the request failed inside hubdns ("
                    + t.getClass().getSimpleName() + "); the server log has the details");
        }
    }
}
