package org.hubdns.health;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.Health;
import org.hubdns.cluster.model.HealthCheck;
import org.hubdns.cluster.model.NodeState;
import org.hubdns.cluster.model.NodeStates;
import org.hubdns.cluster.model.Platform;
import org.hubdns.cluster.model.ProbePolicy;
import org.hubdns.cluster.store.ClusterMember;
import org.hubdns.cluster.store.Json;
import org.hubdns.cluster.store.LiveMap;
import org.hubdns.cluster.store.MemberListener;
import org.hubdns.cluster.store.Registry;
import org.hubdns.cluster.store.Subscription;
import org.hubdns.cluster.store.RegistryView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health of every cache node as this member sees it, and this member's share of the probing.
 *
 * <p>Each probed node has k probers ({@link Rendezvous} over the live members). Each prober
 * publishes its verdict (after rise/fall) to the {@code health-verdicts} map; every member
 * listens, and computes each node's health by {@link HealthVote}: the majority of the verdicts of
 * its current probers that count (a verdict counts while its member is in the cluster and that
 * member's heartbeat, {@code health-beats}, is younger than three of the node's intervals). No
 * verdict: unknown; a tie keeps the previous health. Load reports ({@code node-load}) count for
 * three intervals.
 * All of that is recomputed on one thread on every event and every 200 ms; when the result
 * changes anything steering uses, the listeners (the DNS snapshot) are told. Nothing here runs per
 * query.
 */
public final class HealthChecker implements NodeStates, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);
    static final String VERDICTS = "health-verdicts";
    static final String BEATS = "health-beats";
    static final String LOADS = "node-load";
    /** The topic under which members ask each other for their last probe of a node. */
    static final String DETAIL_TOPIC = "health-detail";
    private static final int CHANGES_KEPT = 200;
    private static final long TICK_MS = 200;
    private static final long CLEANUP_SECONDS = 10;

    /**
     * @param probersPerNode k: how many members probe each node (fewer in a smaller cluster)
     * @param probeSource the address probes are sent from, or null for the kernel's choice
     */
    public record Settings(ProbePolicy policy, int probersPerNode, String probeSource) {
        public static final Settings DEFAULT = new Settings(ProbePolicy.NONE, 3, null);

        public Settings {
            if (probersPerNode < 1) {
                throw new IllegalArgumentException("at least one prober per node");
            }
        }
    }

    private record Seen(LoadReport report, long receivedNanos) {
    }

    private final Registry registry;
    private final Settings settings;
    /** This member's id: it changes when the member merges back after a split. */
    private volatile String me;
    private final LiveMap<String> verdicts;
    private final LiveMap<Long> beats;
    private final LiveMap<String> loads;
    private final ScheduledExecutorService thread;
    private final Prober prober;
    private final ProbeStats stats = new ProbeStats();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean recomputePending = new AtomicBoolean();
    /** member id -> local nanoTime of its last heartbeat seen. */
    private final Map<String, Long> beatSeen = new ConcurrentHashMap<>();
    // confined to the health thread:
    private final Map<String, Map<String, Verdict>> byNode = new HashMap<>();
    private final Map<String, Seen> loadReports = new HashMap<>();
    private final Map<String, List<String>> probersCache = new HashMap<>();
    private List<String> probersCacheMembers = List.of();
    private Map<String, CacheNode> lastNodes = Map.of();
    private final Deque<HealthChange> changes = new ArrayDeque<>();
    private volatile Map<String, NodeState> table = Map.of();
    private volatile Map<String, NodeHealth> detail = Map.of();
    /** The cluster listeners and the detail answerer, closed in {@link #close()}. */
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private HealthChecker(Vertx vertx, Registry registry, Settings settings) {
        this.registry = registry;
        this.settings = settings;
        this.me = registry.memberId();
        this.verdicts = registry.liveMap(VERDICTS);
        this.beats = registry.liveMap(BEATS);
        this.loads = registry.liveMap(LOADS);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hubdns-health");
            t.setDaemon(true);
            return t;
        });
        String address = registry.localClusterAddress();
        this.prober = new Prober(vertx, new Probes(vertx, settings.policy(), settings.probeSource()), verdicts, beats,
                me, address, stats, () -> beatSeen.put(me, System.nanoTime()));
    }

    /** Starts probing this member's share of the nodes and following everyone's verdicts. */
    public static HealthChecker start(Vertx vertx, Registry registry, Settings settings) {
        HealthChecker h = new HealthChecker(vertx, registry, settings);
        h.attach();
        return h;
    }

    private void attach() {
        subscriptions.add(registry.answer(DETAIL_TOPIC, this::localDetail));
        subscriptions.add(verdicts.listen(this::onVerdict));
        subscriptions.add(beats.listen((member, beat) -> {
            if (beat != null) {
                beatSeen.put(member, System.nanoTime());
            }
        }));
        subscriptions.add(loads.listen(this::onLoad));
        subscriptions.add(registry.onMerged(() -> execute(this::afterMerge)));
        subscriptions.add(registry.onMembership(new MemberListener() {
            @Override
            public void joined(ClusterMember member) {
                execute(HealthChecker.this::assignDuties);
            }

            @Override
            public void left(ClusterMember member) {
                execute(() -> {
                    assignDuties();
                    prober.republish();
                    cleanUp();
                });
            }
        }));
        long now = System.nanoTime();
        beats.keys().forEach(m -> beatSeen.put(m, now)); // members already running: give them one beat's credit
        verdicts.forEach(this::onVerdict);
        loads.forEach(this::onLoad);
        registry.onView(v -> execute(this::assignDuties));
        execute(this::assignDuties);
        thread.scheduleWithFixedDelay(() -> guard(this::recompute), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        thread.scheduleWithFixedDelay(() -> guard(this::cleanUp), CLEANUP_SECONDS, CLEANUP_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Back in the cluster after a split: publish this member's verdicts under its (maybe new) id, and
     * read everyone's verdicts, beats and loads again, as what the other half published while apart
     * arrives as no event.
     */
    private void afterMerge() {
        String now = registry.memberId();
        if (!now.equals(me)) {
            LOG.info("merged back into the cluster as member {} (was {}): verdicts published again", now, me);
            me = now;
            prober.rename(now);
        } else {
            prober.republish();
        }
        byNode.clear();
        long t = System.nanoTime();
        beats.keys().forEach(m -> beatSeen.put(m, t));
        verdicts.forEach(this::onVerdict);
        loads.forEach(this::onLoad);
        assignDuties();
    }

    private void execute(Runnable task) {
        if (closed) {
            return;
        }
        try {
            thread.execute(() -> guard(task));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // closing
        }
    }

    private void guard(Runnable task) {
        if (closed) {
            return;
        }
        try {
            task.run();
        } catch (RuntimeException e) {
            if (Registry.isLeaving(e)) {
                LOG.debug("health task skipped: this member is leaving");
            } else {
                LOG.error("health task failed: {}", e.toString(), e);
            }
        }
    }

    private void onVerdict(String key, String json) {
        int at = key.lastIndexOf('@');
        if (at <= 0) {
            return;
        }
        String node = key.substring(0, at);
        String member = key.substring(at + 1);
        Verdict v = null;
        if (json != null) {
            try {
                v = Json.read(json, Verdict.class);
            } catch (IllegalArgumentException e) {
                LOG.warn("unreadable verdict {} ignored: {}", key, e.getMessage());
            }
        }
        Verdict verdict = v;
        execute(() -> {
            if (verdict == null) {
                Map<String, Verdict> m = byNode.get(node);
                if (m != null) {
                    m.remove(member);
                    if (m.isEmpty()) {
                        byNode.remove(node);
                    }
                }
            } else {
                byNode.computeIfAbsent(node, k -> new HashMap<>()).put(member, verdict);
            }
            requestRecompute();
        });
    }

    private void onLoad(String node, String json) {
        LoadReport r = null;
        if (json != null) {
            try {
                r = Json.read(json, LoadReport.class);
            } catch (IllegalArgumentException e) {
                LOG.warn("unreadable load report of node {} ignored: {}", node, e.getMessage());
            }
        }
        LoadReport report = r;
        long at = System.nanoTime();
        execute(() -> {
            if (report == null) {
                loadReports.remove(node);
            } else {
                loadReports.put(node, new Seen(report, at));
            }
            requestRecompute();
        });
    }

    /** Coalesces a burst of events into one recomputation on the health thread. */
    private void requestRecompute() {
        if (recomputePending.compareAndSet(false, true)) {
            execute(() -> {
                recomputePending.set(false);
                recompute();
            });
        }
    }

    private List<String> liveMembers() {
        // every member holds data (MemberConfig makes no lite members), so every member probes
        List<String> out = new ArrayList<>();
        for (ClusterMember m : registry.memberList()) {
            out.add(m.id());
        }
        return out;
    }

    private List<String> probersOf(String node, List<String> live) {
        if (!live.equals(probersCacheMembers)) {
            probersCache.clear();
            probersCacheMembers = live;
        }
        return probersCache.computeIfAbsent(node, n -> List.copyOf(Rendezvous.probers(n, live, settings.probersPerNode())));
    }

    /** Works out which nodes this member probes (membership or node changes) and hands them to the prober. */
    private void assignDuties() {
        RegistryView view = registry.view();
        List<String> live = liveMembers();
        Map<String, Prober.Duty> mine = new HashMap<>();
        for (CacheNode n : view.nodes().values()) {
            if (n.check().probed() && probersOf(n.id(), live).contains(me)) {
                mine.put(n.id(), new Prober.Duty(n, n.check().withDefaults(settings.policy().minIntervalMs())));
            }
        }
        prober.assign(mine);
        requestRecompute();
    }

    private void recompute() {
        RegistryView view = registry.view();
        List<String> live = liveMembers();
        Set<String> liveSet = new HashSet<>(live);
        long now = System.nanoTime();
        Map<String, NodeState> oldTable = table;
        Map<String, NodeHealth> oldDetail = detail;
        Map<String, NodeState> nextTable = new HashMap<>();
        Map<String, NodeHealth> nextDetail = new HashMap<>();
        boolean steeringChanged = !view.nodes().keySet().equals(lastNodes.keySet());
        for (CacheNode n : view.nodes().values()) {
            HealthCheck c = n.check().withDefaults(settings.policy().minIntervalMs());
            long window = HealthVote.windowNanos(c.intervalMs());
            Seen seen = loadReports.get(n.id());
            boolean loadCounting = seen != null && now - seen.receivedNanos <= window;
            double load = loadCounting ? seen.report.load() : 0.0;
            long loadAt = seen == null ? 0 : seen.report.reportedAtMillis();
            NodeHealth before = oldDetail.get(n.id());
            Health health;
            List<String> probers = List.of();
            int up = 0;
            int down = 0;
            if (!c.probed()) {
                health = Health.UP;
            } else {
                probers = probersOf(n.id(), live);
                Map<String, Verdict> vs = byNode.getOrDefault(n.id(), Map.of());
                for (String m : probers) {
                    Verdict v = vs.get(m);
                    if (HealthVote.counts(v != null, liveSet.contains(m), m.equals(me), beatSeen.get(m), now, window)) {
                        if (v.up()) {
                            up++;
                        } else {
                            down++;
                        }
                    }
                }
                health = HealthVote.outcome(up, down, before == null ? null : before.health());
            }
            long since = before == null ? 0 : before.sinceMillis();
            if (before != null && before.health() != health) {
                since = System.currentTimeMillis();
                changed(n, before.health(), health, up, down, since);
            } else if (before == null && c.probed() && health != Health.UNKNOWN) {
                since = System.currentTimeMillis();
            }
            NodeState st = new NodeState(health, load, loadAt);
            nextTable.put(n.id(), st);
            nextDetail.put(n.id(), new NodeHealth(n.id(), health, probers, up, down, since, load, loadAt,
                    loadCounting));
            NodeState old = oldTable.get(n.id());
            if (old == null || old.health() != health || loadMatters(view, n, old.load(), load)) {
                steeringChanged = true;
            }
        }
        lastNodes = view.nodes();
        table = Map.copyOf(nextTable);
        detail = Map.copyOf(nextDetail);
        if (steeringChanged) {
            for (Runnable l : listeners) {
                l.run();
            }
        }
    }

    /** Whether steering would weigh the node differently: only loads above spillAt (or full) matter. */
    private static boolean loadMatters(RegistryView view, CacheNode n, double before, double after) {
        if (before == after) {
            return false;
        }
        Platform p = view.platforms().get(n.platform());
        double spillAt = p == null ? 0.0 : p.effectiveSpillAt();
        double higher = Math.max(before, after);
        return higher > spillAt || higher >= 1.0; // 1.0 is full even when spillAt is 1.0

    }

    private void changed(CacheNode n, Health from, Health to, int up, int down, long at) {
        stats.stateChanges.increment();
        HealthChange c = new HealthChange(at, n.id(), n.platform(), n.site(), from, to, up, down);
        synchronized (changes) {
            changes.addFirst(c);
            while (changes.size() > CHANGES_KEPT) {
                changes.removeLast();
            }
        }
        if (to == Health.DOWN) {
            LOG.warn("node {} ({} at {}) is down: {} of its probers say down, {} up", n.id(), n.platform(), n.site(),
                    down, up);
        } else {
            LOG.info("node {} ({} at {}): {} -> {} ({} up, {} down)", n.id(), n.platform(), n.site(), from, to, up,
                    down);
        }
    }

    /** The oldest member removes verdicts of members gone and load reports of nodes gone. */
    private void cleanUp() {
        ClusterMember oldest = registry.memberList().get(0);
        if (!oldest.local()) {
            return;
        }
        Set<String> live = new HashSet<>(liveMembers());
        Set<String> nodes = registry.view().nodes().keySet();
        for (String key : verdicts.keys()) {
            int at = key.lastIndexOf('@');
            if (at <= 0 || !live.contains(key.substring(at + 1)) || !nodes.contains(key.substring(0, at))) {
                verdicts.removeAsync(key);
            }
        }
        for (String m : beats.keys()) {
            if (!live.contains(m)) {
                beats.removeAsync(m);
            }
        }
        for (String node : loads.keys()) {
            if (!nodes.contains(node)) {
                loads.removeAsync(node);
            }
        }
    }

    // ---- for the rest of the member ----

    @Override
    public Map<String, NodeState> current() {
        return table;
    }

    /** How this member sees node {@code id} (null when it is not registered, or not yet seen). */
    public NodeHealth health(String id) {
        return detail.get(id);
    }

    public Map<String, NodeHealth> all() {
        return detail;
    }

    /** Called (on the health thread) whenever a change matters to steering: rebuild the snapshot. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** The most recent changes of nodes' health seen by this member, newest first. */
    public List<HealthChange> recentChanges() {
        synchronized (changes) {
            return List.copyOf(changes);
        }
    }

    public ProbeStats stats() {
        return stats;
    }

    /** How many nodes this member probes now. */
    public int localDuties() {
        return prober.duties();
    }

    public int probersPerNode() {
        return settings.probersPerNode();
    }

    /** Stores a partner's load report for every member (blocking: a cluster write). */
    public long recordLoad(String node, double load) {
        long at = System.currentTimeMillis();
        loads.set(node, Json.write(new LoadReport(load, at)));
        return at;
    }

    /**
     * Asks each current prober of {@code node} for its last probe (blocking, at most about two
     * seconds: a member that does not answer in time is reported as such).
     */
    public List<JsonObject> proberDetail(String node) {
        NodeHealth h = detail.get(node);
        List<String> probers = h == null ? List.of() : h.probers();
        Map<String, ClusterMember> byId = new HashMap<>();
        registry.memberList().forEach(m -> byId.put(m.id(), m));
        Map<String, Future<String>> asked = new HashMap<>();
        for (String p : probers) {
            if (byId.containsKey(p)) {
                asked.put(p, registry.ask(p, DETAIL_TOPIC, node));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        Map<String, Verdict> published = new HashMap<>();
        verdicts.getAll(new HashSet<>(probers.stream().map(p -> Verdict.key(node, p)).toList()))
                .forEach((k, v) -> published.put(k.substring(k.lastIndexOf('@') + 1), Json.read(v, Verdict.class)));
        List<JsonObject> out = new ArrayList<>();
        long now = System.nanoTime();
        for (String p : probers) {
            ClusterMember m = byId.get(p);
            JsonObject o = new JsonObject().put("member", p).put("address", m == null ? null : m.address());
            Verdict v = published.get(p);
            Long beat = beatSeen.get(p);
            o.put("verdict", v == null ? null : v.health().wire());
            if (v != null) {
                o.put("verdictSince", Instant.ofEpochMilli(v.sinceMillis()).toString());
            }
            o.put("counting", HealthVote.counts(v != null, m != null, p.equals(me), beat, now,
                    HealthVote.windowNanos(intervalOf(node))));
            Future<String> f = asked.get(p);
            try {
                String s = f == null ? null : f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (s != null) {
                    o.put("last", new JsonObject(s));
                } else {
                    o.put("last", null).put("note", m == null ? "member has left the cluster" : "no probe yet");
                }
            } catch (java.util.concurrent.TimeoutException e) {
                f.cancel(true);
                o.put("last", null).put("note", "member did not answer within 2 s");
            } catch (java.util.concurrent.ExecutionException e) {
                o.put("last", null).put("note", "member could not be asked: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                o.put("last", null).put("note", "interrupted");
            }
            out.add(o);
        }
        return out;
    }

    private int intervalOf(String node) {
        CacheNode n = registry.view().nodes().get(node);
        return n == null ? HealthCheck.DEFAULT_INTERVAL_MS
                : n.check().withDefaults(settings.policy().minIntervalMs()).intervalMs();
    }

    /** This member's last probe of {@code node} as JSON, or null when it does not probe it (asked by any member). */
    String localDetail(String node) {
        ProbeStatus s = prober.status(node);
        if (s == null) {
            return null;
        }
        ProbeResult r = s.last();
        JsonObject o = new JsonObject().put("ok", r.ok()).put("latencyMs", r.latencyMicros() / 1000.0)
                .put("at", Instant.ofEpochMilli(r.atMillis()).toString()).put("error", r.error())
                .put("consecutive", r.ok() ? s.okStreak() : s.failStreak())
                .put("intervalMs", s.intervalMs()).put("rise", s.rise()).put("fall", s.fall());
        return o.encode();
    }

    /**
     * Waits (bounded) until every probed node this member knows has a health other than unknown,
     * so that a member starting up answers with probed nodes rather than the fallback.
     */
    public boolean awaitFirstVerdicts(long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline) {
            Map<String, CacheNode> nodes = registry.view().nodes();
            Map<String, NodeState> t = table;
            boolean all = nodes.values().stream().filter(n -> n.check().probed())
                    .allMatch(n -> t.containsKey(n.id()) && t.get(n.id()).health() != Health.UNKNOWN);
            if (all) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        prober.close();
        closed = true;
        try {
            // withdraw this member's verdicts at once rather than leaving them to expire
            for (String key : verdicts.keys()) {
                if (key.endsWith("@" + me)) {
                    verdicts.delete(key);
                }
            }
            beats.delete(me);
            subscriptions.forEach(Subscription::close);
        } catch (RuntimeException e) {
            LOG.debug("health checker not closed cleanly: {}", e.toString());
        }
        thread.shutdownNow();
    }
}
