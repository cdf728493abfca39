package org.hubdns.server.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.hubdns.api.ApiLimiter;
import org.hubdns.dns.rrl.ResponseRateLimiter;

/**
 * The member's metrics registry: Micrometer's JVM and process binders and Vert.x's own metrics
 * (through {@link #meterRegistry()}), plus hubdns's families from {@link HubDnsCollector}, all
 * rendered by {@link #scrape()} in the Prometheus text format for {@code GET /metrics}.
 */
public final class Metrics implements AutoCloseable {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public Metrics() {
        PrometheusRegistry prometheus = new PrometheusRegistry();
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, prometheus, Clock.SYSTEM);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** Adds hubdns's own families (once the member's parts exist). */
    public void register(MetricSources sources) {
        registry.getPrometheusRegistry().register(new HubDnsCollector(sources));
    }

    /** Adds the response rate limiter's families ({@code hubdns_rrl_*}). */
    public void register(ResponseRateLimiter limiter) {
        registry.getPrometheusRegistry().register(new RrlCollector(limiter));
    }

    /** Adds the HTTP API's limit families ({@code hubdns_api_auth_failures_total}, {@code hubdns_api_limited_total}). */
    public void register(ApiLimiter limiter) {
        registry.getPrometheusRegistry().register(new ApiLimitsCollector(limiter));
    }

    /** Adds the DNSSEC signer's families ({@code hubdns_dnssec_*}). */
    public void register(org.hubdns.dnssec.Dnssec dnssec) {
        registry.getPrometheusRegistry().register(new DnssecCollector(dnssec));
    }

    /**
     * Adds the HTTP listener's connection families ({@code hubdns_http_connections_*}): open now,
     * refused over the cap, closed as too slow.
     */
    public void registerHttpConnections(java.util.function.LongSupplier open, java.util.function.LongSupplier refused,
            java.util.function.LongSupplier slowClosed) {
        registry.getPrometheusRegistry().register(new HttpConnectionsCollector(open, refused, slowClosed));
    }

    /** Adds each UDP receiving socket's counts ({@code hubdns_udp_*}), read from the listeners at scrape time. */
    public void registerUdpSockets(java.util.function.Supplier<java.util.List<org.hubdns.dns.transport.UdpListener>> listeners) {
        registry.getPrometheusRegistry().register(new UdpSocketsCollector(listeners));
    }

    /** For Vert.x's metrics SPI. */
    public MeterRegistry meterRegistry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
