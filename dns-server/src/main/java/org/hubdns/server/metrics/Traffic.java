package org.hubdns.server.metrics;

import io.vertx.core.json.JsonObject;

/**
 * Placeholder for the member's traffic counters (the metrics work replaces it with the real one,
 * same method and JSON shape): what the dashboard shows of the queries this member answered.
 */
public final class Traffic {
    /**
     * {@code {"qps":0.0,"latencyMs":{"p50":0.0,"p99":0.0},"queries":0,"rcodes":{},
     * "answers":{"<platform>":{"<site>":0}},"fallbacks":{"<platform>":0}}}: the recent query rate,
     * server-side latency quantiles, queries and rcodes (mnemonics) since start, steered answers per
     * platform and site, and fallback answers per platform.
     */
    public JsonObject dashboard() {
        return new JsonObject()
                .put("qps", 0.0)
                .put("latencyMs", new JsonObject().put("p50", 0.0).put("p99", 0.0))
                .put("queries", 0L)
                .put("rcodes", new JsonObject())
                .put("answers", new JsonObject())
                .put("fallbacks", new JsonObject());
    }
}
