package org.hubdns.health;

/** One change of a node's aggregated health, as this member saw it (for the API and the dashboard). */
public record HealthChange(long atMillis, String node, String platform, String site, String from, String to, int up,
        int down) {
}
