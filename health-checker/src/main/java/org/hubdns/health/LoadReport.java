package org.hubdns.health;

/**
 * A partner's last report of a node's load (fraction of capacity in use), as stored in the
 * cluster's {@code node-load} map; {@code reportedAtMillis} is the accepting member's clock.
 */
record LoadReport(double load, long reportedAtMillis) {
}
