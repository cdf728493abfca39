package org.hubdns.cluster.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How a cache node is probed (issue 6 runs the probes): {@code http} GET of {@code path} on
 * {@code port} expecting {@code expectStatus}, {@code tcp} connect to {@code port}, or {@code none}.
 * Unset optional values take the health checker's defaults.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HealthCheck(String type, Integer port, String path, Integer expectStatus, Integer intervalMs,
        Integer timeoutMs, Integer rise, Integer fall) {
    public static final HealthCheck NONE = new HealthCheck("none", null, null, null, null, null, null, null);
}
