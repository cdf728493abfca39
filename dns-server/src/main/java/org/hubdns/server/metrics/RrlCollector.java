package org.hubdns.server.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.hubdns.dns.rrl.ResponseRateLimiter;

/**
 * {@code hubdns_rrl_responses_total{action}} and {@code hubdns_rrl_table_entries}, read at scrape
 * time (the entries by a scan of the table: the query path keeps no count of them). Present, at
 * zero, when RRL is off, so dashboards and alerts need no special case.
 */
final class RrlCollector implements MultiCollector {
    private final ResponseRateLimiter limiter;

    RrlCollector(ResponseRateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public MetricSnapshots collect() {
        // the counter's name gets its _total suffix from the exposition format
        CounterSnapshot responses = CounterSnapshot.builder().name("hubdns_rrl_responses")
                .help("UDP responses the rate limiter acted on: slipped (sent as TC=1 or BADCOOKIE), dropped, "
                        + "or logged (would have been limited, --rrl-log-only)")
                .dataPoint(counter(limiter.slipped(), "slipped"))
                .dataPoint(counter(limiter.dropped(), "dropped"))
                .dataPoint(counter(limiter.logged(), "logged"))
                .build();
        GaugeSnapshot entries = GaugeSnapshot.builder().name("hubdns_rrl_table_entries")
                .help("Rate-limit accounts used within the last --rrl-window (at most --rrl-table-size)")
                .dataPoint(GaugeDataPointSnapshot.builder().value(limiter.tableEntries()).build())
                .build();
        return MetricSnapshots.of(responses, entries);
    }

    private static CounterDataPointSnapshot counter(long value, String action) {
        return CounterDataPointSnapshot.builder().value(value).labels(Labels.of("action", action)).build();
    }
}
