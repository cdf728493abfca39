package org.hubdns.bench.engine;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one load run; the report is built from it.
 *
 * @param qps answers received per measured second
 * @param lost queries that got no matching answer within the timeout (or whose connection closed)
 * @param unexpected responses matching no query in flight (wrong ID, too late, from another address)
 * @param mismatched responses with a query's ID but another question
 * @param malformed datagrams that are not a DNS response (short, QR clear, bad question)
 * @param sendLagMs open loop: how late queries left against their schedule (null in closed loop)
 * @param serviceLatencyMs open loop: latency from the actual send time, as dnsperf counts it (null in closed loop)
 * @param answers every A/AAAA address in the answers (and CNAME targets of address-less answers)
 * @param firstAnswers the first address of each answer, or {@link #NO_ADDRESS}, or {@code CNAME target}
 * @param ecsScopes answers per ECS scope prefix length, for answers carrying ECS
 * @param latency microseconds, every measured answer
 * @param answerChanges answers to the same question and client network that differed from the previous one
 */
public record RunResult(
        boolean nativeTransport,
        double measuredSeconds,
        double qps,
        long sent,
        long received,
        long lost,
        long unexpected,
        long mismatched,
        long malformed,
        long truncated,
        long recordsMalformed,
        long sendErrors,
        long connectionLosses,
        Latency latencyMs,
        Latency sendLagMs,
        Latency serviceLatencyMs,
        Map<String, Long> rcodes,
        Map<String, Long> answers,
        Map<String, Long> firstAnswers,
        Map<Integer, Long> ecsScopes,
        long[] sentBy,
        long[] receivedBy,
        long[] lostBy,
        List<TimelinePoint> timeline,
        Histogram latency,
        long answerChanges,
        boolean stoppedEarly) {
    /** The first-answer key of an answer without any address (NXDOMAIN, NODATA, ...). */
    public static final String NO_ADDRESS = "(no address)";
}
