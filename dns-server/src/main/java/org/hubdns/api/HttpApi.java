package org.hubdns.api;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.hubdns.cluster.feed.ExaBgpJson;
import org.hubdns.cluster.model.StoredZone;
import org.hubdns.cluster.store.Registry;
import org.hubdns.feed.CoverageFeeds;
import org.hubdns.snapshot.Snapshot;
import org.hubdns.dns.zone.ZoneContent;
import org.hubdns.health.HealthChecker;

/**
 * The whole HTTP API of a member: it makes every handler of this package from what the member
 * reads, and mounts them on one router: its own routes ({@code GET /v1/health}, {@code GET /v1/zones},
 * {@code POST /v1/zones/reload}, {@code GET /metrics}, {@code GET /v1/openapi.json}), the other
 * handlers ({@link Routes}: explain, dashboard, GeoIP, node health) and the registry's
 * ({@link RegistryApi}). Unknown paths and methods get problem+json too. The registry's routes
 * answer 503 until {@link #activate}, so the router can listen while the member joins.
 */
public final class HttpApi {
    private final Vertx vertx;
    private final RegistryApi registryApi;
    private final NodeHealthApi nodeHealthApi;
    private final MemberStatus status;
    private final Supplier<Snapshot> snapshot;
    private final Supplier<Registry> registry;
    private final Callable<String> metrics;
    private final ZoneReload reload;
    private final List<Routes> more;
    private final ApiLimiter limiter;
    private final Router router;

    /**
     * @param registry the joined registry, null while this member joins
     * @param health the health checker, null while this member joins
     * @param feeds this member's coverage feeds, null while this member joins
     * @param traffic this member's traffic figures for the dashboard
     * @param metrics the Prometheus exposition (blocking; run on a worker)
     * @param probeMinIntervalMs the shortest probe interval ({@code --probe-min-interval}) node health reports
     * @param limiter the request and upload limits every route is under
     */
    public HttpApi(Vertx vertx, MemberStatus status, Supplier<Snapshot> snapshot, Supplier<Registry> registry,
            Supplier<HealthChecker> health, Supplier<CoverageFeeds> feeds, Supplier<JsonObject> traffic,
            Callable<String> metrics, ZoneReload reload, int probeMinIntervalMs, ApiLimiter limiter) {
        this.vertx = vertx;
        this.limiter = limiter;
        this.status = status;
        this.snapshot = snapshot;
        this.registry = registry;
        this.metrics = metrics;
        this.reload = reload;
        this.registryApi = new RegistryApi(vertx);
        this.nodeHealthApi = new NodeHealthApi(health, registry, snapshot, probeMinIntervalMs);
        // mounted in this order, before the registry's routes
        this.more = List.of(new ExplainApi(snapshot, () -> registry.get().view()),
                new DashboardApi(vertx, status, snapshot, registry, health, traffic)
                        .withFeeds(() -> feeds.get() == null ? Map.of() : feeds.get().states()),
                new GeoIpApi(registry), nodeHealthApi, new DnssecApi(snapshot, registry), new TokenApi(), new AuditApi(),
                new CoverageFeedApi(vertx, registry, feeds, (line, sink) -> ExaBgpJson.apply(line, sink)
                        instanceof ExaBgpJson.Malformed m ? m.reason() : null));
        this.router = build();
    }

    /** Opens the routes that write or read the registry, once the member has joined and restored it. */
    public void activate(RegistryService service, Auth auth) {
        nodeHealthApi.activate(service);
        registryApi.activate(service, auth, new Audit(service.registry()));
    }

    public Router router() {
        return router;
    }

    /**
     * Every route served, as {@code "METHOD /path"} with path parameters written {@code {name}} as in
     * the OpenAPI document (routes without a path or methods are left out); sorted.
     */
    public List<String> routes() {
        List<String> out = new ArrayList<>();
        for (Route route : router.getRoutes()) {
            if (route.getPath() == null || route.methods() == null || route.methods().isEmpty()) {
                continue;
            }
            String path = route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
            route.methods().forEach(m -> out.add(m.name() + " " + path));
        }
        Collections.sort(out);
        return out;
    }

    private Router build() {
        Router r = Router.router(vertx);
        // first: a client over its limit costs no more than this
        r.route().handler(limiter::handle);
        // a request whose connection is gone (its body cut off by --http-body-timeout, or the client
        // closed it) has no one to answer: SlowClients logged the close once a minute, so a slowloris
        // flood does not also become an ERROR per request
        r.route().failureHandler(ctx -> {
            if (ctx.failure() instanceof io.vertx.core.http.HttpClosedException || ctx.response().closed()) {
                return;
            }
            ctx.next();
        });
        r.get("/v1/health").handler(this::health);
        r.get("/v1/openapi.json").handler(this::openApi);
        // readable without a token (no secrets in it): bind the HTTP port to a network you trust
        r.get("/metrics").handler(ctx -> vertx.executeBlocking(metrics, false)
                .onComplete(m -> {
                    if (m.succeeded()) {
                        ctx.response().putHeader("Content-Type", org.hubdns.server.metrics.Metrics.CONTENT_TYPE)
                                .end(m.result());
                    } else {
                        RegistryApi.fail(ctx, m.cause());
                    }
                }));
        // readable without a token, like /v1/health: what a member serves is no secret
        r.get("/v1/zones").handler(ctx -> {
            if (registry.get() == null) {
                Problem.send(ctx, 503, "Service Unavailable", "this member is still joining the cluster");
                return;
            }
            vertx.executeBlocking(this::zoneList, false).onComplete(z -> {
                if (z.succeeded()) {
                    RegistryApi.send(ctx, RegistryApi.Reply.ok(new JsonObject().put("zones", z.result())));
                } else {
                    RegistryApi.fail(ctx, z.cause());
                }
            });
        });
        r.post("/v1/zones/reload").handler(ctx -> registryApi.run(ctx, (c, who) -> {
            Auth.requireOperator(who);
            try {
                reload.reload().toCompletionStage().toCompletableFuture().get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new ApiException(422, "Zone data rejected", e.getCause().getMessage()
                        + "; the previous zone data keeps serving. Fix the file and reload again.", null);
            }
            return RegistryApi.Reply.ok(new JsonObject().put("reloaded", true)
                    .put("generation", snapshot.get().generation()).put("zones", zoneList()));
        }));
        more.forEach(m -> m.mount(r, registryApi));
        registryApi.mount(r);
        r.errorHandler(404, ctx -> Problem.send(ctx, 404, "Not Found",
                "no such resource: " + ctx.request().method() + " " + ctx.request().path()
                        + " (GET /v1/openapi.json lists every route)"));
        r.errorHandler(405, ctx -> {
            // RFC 9110 15.5.6: a 405 says which methods the resource does allow
            String allow = allowedMethods(r, ctx);
            if (!allow.isEmpty()) {
                ctx.response().putHeader("Allow", allow);
            }
            Problem.send(ctx, 405, "Method Not Allowed", ctx.request().method() + " is not allowed on "
                    + ctx.request().path() + (allow.isEmpty() ? "" : "; use " + allow));
        });
        r.errorHandler(413, ctx -> Problem.send(ctx, 413, "Content Too Large", "the body is larger than this "
                + "route takes (" + (RegistryApi.JSON_LIMIT >> 10) + " KiB for JSON objects, "
                + (RegistryApi.ZONE_LIMIT >> 20) + " MiB for zones)"));
        r.errorHandler(400, ctx -> Problem.send(ctx, 400, "Bad Request", "the request could not be read"
                + (ctx.failure() == null ? "" : ": " + ctx.failure().getMessage())));
        r.errorHandler(500, ctx -> {
            if (ctx.failure() != null) {
                RegistryApi.fail(ctx, ctx.failure());
            } else {
                Problem.send(ctx, 500, "Internal Server Error",
                        "the request failed inside hubdns; the server log has the details");
            }
        });
        return r;
    }

    /** The methods routed for the request's resource, for the Allow header of a 405. */
    private static String allowedMethods(Router router, RoutingContext ctx) {
        Set<String> methods = new TreeSet<>();
        String path = ctx.normalizedPath();
        for (Route route : router.getRoutes()) {
            if (route.methods() != null && route.getPath() != null && matches(route.getPath(), path)) {
                route.methods().forEach(m -> methods.add(m.name()));
            }
        }
        return String.join(", ", methods);
    }

    private static boolean matches(String pattern, String path) {
        String[] p = pattern.split("/", -1);
        String[] a = path.split("/", -1);
        if (p.length != a.length) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            if (!p[i].startsWith(":") && !p[i].equals(a[i])) {
                return false;
            }
        }
        return true;
    }

    private void health(RoutingContext ctx) {
        Snapshot s = snapshot.get();
        String notReady = status.notReady();
        Registry registry = this.registry.get();
        JsonObject body = new JsonObject()
                .put("status", notReady == null ? "serving" : "starting")
                .put("members", registry == null ? 0 : registry.view().members())
                .put("snapshotVersion", s.generation())
                .put("registryVersion", s.viewSequence())
                .put("zones", s.zones().zones().size())
                .put("names", s.zones().nameCount())
                .put("generation", s.generation())
                .put("snapshotBuildMs", status.lastSnapshotBuildMicros() / 1000.0)
                .put("uptimeSeconds", status.uptimeSeconds());
        if (notReady != null) {
            body.put("reason", notReady);
        }
        ctx.response().setStatusCode(notReady == null ? 200 : 503)
                .putHeader("Content-Type", "application/json").end(body.encode());
    }

    private void openApi(RoutingContext ctx) {
        try (var in = HttpApi.class.getResourceAsStream("/openapi.json")) {
            ctx.response().putHeader("Content-Type", "application/json").end(io.vertx.core.buffer.Buffer.buffer(
                    in.readAllBytes()));
        } catch (java.io.IOException | NullPointerException e) {
            Problem.send(ctx, 500, "Internal Server Error", "the OpenAPI document is missing from the jar");
        }
    }

    private JsonArray zoneList() {
        Map<String, ZoneContent> served = new HashMap<>();
        for (ZoneContent z : snapshot.get().zones().zones()) {
            served.put(z.apex().toString(), z);
        }
        JsonArray list = new JsonArray();
        registry.get().freshView().zones().values().stream().sorted(Comparator.comparing(StoredZone::name)).forEach(z -> {
            ZoneContent c = served.get(z.name());
            list.add(new JsonObject()
                    .put("name", z.name())
                    .put("serial", z.serial())
                    .put("source", z.source())
                    .put("records", c == null ? 0 : c.records().size())
                    .put("served", c != null && c.serial() == z.serial()));
        });
        return list;
    }
}
