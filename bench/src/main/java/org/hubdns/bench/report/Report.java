package org.hubdns.bench.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import org.hubdns.bench.engine.Latency;
import org.hubdns.bench.engine.TimelinePoint;

/**
 * report.json: stable field names, documented in {@code bench/report-schema.json} and the README.
 * New fields may be added; existing ones keep their name and meaning ({@link #SCHEMA} changes otherwise).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Report(
        int schema,
        String tool,
        String command,
        Environment environment,
        Settings settings,
        double qps,
        long sent,
        long received,
        long lost,
        double lostPercent,
        Latency latencyMs,
        Map<String, Long> rcodes,
        Map<String, Long> answers,
        Map<String, Long> sites,
        Map<String, Long> ecsScopes,
        Map<String, Long> firstAnswers,
        Map<String, String> addressSites,
        Problems problems,
        Latency sendLagMs,
        Latency serviceLatencyMs,
        List<ServerStats> servers,
        long answerChanges,
        boolean stoppedEarly,
        List<TimelinePoint> timeline,
        List<Percentile> latencyDistribution,
        List<Bucket> latencyHistogram,
        Map<String, Object> scenario) {
    public static final int SCHEMA = 1;

    /** Where and with what the run was made. */
    public record Environment(String startedAt, String java, String os, int cpus, String loadAverage,
            String transport, String host, String benchVersion) {
    }

    /** What the run was asked to do. */
    public record Settings(List<String> servers, String transport, String mode, int concurrency, int sockets,
            int threads, Double rate, double warmupSeconds, Double durationSeconds, Long count, long timeoutMs,
            String queries, int distinctQuestions, String ecs, boolean dnssecOk, String siteMap,
            double measuredSeconds) {
    }

    /** Responses and events that are not ordinary answers. */
    public record Problems(long unexpected, long mismatched, long malformed, long truncated, long recordsMalformed,
            long sendErrors, long connectionLosses) {
    }

    /** Counts for one --server. */
    public record ServerStats(String server, long sent, long received, long lost) {
    }

    /** One point of the latency distribution: {@code percentile} of answers took at most {@code ms}. */
    public record Percentile(double percentile, double ms) {
    }

    /** Answers whose latency fell in [fromMs, toMs). */
    public record Bucket(double fromMs, double toMs, long count) {
    }
}
