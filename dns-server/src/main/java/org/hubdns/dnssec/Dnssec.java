package org.hubdns.dnssec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.hubdns.dns.zone.ZoneContent;
import org.hubdns.steering.PlatformSteering;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * This member's DNSSEC signing: at each snapshot build, {@link #sign} turns the zones whose
 * settings (cluster secrets) say so into {@link SignedZones}, reusing the {@link SignatureCache}.
 * It also asks for a rebuild when the soonest signature is due for refresh or a key changes state
 * (rollover steps), so those happen on every member without any write.
 */
public final class Dnssec implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dnssec.class);

    /**
     * Signature validity and refresh (answers naming a removed node cannot be replayed past the
     * validity), rollover waits, and how many address sets per platform and family are signed at
     * snapshot build (the rest when first asked for).
     */
    public record Timings(Duration validity, Duration refresh, Rollover.Timings rollover, int eagerSets) {
        /**
         * Signatures valid 3 days, made again when less than 1 day is left; up to 5,000 sets per
         * platform and family signed ahead (a first build of about 3 s on two cores).
         */
        public static final Timings DEFAULT = new Timings(Duration.ofDays(3), Duration.ofDays(1),
                Rollover.Timings.DEFAULT, 5_000);

        public Timings(Duration validity, Duration refresh, Rollover.Timings rollover) {
            this(validity, refresh, rollover, DEFAULT_EAGER_SETS);
        }
    }

    static final int DEFAULT_EAGER_SETS = 5_000;

    /** What the last build did, for the API and metrics. */
    public record Report(String zone, long signedAt, long soonestExpiry, long nextRefresh, long nextKeyChange,
            int names, int platformSets, boolean enumeratedAll, long buildMillis) {
    }

    private final SignatureCache cache;
    private final Timings timings;
    private final Map<String, ConcurrentHashMap<Long, DynamicSignatures.SignedSet>> late = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hubdns-dnssec-refresh");
        t.setDaemon(true);
        return t;
    });
    private volatile Runnable rebuild = () -> { };
    private ScheduledFuture<?> due;
    private volatile Map<String, Report> reports = Map.of();

    public Dnssec(Timings timings) {
        this.timings = timings;
        this.cache = new SignatureCache(timings.validity(), timings.refresh(),
                Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    }

    public Timings timings() {
        return timings;
    }

    public SignatureCache cache() {
        return cache;
    }

    /** Called when a refresh or a key's state change is due (the snapshot builder's rebuild). */
    public void onDue(Runnable rebuild) {
        this.rebuild = rebuild;
    }

    public Map<String, Report> reports() {
        return reports;
    }

    /**
     * Signs every zone of {@code zones} that {@code signing} enables.
     *
     * @param platforms each platform hostname's steering ("video.example.")
     */
    public synchronized SignedZones sign(List<ZoneContent> zones, Map<String, ZoneSigning> signing,
            Map<Name, PlatformSteering> platforms) {
        long now = System.currentTimeMillis();
        List<SignedName> names = new ArrayList<>();
        List<SignedZone> signed = new ArrayList<>();
        Map<String, Report> next = new java.util.HashMap<>();
        long wake = Long.MAX_VALUE;
        for (ZoneContent z : zones) {
            ZoneSigning s = signing.get(z.apex().toString());
            if (s == null || !s.enabled()) {
                continue;
            }
            long t0 = System.nanoTime();
            try {
                SignedZoneBuilder b = new SignedZoneBuilder(z, s, now, cache, timings.eagerSets(),
                        k -> late.computeIfAbsent(k, x -> new ConcurrentHashMap<>()));
                long keyChange = Rollover.nextChange(s.keys(), now);
                wake = Math.min(wake, keyChange);
                if (!b.canSign()) {
                    LOG.error("zone {} has DNSSEC on but no active key; it is served unsigned", z.apex());
                    continue;
                }
                SignedZoneBuilder.Built built = b.build(platforms);
                names.addAll(built.names());
                signed.add(built.zone());
                long refreshAt = built.zone().soonestExpiry - timings.refresh().toMillis();
                wake = Math.min(wake, refreshAt);
                next.put(z.apex().toString(), new Report(z.apex().toString(), now, built.zone().soonestExpiry,
                        refreshAt, keyChange, built.names().size(), built.signedSets(), built.enumeratedAll(),
                        (System.nanoTime() - t0) / 1_000_000));
            } catch (RuntimeException e) {
                LOG.error("zone {} could not be signed; it is served unsigned: {}", z.apex(), e.toString(), e);
            }
        }
        reports = Map.copyOf(next);
        cache.sweep(now);
        late.keySet().removeIf(k -> late.get(k).size() > 100_000); // bounded: a pathological owner starts over
        schedule(wake, now);
        return new SignedZones(names, signed, reports, timings);
    }

    private void schedule(long wake, long now) {
        if (due != null) {
            due.cancel(false);
            due = null;
        }
        if (wake == Long.MAX_VALUE) {
            return;
        }
        long delay = Math.max(100, wake - now + 50);
        due = timer.schedule(() -> {
            try {
                rebuild.run();
            } catch (RuntimeException e) {
                LOG.error("DNSSEC refresh rebuild failed; retrying in a minute", e);
                timer.schedule(() -> rebuild.run(), 1, TimeUnit.MINUTES);
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        cache.close();
    }
}
