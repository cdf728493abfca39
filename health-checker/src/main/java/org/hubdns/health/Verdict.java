package org.hubdns.health;

import org.hubdns.cluster.model.Health;

/**
 * One prober's verdict on one node, as published in the cluster's {@code health-verdicts} map
 * (key {@code node@member}); written when it changes, not per probe.
 *
 * @param member the prober's member id; {@code address} its cluster address, for people
 * @param health {@link Health#UP} or {@link Health#DOWN} (stored as the word {@code up} or {@code down})
 * @param sinceMillis when this prober reached the verdict
 */
record Verdict(String node, String member, String address, Health health, long sinceMillis) {
    static String key(String node, String member) {
        return node + "@" + member;
    }

    boolean up() {
        return health == Health.UP;
    }
}
