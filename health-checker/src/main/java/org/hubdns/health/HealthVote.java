package org.hubdns.health;

import java.util.concurrent.TimeUnit;
import org.hubdns.cluster.model.Health;

/**
 * How every member turns the probers' verdicts on one node into the node's health: the rule for
 * when a verdict counts, and the vote over the counting ones. Pure (no cluster, no clock): the
 * {@link HealthChecker} feeds it what it saw, and so does the per-prober detail of the API.
 */
final class HealthVote {
    /** A heartbeat (or a load report) vouches for this many of the node's probe intervals. */
    static final int INTERVALS = 3;

    private HealthVote() {
    }

    /** How long a heartbeat or load report counts for a node probed every {@code intervalMs}. */
    static long windowNanos(int intervalMs) {
        return TimeUnit.MILLISECONDS.toNanos((long) INTERVALS * intervalMs);
    }

    /**
     * Whether one current prober's verdict counts: it has published one, its member is in the
     * cluster, and that member's last heartbeat was seen at most {@code windowNanos} ago. This
     * member's own verdicts need no heartbeat: its prober withdraws what it stops probing.
     *
     * @param lastBeatNanos local {@code nanoTime} of the member's last heartbeat seen, null if none
     */
    static boolean counts(boolean published, boolean inCluster, boolean own, Long lastBeatNanos, long nowNanos,
            long windowNanos) {
        return published && inCluster && (own || lastBeatNanos != null && nowNanos - lastBeatNanos <= windowNanos);
    }

    /**
     * The node's health from the counting votes: the majority; a tie keeps {@code last} (what the
     * majority said before, null when this member has no health for the node yet); no vote at all
     * is {@link Health#UNKNOWN}.
     */
    static Health outcome(int up, int down, Health last) {
        if (up > down) {
            return Health.UP;
        }
        if (down > up) {
            return Health.DOWN;
        }
        return up > 0 && last != null ? last : Health.UNKNOWN;
    }
}
