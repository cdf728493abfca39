package org.hubdns.server.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Map;
import java.util.TreeMap;
import org.hubdns.dnssec.Dnssec;

/**
 * {@code hubdns_dnssec_signatures_total{zone}}, {@code hubdns_dnssec_signature_cache_entries},
 * {@code hubdns_dnssec_signing_queue} and {@code hubdns_dnssec_signature_expiry_seconds{zone}} (the
 * time left until the soonest RRSIG this member serves for the zone expires: refresh normally
 * keeps it above the refresh margin, so a low value means signing is stuck). Read at scrape time.
 */
final class DnssecCollector implements MultiCollector {
    private final Dnssec dnssec;

    DnssecCollector(Dnssec dnssec) {
        this.dnssec = dnssec;
    }

    @Override
    public MetricSnapshots collect() {
        CounterSnapshot.Builder signatures = CounterSnapshot.builder().name("hubdns_dnssec_signatures")
                .help("RRSIGs this member made, by zone (answers copy cached signatures; this grows with new "
                        + "RRsets and refreshes only)");
        new TreeMap<>(dnssec.cache().signaturesByZone()).forEach((zone, n) -> signatures.dataPoint(
                CounterDataPointSnapshot.builder().value(n.sum()).labels(Labels.of("zone", zone)).build()));
        GaugeSnapshot entries = GaugeSnapshot.builder().name("hubdns_dnssec_signature_cache_entries")
                .help("RRSIGs kept by RRset content for reuse across snapshots")
                .dataPoint(GaugeDataPointSnapshot.builder().value(dnssec.cache().size()).build()).build();
        GaugeSnapshot queue = GaugeSnapshot.builder().name("hubdns_dnssec_signing_queue")
                .help("RRsets waiting on the signing pool")
                .dataPoint(GaugeDataPointSnapshot.builder().value(dnssec.cache().queued()).build()).build();
        GaugeSnapshot.Builder expiry = GaugeSnapshot.builder().name("hubdns_dnssec_signature_expiry_seconds")
                .help("Seconds until the soonest RRSIG served for the zone expires");
        long now = System.currentTimeMillis();
        for (Map.Entry<String, Dnssec.Report> e : new TreeMap<>(dnssec.reports()).entrySet()) {
            expiry.dataPoint(GaugeDataPointSnapshot.builder().value((e.getValue().soonestExpiry() - now) / 1000.0)
                    .labels(Labels.of("zone", e.getKey())).build());
        }
        return MetricSnapshots.of(signatures.build(), entries, queue, expiry.build());
    }
}
