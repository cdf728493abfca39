package org.hubdns.bench.engine;

import java.util.Map;

/**
 * The once-a-second view of a running load, for the console and for scenarios.
 *
 * @param elapsed seconds since sending began (warm-up included)
 * @param phase {@code warmup}, {@code run} or {@code drain} (waiting for the last answers)
 * @param sent measured queries sent so far
 * @param rate answers per second over the last interval
 * @param p50 milliseconds over the last interval
 * @param timeouts queries given up in the last interval
 * @param rcodeShares share of each RCODE among the last interval's answers
 * @param sample the interval's raw counts
 * @param nanoTime when the sample was taken ({@link System#nanoTime()})
 * @param measureStart when the warm-up ended ({@link System#nanoTime()})
 */
public record Progress(double elapsed, String phase, long sent, double rate, double p50, double p99, long timeouts,
        Map<String, Double> rcodeShares, Sample sample, long nanoTime, long measureStart) {
}
