package org.hubdns.server;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.TreeSet;
import org.hubdns.dns.Snapshot;
import org.hubdns.dns.zone.ZoneContent;
import org.hubdns.http.Problem;

/**
 * The routes of this member: {@code GET /v1/health}, {@code GET /v1/zones} and, for the operator,
 * {@code POST /v1/zones/reload}. Unknown paths and methods get problem+json too.
 */
final class HttpApi {
    private final HubDnsServer server;
    private final AdminToken admin;

    HttpApi(HubDnsServer server, AdminToken admin) {
        this.server = server;
        this.admin = admin;
    }

    Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        router.get("/v1/health").handler(this::health);
        router.get("/v1/zones").handler(this::zones);
        router.post("/v1/zones/reload").handler(this::requireAdmin).handler(this::reload);
        router.errorHandler(404, ctx -> Problem.send(ctx, 404, "Not Found",
                "no such resource: " + ctx.request().method() + " " + ctx.request().path()));
        router.errorHandler(405, ctx -> {
            // RFC 9110 15.5.6: a 405 says which methods the resource does allow
            String allow = allowedMethods(router, ctx.normalizedPath());
            if (!allow.isEmpty()) {
                ctx.response().putHeader("Allow", allow);
            }
            Problem.send(ctx, 405, "Method Not Allowed", ctx.request().method() + " is not allowed on "
                    + ctx.request().path() + (allow.isEmpty() ? "" : "; use " + allow));
        });
        router.errorHandler(500, ctx -> Problem.send(ctx, 500, "Internal Server Error",
                "the request failed inside hubdns; the server log has the details"));
        return router;
    }

    /** The methods routed for exactly {@code path}, for the Allow header of a 405. */
    private static String allowedMethods(Router router, String path) {
        Set<String> methods = new TreeSet<>();
        for (Route r : router.getRoutes()) {
            if (path.equals(r.getPath()) && r.methods() != null) {
                r.methods().forEach(m -> methods.add(m.name()));
            }
        }
        return String.join(", ", methods);
    }

    private void health(RoutingContext ctx) {
        Snapshot s = server.snapshot();
        JsonObject body = new JsonObject()
                .put("status", server.serving() ? "serving" : "starting")
                .put("zones", s.zones().zones().size())
                .put("names", s.zones().nameCount())
                .put("generation", s.generation())
                .put("uptimeSeconds", server.uptimeSeconds());
        ctx.response().setStatusCode(server.serving() ? 200 : 503)
                .putHeader("Content-Type", "application/json").end(body.encode());
    }

    private void zones(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("zones", zoneList()).encodePrettily());
    }

    private JsonArray zoneList() {
        JsonArray list = new JsonArray();
        for (ZoneContent z : server.snapshot().zones().zones()) {
            list.add(new JsonObject()
                    .put("name", z.apex().toString())
                    .put("serial", z.serial())
                    .put("source", z.source())
                    .put("records", z.records().size()));
        }
        return list;
    }

    private void requireAdmin(RoutingContext ctx) {
        String auth = ctx.request().getHeader("Authorization");
        String token = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).strip() : null;
        if (token == null) {
            // RFC 9110 15.5.2 and RFC 6750 3: a 401 names the scheme the client must use
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"hubdns\"");
            Problem.send(ctx, 401, "Unauthorized", "send the admin token as 'Authorization: Bearer <token>' "
                    + "(it is in --admin-token-file, HUBDNS_ADMIN_TOKEN or <data-dir>/admin.token)");
        } else if (!admin.matches(token)) {
            Problem.send(ctx, 403, "Forbidden", "the bearer token is not the admin token");
        } else {
            ctx.next();
        }
    }

    private void reload(RoutingContext ctx) {
        server.reload().onComplete(r -> {
            if (r.succeeded()) {
                ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject()
                        .put("reloaded", true)
                        .put("generation", server.snapshot().generation())
                        .put("zones", zoneList()).encodePrettily());
            } else {
                Problem.send(ctx, 422, "Zone data rejected", r.cause().getMessage()
                        + "; the previous zone data keeps serving. Fix the file and reload again.");
            }
        });
    }
}
