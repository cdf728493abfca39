package org.hubdns.cluster.model;

/**
 * What the health checker (issue 6) knows of a node: {@code up}, {@code down} or {@code unknown},
 * and the fraction of its capacity it last reported in use (0.0 when it reports nothing).
 */
public record NodeState(String health, double load, long loadReportedAtMillis) {
    public static final NodeState UNKNOWN = new NodeState("unknown", 0.0, 0);
}
