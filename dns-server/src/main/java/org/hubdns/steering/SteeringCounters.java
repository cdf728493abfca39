package org.hubdns.steering;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Steering's counters, kept across snapshots (each snapshot's {@link PlatformSteering} holds the
 * {@link LoopCounter}s it increments, resolved when it is built): answers per platform and site, fallbacks per
 * platform and reason, answers per platform by how the client was placed and by whose client it
 * was. Exported as {@code hubdns_steering_answers_total{platform,site}},
 * {@code hubdns_steering_fallbacks_total{platform,reason}},
 * {@code hubdns_steering_located_total{platform,method}} and
 * {@code hubdns_steering_clients_total{platform,client,answer}}.
 */
public final class SteeringCounters {
    /** The platform has no node of any family registered. */
    public static final String NO_NODES = "no_nodes";
    /** Nodes are registered, but none can serve (down, draining, full). */
    public static final String UNAVAILABLE = "unavailable";
    /** The client is placed in a country the platform does not serve ({@code serveCountries}). */
    public static final String FOREIGN = "foreign";
    /** Nothing places the client and the platform's {@code answerUnlocated} is {@code fallback}. */
    public static final String UNLOCATED = "unlocated";
    private static final String[] REASONS = {NO_NODES, UNAVAILABLE, FOREIGN, UNLOCATED};
    /** The {@code answer} label, by {@link PlatformSteering#LOCAL} and {@link PlatformSteering#FALLBACK}. */
    public static final String[] ANSWERS = {"local", "fallback"};

    private final Map<String, Map<String, LoopCounter>> answers = new ConcurrentHashMap<>();
    private final Map<String, Map<String, LoopCounter>> fallbacks = new ConcurrentHashMap<>();
    private final Map<String, LoopCounter[]> located = new ConcurrentHashMap<>();
    private final Map<String, LoopCounter[][]> clients = new ConcurrentHashMap<>();

    /** One platform's counters, every label value listed (at 0) from now on. */
    PlatformCounters platform(String platform) {
        for (String r : REASONS) {
            fallbacks(platform, r);
        }
        LoopCounter[] byMethod = located.computeIfAbsent(platform, k -> counters(Located.Source.values().length));
        LoopCounter[][] byClient = clients.computeIfAbsent(platform, k -> {
            LoopCounter[][] a = new LoopCounter[ClientClass.values().length][];
            for (int i = 0; i < a.length; i++) {
                a[i] = counters(ANSWERS.length);
            }
            return a;
        });
        return new PlatformCounters(platform, this, byMethod, byClient);
    }

    /** What a {@link PlatformSteering} increments; resolved once per snapshot, off the query path. */
    record PlatformCounters(String platform, SteeringCounters all, LoopCounter[] located, LoopCounter[][] clients) {
        LoopCounter fallbacks(String reason) {
            return all.fallbacks(platform, reason);
        }

        LoopCounter answers(String site) {
            return all.answers(platform, site);
        }
    }

    private static LoopCounter[] counters(int n) {
        LoopCounter[] a = new LoopCounter[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LoopCounter();
        }
        return a;
    }

    LoopCounter answers(String platform, String site) {
        return answers.computeIfAbsent(platform, k -> new ConcurrentHashMap<>()).computeIfAbsent(site,
                k -> new LoopCounter());
    }

    LoopCounter fallbacks(String platform, String reason) {
        return fallbacks.computeIfAbsent(platform, k -> new ConcurrentHashMap<>()).computeIfAbsent(reason,
                k -> new LoopCounter());
    }

    /** platform -> site -> answers so far (sorted; every site that has had nodes is listed, also at 0). */
    public Map<String, Map<String, Long>> answers() {
        return copy(answers);
    }

    /** platform -> reason -> fallbacks so far (every reason listed for every platform). */
    public Map<String, Map<String, Long>> fallbacks() {
        return copy(fallbacks);
    }

    /** platform -> method ({@link Located.Source#wire()}) -> answers so far (every method listed). */
    public Map<String, Map<String, Long>> located() {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        located.forEach((p, byMethod) -> {
            Map<String, Long> inner = new TreeMap<>();
            for (Located.Source s : Located.Source.values()) {
                inner.put(s.wire(), byMethod[s.ordinal()].sum());
            }
            out.put(p, inner);
        });
        return out;
    }

    /** platform -> client ({@link ClientClass#wire()}) -> answer ({@code local}, {@code fallback}) -> answers so far. */
    public Map<String, Map<String, Map<String, Long>>> clients() {
        Map<String, Map<String, Map<String, Long>>> out = new TreeMap<>();
        clients.forEach((p, byClient) -> {
            Map<String, Map<String, Long>> inner = new TreeMap<>();
            for (ClientClass c : ClientClass.values()) {
                Map<String, Long> byAnswer = new TreeMap<>();
                for (int a = 0; a < ANSWERS.length; a++) {
                    byAnswer.put(ANSWERS[a], byClient[c.ordinal()][a].sum());
                }
                inner.put(c.wire(), byAnswer);
            }
            out.put(p, inner);
        });
        return out;
    }

    private static Map<String, Map<String, Long>> copy(Map<String, Map<String, LoopCounter>> m) {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        m.forEach((p, bySite) -> {
            Map<String, Long> inner = new TreeMap<>();
            bySite.forEach((k, v) -> inner.put(k, v.sum()));
            out.put(p, inner);
        });
        return out;
    }
}
