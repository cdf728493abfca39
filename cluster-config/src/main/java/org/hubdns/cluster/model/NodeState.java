package org.hubdns.cluster.model;

/**
 * What the cluster knows of a node right now, as this member computes it from the probers'
 * verdicts and the partner's load reports: its {@link Health}, and the
 * fraction of its capacity it last reported in use (0.0 when it reports nothing, or its report is
 * older than three probe intervals).
 */
public record NodeState(Health health, double load, long loadReportedAtMillis) {
    public static final NodeState UNKNOWN = new NodeState(Health.UNKNOWN, 0.0, 0);
    public static final NodeState UP = new NodeState(Health.UP, 0.0, 0);
}
