package org.hubdns.bench.engine;

import org.HdrHistogram.Histogram;

/** Latency percentiles in fractional milliseconds (recorded at microsecond resolution). */
public record Latency(double p50, double p90, double p99, double p999, double max, double mean, double min) {
    public static final Latency NONE = new Latency(0, 0, 0, 0, 0, 0, 0);

    /** @param micros a histogram of microseconds */
    public static Latency of(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return NONE;
        }
        return new Latency(ms(micros.getValueAtPercentile(50)), ms(micros.getValueAtPercentile(90)),
                ms(micros.getValueAtPercentile(99)), ms(micros.getValueAtPercentile(99.9)), ms(micros.getMaxValue()),
                Math.round(micros.getMean()) / 1000.0, ms(micros.getMinValue()));
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
