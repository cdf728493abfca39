package org.hubdns.server.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.function.LongSupplier;

/**
 * The HTTP listener's connection limits, read at scrape time: {@code hubdns_http_connections_open},
 * {@code hubdns_http_connections_refused_total} (over {@code --http-max-connections}) and
 * {@code hubdns_http_connections_slow_closed_total} (a client too slow with its headers or body).
 * Present from start-up at zero, so that an alert on a rise needs no special case.
 */
final class HttpConnectionsCollector implements MultiCollector {
    private final LongSupplier open;
    private final LongSupplier refused;
    private final LongSupplier slowClosed;

    HttpConnectionsCollector(LongSupplier open, LongSupplier refused, LongSupplier slowClosed) {
        this.open = open;
        this.refused = refused;
        this.slowClosed = slowClosed;
    }

    @Override
    public MetricSnapshots collect() {
        // the counters' names get their _total suffix from the exposition format
        return MetricSnapshots.of(
                GaugeSnapshot.builder().name("hubdns_http_connections_open")
                        .help("HTTP API connections open now (at most --http-max-connections)")
                        .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(open.getAsLong()).build())
                        .build(),
                CounterSnapshot.builder().name("hubdns_http_connections_refused")
                        .help("HTTP API connections closed as they were accepted because --http-max-connections "
                                + "were open")
                        .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(refused.getAsLong()).build())
                        .build(),
                CounterSnapshot.builder().name("hubdns_http_connections_slow_closed")
                        .help("HTTP API connections closed because the client sent its request headers or body "
                                + "too slowly (--http-header-timeout, --http-body-timeout)")
                        .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(slowClosed.getAsLong())
                                .build())
                        .build());
    }
}
