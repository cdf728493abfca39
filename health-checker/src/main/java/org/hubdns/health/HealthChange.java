package org.hubdns.health;

import org.hubdns.cluster.model.Health;

/** One change of a node's aggregated health, as this member saw it (for the API and the dashboard). */
public record HealthChange(long atMillis, String node, String platform, String site, Health from, Health to, int up,
        int down) {
}
