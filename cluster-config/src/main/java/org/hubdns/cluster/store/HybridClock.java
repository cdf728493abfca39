package org.hubdns.cluster.store;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Versions for registry writes: wall-clock microseconds, never going backwards on this member and
 * always above the version being replaced, so the last write wins across members and restarts
 * (as long as member clocks agree to within the time between two writes of the same key).
 */
public final class HybridClock {
    private final AtomicLong last = new AtomicLong();

    public long next(long above) {
        long now = System.currentTimeMillis() * 1000;
        return last.accumulateAndGet(Math.max(now, above + 1), (prev, cand) -> Math.max(prev + 1, cand));
    }
}
