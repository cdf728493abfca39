package org.hubdns.bench.engine;

/**
 * One second of the measured run.
 *
 * @param second seconds since the end of the warm-up at the end of this interval
 * @param rate answers received per second in this interval
 * @param p50 milliseconds, of the answers received in this interval
 * @param errors answers whose RCODE is not NOERROR
 * @param watchNamed answers naming a watched address (scenarios)
 * @param receivedBy answers per server, in the order of {@code --server}
 */
public record TimelinePoint(double second, long sent, long received, double rate, long lost, long errors, double p50,
        double p99, double max, long watchNamed, long answerChanges, long[] receivedBy, long[] lostBy) {
}
