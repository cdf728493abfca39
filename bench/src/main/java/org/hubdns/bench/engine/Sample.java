package org.hubdns.bench.engine;

import org.HdrHistogram.Histogram;

/**
 * What happened since the previous sample (one loop's, or every loop's summed): counts of
 * measured queries, the latencies recorded, the watched addresses' latest sighting, and the
 * warm-up's own counts (for the progress line only).
 *
 * @param latency microseconds, measured answers
 * @param watchLastSent send time (nanoTime) of the latest measured query whose answer named a
 *     watched address, or {@code Long.MIN_VALUE}
 */
public record Sample(
        long sent,
        long received,
        long lost,
        long unexpected,
        long mismatched,
        long malformed,
        long[] rcodes,
        long[] sentBy,
        long[] receivedBy,
        long[] lostBy,
        Histogram latency,
        long watchNamed,
        long watchLastSent,
        long answerChanges,
        long warmupSent,
        long warmupReceived,
        long warmupLost,
        Histogram warmupLatency) {

    static Sample empty(int servers) {
        return new Sample(0, 0, 0, 0, 0, 0, new long[4096], new long[servers], new long[servers], new long[servers],
                histogram(), 0, Long.MIN_VALUE, 0, 0, 0, 0, histogram());
    }

    static Histogram histogram() {
        return new Histogram(LoopStats.HIGHEST_MICROS, LoopStats.DIGITS);
    }

    /** Adds {@code o} into this sample's arrays and histograms (which this sample owns) and returns the sum. */
    Sample plus(Sample o) {
        add(rcodes, o.rcodes);
        add(sentBy, o.sentBy);
        add(receivedBy, o.receivedBy);
        add(lostBy, o.lostBy);
        latency.add(o.latency);
        warmupLatency.add(o.warmupLatency);
        return new Sample(sent + o.sent, received + o.received, lost + o.lost, unexpected + o.unexpected,
                mismatched + o.mismatched, malformed + o.malformed, rcodes, sentBy, receivedBy, lostBy, latency,
                watchNamed + o.watchNamed, latest(watchLastSent, o.watchLastSent), answerChanges + o.answerChanges,
                warmupSent + o.warmupSent, warmupReceived + o.warmupReceived, warmupLost + o.warmupLost,
                warmupLatency);
    }

    /** The later of two nanoTime values, either of which may be the {@code Long.MIN_VALUE} "never" sentinel. */
    public static long latest(long a, long b) {
        if (a == Long.MIN_VALUE) {
            return b;
        }
        if (b == Long.MIN_VALUE) {
            return a;
        }
        return b - a > 0 ? b : a;
    }

    private static void add(long[] into, long[] from) {
        for (int i = 0; i < into.length; i++) {
            into[i] += from[i];
        }
    }

    /** Responses that are not NOERROR. */
    public long errors() {
        long e = 0;
        for (int i = 1; i < rcodes.length; i++) {
            e += rcodes[i];
        }
        return e;
    }
}
