package org.hubdns.server.metrics;

import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.hubdns.cluster.store.RegistryView;
import org.hubdns.dns.stats.StatsRegistry;
import org.hubdns.health.HealthChecker;
import org.hubdns.steering.SteeringCounters;

/**
 * What the metrics read from the rest of the member (wired in one place, {@code HubDnsServer}).
 *
 * @param health null until the member has joined
 * @param view the registry view (null until joined): nodes' platform and site for node health
 * @param geoipBuildEpochSeconds the build time of the GeoIP database this member serves, or null
 * @param feeds the coverage feeds as this member serves them, by name (empty until joined)
 */
public record MetricSources(StatsRegistry queries, SteeringCounters steering, Supplier<HealthChecker> health,
        Supplier<RegistryView> view, IntSupplier members, LongSupplier snapshotVersion,
        DoubleSupplier snapshotAgeSeconds, Supplier<Long> geoipBuildEpochSeconds, LongSupplier udpErrors,
        LongSupplier queryLogDropped, Supplier<java.util.Map<String, org.hubdns.feed.FeedState>> feeds) {
}
