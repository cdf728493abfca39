package org.hubdns.api;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * RFC 9457 problem details: every API error is a JSON body that says what went wrong and what to do,
 * and, when one field of the request is at fault, which ({@code "field"}, an extension member).
 */
public final class Problem {
    private Problem() {
    }

    public static void send(RoutingContext ctx, int status, String title, String detail) {
        send(ctx, status, title, detail, null);
    }

    public static void send(RoutingContext ctx, int status, String title, String detail, String field) {
        JsonObject body = new JsonObject()
                .put("type", "about:blank")
                .put("title", title)
                .put("status", status)
                .put("detail", detail);
        if (field != null) {
            body.put("field", field);
        }
        if (ctx.response().ended()) {
            return;
        }
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/problem+json")
                .end(body.encodePrettily());
    }
}
