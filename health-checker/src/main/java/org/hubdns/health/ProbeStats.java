package org.hubdns.health;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of this member's probes, for the operator and for metrics: results by outcome and the
 * total latency, plus the number of aggregated health changes this member has seen.
 */
public final class ProbeStats {
    private final LongAdder ok = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder latencyMicros = new LongAdder();
    final LongAdder stateChanges = new LongAdder();

    void record(ProbeResult r) {
        (r.ok() ? ok : r.timedOut() ? timedOut : failed).increment();
        latencyMicros.add(r.latencyMicros());
    }

    public long ok() {
        return ok.sum();
    }

    /** Failed probes other than timeouts (refused, wrong status, reset). */
    public long failed() {
        return failed.sum();
    }

    public long timedOut() {
        return timedOut.sum();
    }

    public long latencyMicrosTotal() {
        return latencyMicros.sum();
    }

    public long stateChanges() {
        return stateChanges.sum();
    }
}
