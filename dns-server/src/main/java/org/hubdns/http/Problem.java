package org.hubdns.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** RFC 9457 problem details: every API error is a JSON body that says what went wrong and what to do. */
public final class Problem {
    private Problem() {
    }

    public static void send(RoutingContext ctx, int status, String title, String detail) {
        JsonObject body = new JsonObject()
                .put("type", "about:blank")
                .put("title", title)
                .put("status", status)
                .put("detail", detail);
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/problem+json")
                .end(body.encodePrettily());
    }
}
