package org.hubdns.health;

import java.util.List;
import org.hubdns.cluster.model.Health;

/**
 * How this member sees one node right now: the aggregated health and how it was reached (votes of
 * the node's current probers that count), and its load.
 *
 * @param probers the members that should probe it (k of the live members), empty without checks
 * @param up votes for up among them that count (published, and their member's heartbeat is fresh)
 * @param down votes for down that count
 * @param sinceMillis when this member saw the health change last (0: since this member started)
 * @param loadCounting whether the last load report is recent enough (3 intervals) to steer by
 */
public record NodeHealth(String node, Health health, List<String> probers, int up, int down, long sinceMillis,
        double load, long loadReportedAtMillis, boolean loadCounting) {
}
