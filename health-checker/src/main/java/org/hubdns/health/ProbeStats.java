package org.hubdns.health;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of this member's probes, for the operator and for metrics: results by outcome, latency
 * (total and in buckets), plus the number of aggregated health changes this member has seen.
 */
public final class ProbeStats {
    private final LongAdder ok = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder latencyMicros = new LongAdder();
    /** Upper bounds of the probe latency buckets in microseconds (the last bucket is +Inf). */
    public static final long[] BUCKET_MICROS = {1_000, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
        1_000_000, 2_500_000, 5_000_000};
    private final LongAdder[] buckets = new LongAdder[BUCKET_MICROS.length + 1];

    public ProbeStats() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }
    final LongAdder stateChanges = new LongAdder();

    void record(ProbeResult r) {
        (r.ok() ? ok : r.timedOut() ? timedOut : failed).increment();
        latencyMicros.add(r.latencyMicros());
        int b = 0;
        while (b < BUCKET_MICROS.length && r.latencyMicros() > BUCKET_MICROS[b]) {
            b++;
        }
        buckets[b].increment();
    }

    /** Probes per latency bucket (not cumulative), bounds as {@link #BUCKET_MICROS} then +Inf. */
    public long[] latencyBuckets() {
        long[] out = new long[buckets.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = buckets[i].sum();
        }
        return out;
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
