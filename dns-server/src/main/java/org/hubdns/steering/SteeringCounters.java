package org.hubdns.steering;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Steering's counters, kept across snapshots (each snapshot's {@link PlatformSteering} holds the
 * adders it increments, found here when it is built): answers per platform and site, fallbacks per
 * platform and reason. Exported as {@code hubdns_steering_answers_total{platform,site}} and
 * {@code hubdns_steering_fallbacks_total{platform,reason}}.
 */
public final class SteeringCounters {
    /** The platform has no node of any family registered. */
    public static final String NO_NODES = "no_nodes";
    /** Nodes are registered, but none can serve (down, draining, full). */
    public static final String UNAVAILABLE = "unavailable";

    private final Map<String, Map<String, LongAdder>> answers = new ConcurrentHashMap<>();
    private final Map<String, Map<String, LongAdder>> fallbacks = new ConcurrentHashMap<>();

    LongAdder answers(String platform, String site) {
        return answers.computeIfAbsent(platform, k -> new ConcurrentHashMap<>()).computeIfAbsent(site,
                k -> new LongAdder());
    }

    LongAdder fallbacks(String platform, String reason) {
        return fallbacks.computeIfAbsent(platform, k -> new ConcurrentHashMap<>()).computeIfAbsent(reason,
                k -> new LongAdder());
    }

    /** platform -> site -> answers so far (sorted; every site that has had nodes is listed, also at 0). */
    public Map<String, Map<String, Long>> answers() {
        return copy(answers);
    }

    /** platform -> reason -> fallbacks so far (both reasons listed for every platform). */
    public Map<String, Map<String, Long>> fallbacks() {
        return copy(fallbacks);
    }

    private static Map<String, Map<String, Long>> copy(Map<String, Map<String, LongAdder>> m) {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        m.forEach((p, bySite) -> {
            Map<String, Long> inner = new TreeMap<>();
            bySite.forEach((k, v) -> inner.put(k, v.sum()));
            out.put(p, inner);
        });
        return out;
    }
}
