package org.hubdns.bench.engine;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.IntCountsHistogram;

/**
 * Everything one event loop counts about the measured queries (those sent at or after the end of
 * the warm-up). Written only by its loop; read by the coordinator through tasks run on that loop.
 */
final class LoopStats {
    /** Latencies are recorded in microseconds; an hour is far beyond any timeout plus send lag. */
    static final long HIGHEST_MICROS = 3_600_000_000L;
    static final int DIGITS = 3;

    long sent;
    long received;
    long lost;
    long unexpected;
    long mismatched;
    long malformed;
    long truncated;
    long recordsMalformed;
    long sendErrors;
    long connectionLosses;
    final long[] rcodes = new long[4096];
    final long[] ecsScopes = new long[129];
    final AddressCounts answers = new AddressCounts();
    final AddressCounts first = new AddressCounts();
    final long[] sentBy;
    final long[] receivedBy;
    final long[] lostBy;
    IntCountsHistogram interval = new IntCountsHistogram(HIGHEST_MICROS, DIGITS);
    /** Warm-up answers: shown in the progress line, never in the report. */
    IntCountsHistogram warmup = new IntCountsHistogram(HIGHEST_MICROS, DIGITS);
    long warmupSent;
    long warmupReceived;
    long warmupLost;
    final Histogram total = new Histogram(HIGHEST_MICROS, DIGITS);
    final Histogram sendLag = new Histogram(HIGHEST_MICROS, DIGITS);
    /** Open loop: latency from the actual send (what dnsperf reports), beside the one from the intended time. */
    final Histogram service = new Histogram(HIGHEST_MICROS, DIGITS);
    long watchNamed;
    long watchLastSent = Long.MIN_VALUE;
    final int[] fingerprints;
    long answerChanges;

    LoopStats(int servers, int fingerprintKeys) {
        sentBy = new long[servers];
        receivedBy = new long[servers];
        lostBy = new long[servers];
        fingerprints = new int[fingerprintKeys];
    }

    void latency(long nanos) {
        interval.recordValue(micros(nanos));
    }

    void serviceLatency(long nanos) {
        service.recordValue(micros(nanos));
    }

    void warmupLatency(long nanos) {
        warmup.recordValue(micros(nanos));
    }

    private static long micros(long nanos) {
        return Math.min(Math.max((nanos + 500) / 1000, 0), HIGHEST_MICROS);
    }

    void lag(long nanos) {
        sendLag.recordValue(Math.min(Math.max(nanos / 1000, 0), HIGHEST_MICROS));
    }
}
