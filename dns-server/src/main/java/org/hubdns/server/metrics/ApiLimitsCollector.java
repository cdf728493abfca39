package org.hubdns.server.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.hubdns.api.ApiLimiter;
import org.hubdns.api.AuthFailure;

/**
 * {@code hubdns_api_auth_failures_total{reason}} (missing, invalid, expired),
 * {@code hubdns_api_limited_total{limit}} (read, write, auth-failure, large-upload) and
 * {@code hubdns_api_uploads_in_progress}, read at scrape time. Every label is present from the
 * start, at zero, so alerts need no special case.
 */
final class ApiLimitsCollector implements MultiCollector {
    private final ApiLimiter limiter;

    ApiLimitsCollector(ApiLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public MetricSnapshots collect() {
        // the counters' names get their _total suffix from the exposition format
        CounterSnapshot.Builder failures = CounterSnapshot.builder().name("hubdns_api_auth_failures")
                .help("API requests refused 401 (or 429 over the failed-authentication limit), by why the token "
                        + "failed: missing, invalid, expired");
        for (AuthFailure f : AuthFailure.values()) {
            failures.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(limiter.authFailures(f))
                    .labels(Labels.of("reason", f.label())).build());
        }
        CounterSnapshot.Builder limited = CounterSnapshot.builder().name("hubdns_api_limited")
                .help("API requests refused by a limit: read, write or auth-failure (429), large-upload (503)");
        for (ApiLimiter.Limit l : ApiLimiter.Limit.values()) {
            limited.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(limiter.refused(l))
                    .labels(Labels.of("limit", l.label())).build());
        }
        GaugeSnapshot uploads = GaugeSnapshot.builder().name("hubdns_api_uploads_in_progress")
                .help("Large uploads (GeoIP, coverage zones, table dumps) being received (at most --api-large-uploads)")
                .dataPoint(GaugeDataPointSnapshot.builder().value(limiter.uploadsInProgress()).build())
                .build();
        return MetricSnapshots.of(failures.build(), limited.build(), uploads);
    }
}
