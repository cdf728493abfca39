package org.hubdns.server.metrics;

import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.hubdns.dns.stats.QueryStats;
import org.hubdns.dns.stats.StatsRegistry;
import org.hubdns.steering.SteeringCounters;

/**
 * The live traffic figures of the dashboard: query rate and processing-time percentiles over the
 * last ten seconds (from one sample of the counters per second), response codes, and steered
 * answers per platform and site against the fallbacks.
 */
public final class Traffic {
    private static final int WINDOW = 10;

    private record Sample(long nanos, long queries, long[] buckets) {
    }

    private final StatsRegistry queries;
    private final SteeringCounters steering;
    private final Deque<Sample> samples = new ArrayDeque<>();

    public Traffic(StatsRegistry queries, SteeringCounters steering) {
        this.queries = queries;
        this.steering = steering;
    }

    /** Takes one sample (call about once a second). */
    public synchronized void sample() {
        QueryStats.Totals t = queries.totals();
        samples.addLast(new Sample(System.nanoTime(), t.total(), t.buckets.clone()));
        while (samples.size() > WINDOW + 1) {
            samples.removeFirst();
        }
    }

    public synchronized JsonObject dashboard() {
        QueryStats.Totals t = queries.totals();
        double qps = 0;
        double p50 = 0;
        double p99 = 0;
        if (samples.size() >= 2) {
            Sample first = samples.peekFirst();
            Sample last = samples.peekLast();
            double seconds = (last.nanos - first.nanos) / 1e9;
            qps = seconds <= 0 ? 0 : (last.queries - first.queries) / seconds;
            long[] delta = new long[last.buckets.length];
            for (int i = 0; i < delta.length; i++) {
                delta[i] = last.buckets[i] - first.buckets[i];
            }
            p50 = quantileMs(delta, 0.50);
            p99 = quantileMs(delta, 0.99);
        }
        JsonObject rcodes = new JsonObject();
        for (int r = 0; r < QueryStats.RCODES.length; r++) {
            long n = t.byRcode(r);
            if (n > 0) {
                rcodes.put(QueryStats.RCODES[r], n);
            }
        }
        JsonObject answers = new JsonObject();
        steering.answers().forEach((p, bySite) -> {
            JsonObject o = new JsonObject();
            bySite.forEach(o::put);
            answers.put(p, o);
        });
        JsonObject fallbacks = new JsonObject();
        steering.fallbacks().forEach((p, byReason) ->
                fallbacks.put(p, byReason.values().stream().mapToLong(Long::longValue).sum()));
        JsonObject located = new JsonObject();
        steering.located().forEach((p, byMethod) -> {
            JsonObject o = new JsonObject();
            byMethod.forEach(o::put);
            located.put(p, o);
        });
        JsonObject clients = new JsonObject();
        steering.clients().forEach((p, byClient) -> {
            JsonObject o = new JsonObject();
            byClient.forEach((c, byAnswer) -> {
                JsonObject a = new JsonObject();
                byAnswer.forEach(a::put);
                o.put(c, a);
            });
            clients.put(p, o);
        });
        return new JsonObject().put("qps", round(qps)).put("latencyMs",
                        new JsonObject().put("p50", round(p50)).put("p99", round(p99)))
                .put("queries", t.total()).put("rcodes", rcodes).put("answers", answers).put("fallbacks", fallbacks)
                .put("located", located).put("clients", clients);
    }

    /** The q-quantile of bucketed counts, interpolated within its bucket, in milliseconds. */
    static double quantileMs(long[] counts, double q) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        if (total == 0) {
            return 0;
        }
        double rank = q * total;
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            if (seen + counts[i] >= rank && counts[i] > 0) {
                double lower = i == 0 ? 0 : QueryStats.BUCKET_NANOS[i - 1];
                if (i >= QueryStats.BUCKET_NANOS.length) {
                    return lower / 1e6; // the open top bucket: its lower bound
                }
                double upper = QueryStats.BUCKET_NANOS[i];
                return (lower + (upper - lower) * (rank - seen) / counts[i]) / 1e6;
            }
            seen += counts[i];
        }
        return 0;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** For tests and the dashboard: platform -> site -> answers. */
    public Map<String, Map<String, Long>> answers() {
        return steering.answers();
    }
}
