package org.hubdns.dnssec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The timing of a combined signing key rollover by pre-publication (RFC 7583 3.3 for the data,
 * with the double-DS wait of 3.3.2 for the parent), as pure functions of the zone's TTLs and the
 * clock: no cluster, no I/O, so its table tests cover it whole.
 *
 * <pre>
 *   new key:  published ── Ipub ──▶ active
 *   old key:  active ──────────────▶ retired ── Iret ──▶ removed
 *   Ipub = propagation + DNSKEY TTL + safety          (caches hold the new DNSKEY before it signs)
 *   Iret = propagation + max(zone TTL, parent DS TTL) + safety
 *          (signatures by the old key and the parent's old DS expire from caches first)
 * </pre>
 */
public final class Rollover {
    /** The waits a rollover adds to the TTLs. */
    public record Timings(Duration propagation, Duration safety, Duration parentDsTtl) {
        /** A propagation delay of 5 minutes, a safety margin of 1 hour, and a parent DS TTL of 1 day. */
        public static final Timings DEFAULT = new Timings(Duration.ofMinutes(5), Duration.ofHours(1),
                Duration.ofDays(1));
    }

    /** When the new key starts signing, and when the old one retires and leaves. */
    public record Plan(long activate, long retireOld, long removeOld) {
    }

    private Rollover() {
    }

    public static Plan plan(long now, long dnskeyTtlSeconds, long maxZoneTtlSeconds, Timings t) {
        long ipub = t.propagation().toMillis() + dnskeyTtlSeconds * 1000 + t.safety().toMillis();
        long activate = now + ipub;
        long iret = t.propagation().toMillis() + Math.max(maxZoneTtlSeconds * 1000, t.parentDsTtl().toMillis())
                + t.safety().toMillis();
        return new Plan(activate, activate, activate + iret);
    }

    /**
     * Why a rollover cannot start at {@code now}, or null: one already runs while any key is not
     * simply active, and there must be an active key to replace.
     */
    public static String refusal(List<ZoneKey> keys, long now) {
        int active = 0;
        for (ZoneKey k : keys) {
            KeyState s = k.stateAt(now);
            if (s == KeyState.PUBLISHED || s == KeyState.RETIRED) {
                return "a rollover is already under way (key " + k.tag() + " is " + s.text()
                        + "); wait until GET shows a single active key";
            }
            if (s == KeyState.ACTIVE) {
                active++;
            }
        }
        return active == 0 ? "the zone has no active key to replace; enable DNSSEC first" : null;
    }

    /** The keys after starting a rollover to {@code fresh} (generated with {@code plan.activate()}). */
    public static List<ZoneKey> start(List<ZoneKey> keys, ZoneKey fresh, Plan plan, long now) {
        List<ZoneKey> out = new ArrayList<>();
        for (ZoneKey k : keys) {
            KeyState s = k.stateAt(now);
            if (s == KeyState.REMOVED) {
                continue; // finished with: dropped from the secret at the next write
            }
            out.add(s == KeyState.ACTIVE ? k.withRetire(plan.retireOld(), plan.removeOld()) : k);
        }
        out.add(fresh);
        return out;
    }

    /** The next instant after {@code now} at which some key changes state, or {@code Long.MAX_VALUE}. */
    public static long nextChange(List<ZoneKey> keys, long now) {
        long next = Long.MAX_VALUE;
        for (ZoneKey k : keys) {
            for (Long t : new Long[] {k.activate(), k.retire(), k.remove()}) {
                if (t != null && t > now && t < next) {
                    next = t;
                }
            }
        }
        return next;
    }
}
