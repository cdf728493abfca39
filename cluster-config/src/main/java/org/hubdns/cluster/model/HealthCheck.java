package org.hubdns.cluster.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How a cache node is probed: {@code http} GET of {@code path} on {@code port} expecting
 * {@code expectStatus}, {@code tcp} connect to {@code port}, or {@code none} (always up). Unset
 * optional values take the defaults of {@link #withDefaults}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HealthCheck(String type, Integer port, String path, Integer expectStatus, Integer intervalMs,
        Integer timeoutMs, Integer rise, Integer fall) {
    public static final HealthCheck NONE = new HealthCheck("none", null, null, null, null, null, null, null);
    public static final int DEFAULT_INTERVAL_MS = 2000;
    public static final int DEFAULT_TIMEOUT_MS = 1000;
    public static final int DEFAULT_RISE = 2;
    public static final int DEFAULT_FALL = 3;

    public boolean probed() {
        return !"none".equals(type);
    }

    /**
     * Every value set: interval 2000 ms (never below {@code minIntervalMs}, the operator's floor),
     * timeout 1000 ms (always below the interval), rise 2, fall 3, path "/", status 200.
     */
    public HealthCheck withDefaults(int minIntervalMs) {
        int interval = Math.max(minIntervalMs, intervalMs == null ? DEFAULT_INTERVAL_MS : intervalMs);
        int timeout = Math.min(interval - 1, timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs);
        boolean http = "http".equals(type);
        return new HealthCheck(type, port, http && path == null ? "/" : path,
                http && expectStatus == null ? Integer.valueOf(200) : expectStatus, interval, timeout,
                rise == null ? DEFAULT_RISE : rise, fall == null ? DEFAULT_FALL : fall);
    }
}
