package org.hubdns.snapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.NodeStates;
import org.hubdns.cluster.model.Platform;
import org.hubdns.cluster.model.StoredZone;
import org.hubdns.cluster.store.RegistryView;
import org.hubdns.dns.answer.DynamicAnswers;
import org.hubdns.dns.answer.DynamicNames;
import org.hubdns.dns.answer.ZoneTree;
import org.hubdns.dns.zone.ZoneContent;
import org.hubdns.dns.zone.ZoneLoadException;
import org.hubdns.dns.zone.ZoneParser;
import org.hubdns.cluster.coverage.CoverageDataset;
import org.hubdns.cluster.feed.FeedPlacement;
import org.hubdns.steering.GeoLocator;
import org.hubdns.steering.Locator;
import org.hubdns.steering.PlatformSteering;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Turns each registry view into the DNS {@link Snapshot}: zones parsed (cached per zone text) and
 * compiled with the platforms' hostnames as dynamic names, then published with one volatile write.
 * Runs on the registry's view thread, never on an event loop.
 */
public final class SnapshotBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotBuilder.class);

    private record Parsed(StoredZone stored, ZoneContent content) {
    }

    private final SnapshotHolder holder;
    private final DynamicNames extra;
    private final java.util.function.Function<RegistryView, GeoLocator> geo;
    private final java.util.function.Supplier<RegistryView> latest;
    private final NodeStates states;
    private final org.hubdns.steering.SteeringCounters counters;
    private final java.util.function.Supplier<FeedPlacement> feeds;
    /** Platforms answering with their fallback because none of their nodes can serve (for the log). */
    private final java.util.Set<String> fallingBack = new java.util.HashSet<>();
    private final AtomicLong generation = new AtomicLong();
    private final Map<String, Parsed> parsed = new HashMap<>();
    /** {@link #parsed} as of the last build, for readers on other threads. */
    private volatile Map<String, Parsed> published = Map.of();

    /**
     * @param latest the registry's newest view (health changes rebuild with it)
     * @param states nodes' health and load, read at every build
     */
    public SnapshotBuilder(SnapshotHolder holder, DynamicNames extra,
            java.util.function.Function<RegistryView, GeoLocator> geo,
            java.util.function.Supplier<RegistryView> latest, NodeStates states,
            org.hubdns.steering.SteeringCounters counters) {
        this(holder, extra, geo, latest, states, counters, () -> FeedPlacement.EMPTY);
    }

    /**
     * @param feeds where the coverage feeds place clients now (read at every build; whoever changes
     *     it calls {@link #rebuild()})
     */
    public SnapshotBuilder(SnapshotHolder holder, DynamicNames extra,
            java.util.function.Function<RegistryView, GeoLocator> geo,
            java.util.function.Supplier<RegistryView> latest, NodeStates states,
            org.hubdns.steering.SteeringCounters counters, java.util.function.Supplier<FeedPlacement> feeds) {
        this.counters = counters;
        this.feeds = feeds;
        this.holder = holder;
        this.extra = extra;
        this.geo = geo;
        this.latest = latest;
        this.states = states;
    }

    /** Signs the zones whose DNSSEC settings say so, at every build; null: nothing is signed. */
    private volatile org.hubdns.dnssec.Dnssec dnssec;

    /** Turns signing on for this member's snapshots; a due refresh or key step rebuilds. */
    public void dnssec(org.hubdns.dnssec.Dnssec d) {
        this.dnssec = d;
        d.onDue(this::rebuild);
    }

    /** The zone as the last build parsed it, when {@code z} is what it parsed; else null. */
    public ZoneContent parsed(StoredZone z) {
        Parsed p = published.get(z.name());
        return p != null && p.stored.equals(z) ? p.content : null;
    }

    /** Rebuilds with the newest view and node states (after a health or load change). */
    public synchronized Snapshot rebuild() {
        return build(latest.get());
    }

    private volatile long lastBuildMicros;

    /** How long the last snapshot took to build (for /v1/health and the operator's figures). */
    public long lastBuildMicros() {
        return lastBuildMicros;
    }

    public synchronized Snapshot build(RegistryView given) {
        return build(given, counters, true);
    }

    /**
     * A snapshot of the newest view that is never published and counts its steered answers in
     * {@code warmCounters} instead of the member's: start-up runs queries through it to warm the
     * query path before DNS is bound, without a single one showing in the metrics.
     */
    public synchronized Snapshot detached(org.hubdns.steering.SteeringCounters warmCounters) {
        return build(latest.get(), warmCounters, false);
    }

    private Snapshot build(RegistryView given, org.hubdns.steering.SteeringCounters counters, boolean publish) {
        long t0 = System.nanoTime();
        // health changes rebuild from another thread: always build from the newest view, so that
        // neither a view nor a health change is lost to the other
        RegistryView newest = latest.get();
        RegistryView view = newest != null && newest.sequence() > given.sequence() ? newest : given;
        java.util.Map<String, org.hubdns.cluster.model.NodeState> nodeStates = states.current();
        List<ZoneContent> zones = new ArrayList<>();
        Map<String, Parsed> next = new HashMap<>();
        for (StoredZone z : view.zones().values()) {
            Parsed p = parsed.get(z.name());
            if (p == null || !p.stored.equals(z)) {
                try {
                    p = new Parsed(z, ZoneParser.parseText(z.text(), Name.fromString(z.name()), z.source()));
                } catch (ZoneLoadException | TextParseException e) {
                    // validated before it entered the cluster; a newer member may accept more than we do
                    LOG.error("zone {} serial {} from the cluster cannot be served by this member: {}", z.name(),
                            z.serial(), e.getMessage());
                    continue;
                }
            }
            next.put(z.name(), p);
            zones.add(p.content);
        }
        parsed.clear();
        parsed.putAll(next);
        published = Map.copyOf(next);
        Map<Name, DynamicAnswers> dynamic = new HashMap<>();
        Map<String, List<CacheNode>> byPlatform = new HashMap<>();
        for (CacheNode n : view.nodes().values()) {
            byPlatform.computeIfAbsent(n.platform(), k -> new ArrayList<>()).add(n);
        }
        FeedPlacement placement = feeds.get();
        Locator locator = new Locator(CoverageDataset.current(view), placement == null ? FeedPlacement.EMPTY : placement,
                view.sites(), geo.apply(view));
        Map<String, PlatformSteering> steering = new HashMap<>();
        Map<Name, PlatformSteering> hostnames = new HashMap<>();
        for (Platform p : view.platforms().values()) {
            try {
                PlatformSteering a = PlatformSteering.builder(p).sites(view.sites())
                        .nodes(byPlatform.getOrDefault(p.name(), List.of())).states(nodeStates).locator(locator)
                        .counters(counters).build();
                steering.put(p.name(), a);
                for (String h : p.hostnames()) {
                    dynamic.put(Name.fromString(h + "."), a);
                    hostnames.put(Name.fromString(h + "."), a);
                }
            } catch (TextParseException | IllegalArgumentException e) {
                LOG.error("platform {} cannot be answered: {}", p.name(), e.getMessage());
            }
        }
        dynamic.putAll(extra.current()); // embedders' (tests') own names win over the registry's
        if (!publish) {
            // the start-up warm-up's copy: it asks without DO, so nothing is signed for it
            return new Snapshot(ZoneTree.compile(zones, dynamic), generation.get(), view.sequence(),
                    Map.copyOf(steering));
        }
        org.hubdns.dnssec.Dnssec signer = dnssec;
        org.hubdns.dnssec.SignedZones signed = signer == null ? org.hubdns.dnssec.SignedZones.NONE
                : signer.sign(zones, org.hubdns.dnssec.ZoneSigning.fromSecrets(view.secrets()), hostnames);
        // a signed zone's key sets are answered without DO too
        ZoneTree tree = ZoneTree.compile(signed.withKeyRecords(zones), dynamic);
        Snapshot s = new Snapshot(tree, generation.incrementAndGet(), view.sequence(), Map.copyOf(steering), signed);
        holder.publish(s);
        lastBuildMicros = (System.nanoTime() - t0) / 1000;
        logFallbacks(steering, byPlatform);
        return s;
    }

    private void logFallbacks(Map<String, PlatformSteering> steering, Map<String, List<CacheNode>> byPlatform) {
        fallingBack.retainAll(steering.keySet());
        for (Map.Entry<String, PlatformSteering> e : steering.entrySet()) {
            PlatformSteering p = e.getValue();
            boolean down = !p.statuses().isEmpty() && !p.serving();
            if (down && fallingBack.add(e.getKey())) {
                Map<String, Long> why = new java.util.TreeMap<>();
                p.statuses().forEach(st -> why.merge(st.candidacy().reason(), 1L, Long::sum));
                LOG.warn("platform {}: none of its {} cache node(s) can serve ({}); answering with its fallback {}",
                        e.getKey(), p.statuses().size(), why, p.platform().fallback());
            } else if (!down && fallingBack.remove(e.getKey())) {
                LOG.info("platform {}: cache nodes serve again ({} of {})", e.getKey(),
                        p.statuses().stream().filter(PlatformSteering.NodeStatus::inAnswers).count(),
                        p.statuses().size());
            }
        }
    }
}
