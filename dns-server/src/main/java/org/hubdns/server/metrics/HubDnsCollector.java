package org.hubdns.server.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.Health;
import org.hubdns.cluster.store.RegistryView;
import org.hubdns.dns.stats.QueryStats;
import org.hubdns.health.HealthChecker;
import org.hubdns.health.NodeHealth;
import org.hubdns.health.ProbeStats;

/**
 * Every {@code hubdns_*} family, read at scrape time from counters the member keeps anyway (the
 * query path's per-loop counters, steering's adders, the health checker's stats): nothing here runs
 * per query. Families exist from start-up, with every known label value at zero.
 */
final class HubDnsCollector implements MultiCollector {
    /** Per-node health series beyond this many nodes are left out (and counted): bounded cardinality. */
    static final int NODE_HEALTH_LIMIT = 10_000;
    private static final double[] PROBE_BUCKETS_SECONDS = toSeconds(ProbeStats.BUCKET_MICROS, 1e-6);
    private static final double[] QUERY_BUCKETS_SECONDS = toSeconds(QueryStats.BUCKET_NANOS, 1e-9);

    private final MetricSources s;

    HubDnsCollector(MetricSources sources) {
        this.s = sources;
    }

    private static double[] toSeconds(long[] bounds, double unit) {
        double[] out = new double[bounds.length + 1];
        for (int i = 0; i < bounds.length; i++) {
            out[i] = bounds[i] * unit;
        }
        out[bounds.length] = Double.POSITIVE_INFINITY;
        return out;
    }

    @Override
    public MetricSnapshots collect() {
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        QueryStats.Totals t = s.queries().totals();

        CounterSnapshot.Builder queries = CounterSnapshot.builder().name("hubdns_dns_queries")
                .help("DNS queries answered, by transport, question type and response code");
        for (int tr = 0; tr < QueryStats.TRANSPORTS.length; tr++) {
            for (int q = 0; q < QueryStats.QTYPES.length; q++) {
                for (int r = 0; r < QueryStats.RCODES.length; r++) {
                    queries.dataPoint(counter(t.queries[QueryStats.slot(tr, q, r)], "transport",
                            QueryStats.TRANSPORTS[tr], "qtype", QueryStats.QTYPES[q], "rcode", QueryStats.RCODES[r]));
                }
            }
        }
        out.metricSnapshot(queries.build());

        CounterSnapshot.Builder dropped = CounterSnapshot.builder().name("hubdns_dns_dropped")
                .help("DNS packets dropped without an answer (not a query, or unreadable), by transport");
        for (int tr = 0; tr < QueryStats.TRANSPORTS.length; tr++) {
            dropped.dataPoint(counter(t.dropped[tr], "transport", QueryStats.TRANSPORTS[tr]));
        }
        out.metricSnapshot(dropped.build());
        out.metricSnapshot(CounterSnapshot.builder().name("hubdns_dns_errors")
                .help("UDP packets that could not be read or answered because of an error inside hubdns")
                .dataPoint(counter(s.udpErrors().getAsLong())).build());

        out.metricSnapshot(HistogramSnapshot.builder().name("hubdns_dns_request_duration_seconds")
                .help("Time a DNS query spent in hubdns: from reading it (over UDP, its batch) to handing its answer to the kernel")
                .dataPoint(HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(QUERY_BUCKETS_SECONDS, t.buckets))
                        .sum(t.duration[0] / 1e9).build())
                .build());

        CounterSnapshot.Builder ecs = CounterSnapshot.builder().name("hubdns_ecs_queries")
                .help("Queries carrying an EDNS Client Subnet option, by address family");
        for (int f = 0; f < QueryStats.FAMILIES.length; f++) {
            ecs.dataPoint(counter(t.ecs[f], "family", QueryStats.FAMILIES[f]));
        }
        out.metricSnapshot(ecs.build());

        CounterSnapshot.Builder answers = CounterSnapshot.builder().name("hubdns_steering_answers")
                .help("Steered answers, by platform and the site of the first node answered");
        s.steering().answers().forEach((platform, bySite) -> bySite.forEach((site, n) ->
                answers.dataPoint(counter(n, "platform", platform, "site", site))));
        out.metricSnapshot(answers.build());
        CounterSnapshot.Builder fallbacks = CounterSnapshot.builder().name("hubdns_steering_fallbacks")
                .help("Answers with the platform's fallback (origin), by platform and reason");
        s.steering().fallbacks().forEach((platform, byReason) -> byReason.forEach((reason, n) ->
                fallbacks.dataPoint(counter(n, "platform", platform, "reason", reason))));
        out.metricSnapshot(fallbacks.build());
        CounterSnapshot.Builder located = CounterSnapshot.builder().name("hubdns_steering_located")
                .help("Steering answers (local or fallback) by platform and how the client was placed: "
                        + "coverage, bgp (a coverage feed), geoip, geoip_coarse (only a country), none");
        s.steering().located().forEach((platform, byMethod) -> byMethod.forEach((method, n) ->
                located.dataPoint(counter(n, "platform", platform, "method", method))));
        out.metricSnapshot(located.build());
        CounterSnapshot.Builder clients = CounterSnapshot.builder().name("hubdns_steering_clients")
                .help("Steering answers by platform, whose client (in_country: in a country of the platform's "
                        + "sites, foreign, unlocated) and answer (local node or fallback)");
        s.steering().clients().forEach((platform, byClient) -> byClient.forEach((client, byAnswer) ->
                byAnswer.forEach((answer, n) -> clients.dataPoint(counter(n, "platform", platform, "client", client,
                        "answer", answer)))));
        out.metricSnapshot(clients.build());

        health(out);

        out.metricSnapshot(gauge("hubdns_cluster_members", "Members of the cluster as this member sees it",
                s.members().getAsInt()));
        out.metricSnapshot(gauge("hubdns_snapshot_age_seconds", "Seconds this member's DNS snapshot has been behind the registry (0 while it is current)",
                s.snapshotAgeSeconds().getAsDouble()));
        out.metricSnapshot(gauge("hubdns_snapshot_version", "Generation of the DNS snapshot this member serves",
                s.snapshotVersion().getAsLong()));
        Long geo = s.geoipBuildEpochSeconds().get();
        if (geo != null) {
            out.metricSnapshot(gauge("hubdns_geoip_database_build_timestamp_seconds",
                    "Build time of the GeoIP database this member serves (Unix seconds)", geo));
        }
        feeds(out);
        out.metricSnapshot(CounterSnapshot.builder().name("hubdns_query_log_dropped")
                .help("Query log lines dropped because the writer fell behind")
                .dataPoint(counter(s.queryLogDropped().getAsLong())).build());
        return out.build();
    }

    private void health(MetricSnapshots.Builder out) {
        HealthChecker h = s.health().get();
        RegistryView view = s.view().get();
        GaugeSnapshot.Builder nodes = GaugeSnapshot.builder().name("hubdns_node_health")
                .help("Health of each cache node as this member sees it: 1 up, 0 down, -1 unknown (at most "
                        + NODE_HEALTH_LIMIT + " nodes)");
        int dropped = 0;
        if (h != null && view != null) {
            Map<String, NodeHealth> all = h.all();
            List<CacheNode> sorted = view.nodes().values().stream().sorted(Comparator.comparing(CacheNode::id))
                    .toList();
            int n = 0;
            for (CacheNode node : sorted) {
                if (n++ >= NODE_HEALTH_LIMIT) {
                    dropped++;
                    continue;
                }
                NodeHealth nh = all.get(node.id());
                Health health = nh == null ? h.of(node).health() : nh.health();
                nodes.dataPoint(GaugeDataPointSnapshot.builder()
                        .value(switch (health) {
                            case UP -> 1;
                            case DOWN -> 0;
                            case UNKNOWN -> -1;
                        })
                        .labels(Labels.of("node", node.id(), "platform", node.platform(), "site", node.site()))
                        .build());
            }
        }
        out.metricSnapshot(nodes.build());
        out.metricSnapshot(gauge("hubdns_node_health_dropped",
                "Nodes left out of hubdns_node_health because of its series limit", dropped));
        ProbeStats st = h == null ? null : h.stats();
        out.metricSnapshot(CounterSnapshot.builder().name("hubdns_health_probes")
                .help("Health probes sent by this member, by result (ok, failed, timeout)")
                .dataPoint(counter(st == null ? 0 : st.ok(), "result", "ok"))
                .dataPoint(counter(st == null ? 0 : st.failed(), "result", "failed"))
                .dataPoint(counter(st == null ? 0 : st.timedOut(), "result", "timeout")).build());
        long[] buckets = st == null ? new long[ProbeStats.BUCKET_MICROS.length + 1] : st.latencyBuckets();
        out.metricSnapshot(HistogramSnapshot.builder().name("hubdns_health_probe_duration_seconds")
                .help("Time a health probe took (all of a node's addresses), whatever its result")
                .dataPoint(HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(PROBE_BUCKETS_SECONDS, buckets))
                        .sum(st == null ? 0 : st.latencyMicrosTotal() / 1e6).build())
                .build());
        out.metricSnapshot(CounterSnapshot.builder().name("hubdns_health_changes")
                .help("Changes of a node's health seen by this member")
                .dataPoint(counter(st == null ? 0 : st.stateChanges())).build());
    }

    private void feeds(MetricSnapshots.Builder out) {
        GaugeSnapshot.Builder routes = GaugeSnapshot.builder().name("hubdns_coverage_feed_routes")
                .help("Routes in each coverage feed's table on this member, by address family (every path counts)");
        GaugeSnapshot.Builder age = GaugeSnapshot.builder().name("hubdns_coverage_feed_age_seconds")
                .help("Seconds since each coverage feed's last change, table dump or heartbeat");
        GaugeSnapshot.Builder stale = GaugeSnapshot.builder().name("hubdns_coverage_feed_stale")
                .help("1 while a coverage feed is stale (older than its staleAfterS) and places no clients, else 0");
        long now = System.currentTimeMillis();
        s.feeds().get().forEach((name, f) -> {
            routes.dataPoint(GaugeDataPointSnapshot.builder().value(f.routesV4())
                    .labels(Labels.of("family", "ipv4", "feed", name)).build());
            routes.dataPoint(GaugeDataPointSnapshot.builder().value(f.routesV6())
                    .labels(Labels.of("family", "ipv6", "feed", name)).build());
            age.dataPoint(GaugeDataPointSnapshot.builder().value(Math.max(0, now - f.lastUpdateMillis()) / 1000.0)
                    .labels(Labels.of("feed", name)).build());
            stale.dataPoint(GaugeDataPointSnapshot.builder().value(f.stale() ? 1 : 0)
                    .labels(Labels.of("feed", name)).build());
        });
        out.metricSnapshot(routes.build());
        out.metricSnapshot(age.build());
        out.metricSnapshot(stale.build());
    }

    private static CounterDataPointSnapshot counter(long value, String... labels) {
        return CounterDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build();
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
    }
}
