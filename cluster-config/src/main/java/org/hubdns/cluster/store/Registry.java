package org.hubdns.cluster.store;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared registry: one Hazelcast IMap per {@link Kind} (one synchronous backup, so losing any one
 * member loses nothing), every value versioned, every write also committed to this member's
 * {@link LocalStore} before it is acknowledged, and every member's store kept complete from entry
 * events. A member that starts merges its disk into the cluster key by key ({@link Kind#newer}), so
 * a full restart loses nothing and an old data dir cannot resurrect what the cluster deleted.
 */
public final class Registry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Registry.class);
    private static final int CAS_ATTEMPTS = 64;
    /** The Hazelcast executor that carries {@link #ask} questions between members. */
    private static final String EXECUTOR = "hubdns-questions";

    private final HazelcastInstance hz;
    private final LocalStore local;
    private final RegistryMirror mirror;
    private final HybridClock clock = new HybridClock();
    private final Map<Kind, IMap<String, String>> maps = new EnumMap<>(Kind.class);
    private final Datasets datasets;
    private final FeedLog feedLog;
    private final AuditLog auditLog;
    private final List<WriteListener> writeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private Registry(HazelcastInstance hz, LocalStore local, RegistryMirror mirror, java.nio.file.Path dataDir) {
        this.hz = hz;
        this.local = local;
        this.mirror = mirror;
        for (Kind k : Kind.values()) {
            maps.put(k, hz.getMap(k.mapName));
        }
        datasets = new Datasets(hz.getMap(Datasets.CHUNK_MAP), local, mirror, clock,
                (name, retry, step) -> cas(Kind.DATASETS, name, retry, step), () -> closed);
        feedLog = new FeedLog(hz.getMap(FeedLog.MAP), local, () -> closed);
        auditLog = new AuditLog(hz.getMap(AuditLog.MAP), local, clock, dataDir.resolve(AuditLog.FILE),
                hz.getCluster().getLocalMember().getUuid().toString(), () -> closed);
    }

    /**
     * Joins (or forms) the cluster, merges this member's data dir into it, and builds the first view.
     *
     * @param decoders turn a dataset's bytes into the object the view carries, by dataset name
     */
    public static Registry start(ClusterSettings settings, Map<String, Function<DatasetFile, Object>> decoders)
            throws IOException {
        // checked here so the operator gets one line, not Hazelcast's stack trace
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(settings.bind(), settings.port()));
        } catch (IOException e) {
            throw new IOException("cannot listen on the cluster port " + settings.bind().getHostAddress() + ":"
                    + settings.port() + " (" + e.getMessage() + "); another member or program uses it: choose "
                    + "another --cluster-port", e);
        }
        LocalStore local = LocalStore.open(settings.dataDir());
        HazelcastInstance hz;
        AsyncCallbacks.reuseThreads();
        try {
            hz = Hazelcast.newHazelcastInstance(MemberConfig.of(settings));
        } catch (RuntimeException e) {
            local.close();
            throw new IOException("cannot start the cluster member on " + settings.bind().getHostAddress() + ":"
                    + settings.port() + " (" + rootMessage(e) + "); is --cluster-port free?", e);
        }
        Registry r = new Registry(hz, local, new RegistryMirror(decoders), settings.dataDir());
        try {
            r.attach();
            r.restore();
            // a store that failed on a full disk missed writes meanwhile: the cluster has them all
            local.onReopen(() -> r.syncFromCluster("its store was reopened"));
            r.feedLog.restore(r.feeds().values().stream().map(org.hubdns.cluster.feed.StoredFeed::logId)
                    .collect(java.util.stream.Collectors.toSet()));
            r.feedLog.attach();
            com.hazelcast.cluster.Address self = hz.getCluster().getLocalMember().getAddress();
            r.auditLog.start(self.getHost() + ":" + self.getPort());
        } catch (RuntimeException e) {
            r.close();
            throw new IOException("cannot restore the registry: " + rootMessage(e), e);
        }
        r.mirror.drain(120); // datasets (coverage zones) are in the first view, not a moment after it
        r.mirror.every(30, r.datasets::reloadStale);
        // a member nobody writes through would keep a store that failed on a full disk: look again every 10 s
        r.mirror.every(10, r::reopenStoreIfRoom);
        RegistryView first = r.mirror.start();
        LOG.info("cluster '{}' joined: {} member(s); registry restored ({} zones, {} platforms, {} sites, {} nodes)",
                settings.clusterName(), first.members(), first.zones().size(), first.platforms().size(),
                first.sites().size(), first.nodes().size());
        return r;
    }

    /**
     * A member that stopped said so first ({@link #close}): its leave is routine (a restart, an
     * upgrade) and logged at INFO; one that left without a word was killed, crashed or was cut off
     * from this one, and an operator should know. A cluster call: on the mirror's thread.
     */
    private void logLeave(MembershipEvent e) {
        Object who = e.getMember().getAddress();
        int n = e.getMembers().size();
        boolean stopped;
        try {
            // bounded: the refill after the leave matters more than this line, so the look never holds it up long
            stopped = hz.<String, String>getMap(MemberConfig.LEAVING_MAP).getAsync(e.getMember().getUuid().toString())
                    .toCompletableFuture().get(2, TimeUnit.SECONDS) != null;
        } catch (InterruptedException e2) {
            Thread.currentThread().interrupt();
            return;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e2) {
            if (!hz.getLifecycleService().isRunning()) {
                throw new com.hazelcast.core.HazelcastInstanceNotActiveException(); // this member is stopping too
            }
            LOG.warn("member {} left; {} member(s) (whether it stopped is unknown: {})", who, n, e2.toString());
            return;
        }
        if (stopped) {
            LOG.info("member {} stopped and left; {} member(s)", who, n);
        } else {
            LOG.warn("member {} lost: it left without stopping (killed, crashed, or cut off from this member); "
                    + "{} member(s)", who, n);
        }
    }

    /** Reopens a store that failed on a full disk once its data dir has room (a write through this member does too). */
    private void reopenStoreIfRoom() {
        if (local.failed()) {
            try {
                local.requireRoom();
            } catch (DataDirFull stillFull) {
                // still no room: the next look is in 10 s
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    private void attach() {
        for (Kind k : Kind.values()) {
            maps.get(k).addEntryListener(new Events(k), true);
        }
        hz.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent e) {
                LOG.info("member {} joined; {} member(s)", e.getMember().getAddress(), e.getMembers().size());
                mirror.members(e.getMembers().size());
            }

            @Override
            public void memberRemoved(MembershipEvent e) {
                mirror.members(e.getMembers().size());
                // backups promoted here may hold writes whose events died with the member; and a member
                // cut off from the others (a site whose links failed) has lost every partition of which it
                // held no copy: its data dir, which has every value, puts them back so that it keeps
                // reading and writing the whole registry until the halves merge (VersionMergePolicy)
                mirror.execute(() -> {
                    try {
                        logLeave(e);
                        int refilled = pushLocalWinners();
                        if (refilled > 0) {
                            LOG.warn("{} value(s) missing from the cluster after member {} left (partitions without "
                                    + "a copy here) put back from this member's data dir", refilled,
                                    e.getMember().getAddress());
                        }
                        syncFromCluster("member " + e.getMember().getAddress() + " left");
                    } catch (com.hazelcast.core.HazelcastInstanceNotActiveException stopping) {
                        LOG.debug("registry not copied after a member left: this member is stopping too");
                    }
                });
            }
        });
        // after a split, the smaller half's members rejoin the larger one with their own maps emptied and
        // their values merged in (entry events there); what the larger half wrote meanwhile reaches them
        // as no event at all: copy the whole registry once the merge is done
        hz.getLifecycleService().addLifecycleListener(e -> {
            if (e.getState() == com.hazelcast.core.LifecycleEvent.LifecycleState.MERGED) {
                mirror.execute(() -> {
                    try {
                        syncFromCluster("this member merged back into the cluster after a split");
                    } catch (com.hazelcast.core.HazelcastInstanceNotActiveException stopping) {
                        LOG.debug("registry not copied after the merge: this member is stopping");
                    }
                });
            }
        });
        mirror.members(hz.getCluster().getMembers().size());
        for (Kind k : Kind.values()) {
            maps.get(k).forEach((key, value) -> onEvent(k, key, Stored.decode(value)));
        }
    }

    private final class Events implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
            EntryMergedListener<String, String> {
        private final Kind kind;

        Events(Kind kind) {
            this.kind = kind;
        }

        @Override
        public void entryAdded(EntryEvent<String, String> e) {
            onEvent(kind, e.getKey(), Stored.decode(e.getValue()));
        }

        @Override
        public void entryUpdated(EntryEvent<String, String> e) {
            onEvent(kind, e.getKey(), Stored.decode(e.getValue()));
        }

        @Override
        public void entryMerged(EntryEvent<String, String> e) {
            onEvent(kind, e.getKey(), Stored.decode(e.getValue()));
        }
    }

    private void onEvent(Kind kind, String key, Stored value) {
        if (closed || !mirror.apply(kind, key, value)) {
            return;
        }
        if (kind == Kind.DATASETS) {
            mirror.execute(() -> datasets.load(key, value));
        } else if (kind.persisted) {
            local.persist(kind, key, value);
        }
    }

    /** Pushes every local value that wins over the cluster's copy; the cluster's others come back as events. */
    private void restore() {
        int pushed = pushLocalWinners();
        syncFromCluster(null);
        if (pushed > 0) {
            LOG.info("restored {} value(s) from this member's data dir into the cluster", pushed);
        }
    }

    /** Puts every value of the data dir that the cluster lacks or holds older into the cluster; how many. */
    private int pushLocalWinners() {
        int pushed = 0;
        for (Kind k : Kind.values()) {
            if (!k.persisted) {
                continue;
            }
            Map<String, Stored> mine = local.entries(k);
            List<String> keys = new ArrayList<>(mine.keySet());
            for (int i = 0; i < keys.size(); i += 1000) {
                Set<String> batch = new HashSet<>(keys.subList(i, Math.min(keys.size(), i + 1000)));
                Map<String, String> theirs = maps.get(k).getAll(batch);
                for (String key : batch) {
                    Stored m = mine.get(key);
                    Stored t = Stored.decode(theirs.get(key));
                    if (t == null || k.newer(m, t)) {
                        if (k == Kind.DATASETS && !m.deleted() && !datasets.restoreChunks(key, m)) {
                            continue;
                        }
                        if (mergeIn(k, key, m)) {
                            pushed++;
                        }
                    }
                }
            }
        }
        return pushed;
    }

    private boolean mergeIn(Kind k, String key, Stored mine) {
        IMap<String, String> map = maps.get(k);
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            String curEnc = map.get(key);
            Stored cur = Stored.decode(curEnc);
            if (cur != null && !k.newer(mine, cur)) {
                return false;
            }
            boolean ok = cur == null ? map.putIfAbsent(key, mine.encode()) == null
                    : map.replace(key, curEnc, mine.encode());
            if (ok) {
                onEvent(k, key, mine);
                return true;
            }
        }
        return false;
    }

    /** Copies every value of the cluster into the mirror and the data dir (promoted backups, shutdown). */
    private void syncFromCluster(String why) {
        if (closed) {
            return;
        }
        for (Kind k : Kind.values()) {
            maps.get(k).forEach((key, value) -> {
                Stored s = Stored.decode(value);
                onEvent(k, key, s);
                if (k.persisted && k != Kind.DATASETS) {
                    local.persist(k, key, s);
                }
            });
        }
        local.commit();
        if (why != null) {
            LOG.info("registry copied to the data dir after {}", why);
            datasets.reloadStale();
        }
    }

    // ---- reads ----

    /** The cluster's current copy (a network call: never on an event loop). Null when absent; may be a tombstone. */
    public Stored get(Kind kind, String key) {
        return Stored.decode(maps.get(kind).get(key));
    }

    /** Decoded live value from the cluster, or null when absent or deleted. */
    public <T> T read(Kind kind, String key, Class<T> type) {
        Stored s = get(kind, key);
        return s == null || s.deleted() ? null : Json.read(s.body(), type);
    }

    public RegistryView view() {
        return mirror.current();
    }

    /**
     * The view once it includes every change this member has seen (its own writes among them),
     * waiting at most a second: for validations that must see what was just written here.
     */
    public RegistryView freshView() {
        long mark = mirror.changes();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        RegistryView v = mirror.current();
        while (v.sequence() < mark && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            v = mirror.current();
        }
        return v;
    }

    /** The live keys of a map as the cluster has them now (a network call). */
    public Set<String> liveKeys(Kind kind) {
        Set<String> out = new HashSet<>();
        maps.get(kind).forEach((k, v) -> {
            if (!Stored.decode(v).deleted()) {
                out.add(k);
            }
        });
        return out;
    }

    /** Called on the registry thread with every new view. */
    public void onView(Consumer<RegistryView> listener) {
        mirror.addListener(listener);
    }

    /**
     * A mark covering every change this member has seen so far: a view whose sequence is at least
     * this includes them (to wait for one's own write to reach the snapshot).
     */
    public long changeMark() {
        return mirror.changes();
    }

    /** Whether every partition has its backups in place (for tests that stop a member). */
    boolean clusterSafe() {
        return hz.getPartitionService().isClusterSafe();
    }

    /** This member's data dir store (for tests of a full disk). */
    LocalStore localStore() {
        return local;
    }

    public int members() {
        return hz.getCluster().getMembers().size();
    }

    public String memberId() {
        return hz.getCluster().getLocalMember().getUuid().toString();
    }

    /** Tells the other members what this one serves (e.g. which GeoIP database); not persisted. */
    public void publishMemberInfo(String json) {
        if (!closed) {
            hz.<String, String>getMap(MemberConfig.MEMBER_MAP).set(memberId(), json);
        }
    }

    /** What each live member last published, by member id (a network call). */
    public Map<String, String> memberInfos() {
        Set<String> live = new HashSet<>();
        hz.getCluster().getMembers().forEach(m -> live.add(m.getUuid().toString()));
        Map<String, String> out = new java.util.TreeMap<>(hz.<String, String>getMap(MemberConfig.MEMBER_MAP).getAll(live));
        return out;
    }

    /**
     * Every live value of {@code kind} as the cluster has it now (a network call: for a miss in
     * the view that must not wait for the next one, like a partner created a moment ago).
     */
    public <T> List<T> readAll(Kind kind, Class<T> type) {
        List<T> out = new ArrayList<>();
        maps.get(kind).values().forEach(v -> {
            Stored s = Stored.decode(v);
            if (!s.deleted()) {
                out.add(Json.read(s.body(), type));
            }
        });
        return out;
    }

    // ---- the cluster itself, for live state kept outside the registry (the health checker's
    // verdicts, heartbeats and load reports, and its questions to other members; the dashboard's
    // member list): Hazelcast is reached only through these, so that joining, config and shutdown
    // stay in this package and no other package sees a Hazelcast type ----

    /** The members, the oldest first. */
    public List<ClusterMember> memberList() {
        return hz.getCluster().getMembers().stream().map(Registry::member).toList();
    }

    private static ClusterMember member(Member m) {
        return new ClusterMember(m.getUuid().toString(), m.getAddress().getHost(), m.getAddress().getPort(),
                m.localMember());
    }

    /** Whether a failure means this member's cluster instance has shut down (it is leaving). */
    public static boolean isLeaving(Throwable t) {
        return t instanceof com.hazelcast.core.HazelcastInstanceNotActiveException;
    }

    /** This member's cluster address as Hazelcast prints it ("[127.0.0.1]:5701"). */
    public String localClusterAddress() {
        return hz.getCluster().getLocalMember().getAddress().toString();
    }

    /**
     * A map of live state: not versioned, not persisted, either copy kept after a split (its
     * writers publish it again). Only the names configured so ("health-*", "node-load").
     */
    public <V> LiveMap<V> liveMap(String name) {
        if (!MemberConfig.isLiveState(name)) {
            throw new IllegalArgumentException("'" + name + "' is not a live-state map");
        }
        return new HazelcastLiveMap<>(hz.getMap(name));
    }

    /** Tells {@code listener} of every member that joins or leaves from now on. */
    public Subscription onMembership(MemberListener listener) {
        UUID id = hz.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent e) {
                listener.joined(member(e.getMember()));
            }

            @Override
            public void memberRemoved(MembershipEvent e) {
                listener.left(member(e.getMember()));
            }
        });
        return () -> {
            try {
                hz.getCluster().removeMembershipListener(id);
            } catch (RuntimeException leaving) {
                // the member has left: its listeners are gone with it
            }
        };
    }

    /**
     * Calls {@code action} (on a cluster thread) each time this member has merged back into the cluster
     * after a split: it may then have a new {@link #memberId}, and live state written by the other half
     * meanwhile reaches it as no event, so listeners of live maps read them again.
     */
    public Subscription onMerged(Runnable action) {
        UUID id = hz.getLifecycleService().addLifecycleListener(e -> {
            if (e.getState() == com.hazelcast.core.LifecycleEvent.LifecycleState.MERGED) {
                action.run();
            }
        });
        return () -> {
            try {
                hz.getLifecycleService().removeLifecycleListener(id);
            } catch (RuntimeException leaving) {
                // the member has left: its listeners are gone with it
            }
        };
    }

    /**
     * Makes this member answer the questions of {@code topic} that other members {@link #ask}
     * (called on a cluster executor thread); closing the subscription stops answering.
     */
    public Subscription answer(String topic, Function<String, String> answerer) {
        String key = MemberQuestion.contextKey(topic);
        hz.getUserContext().put(key, answerer);
        return () -> hz.getUserContext().remove(key, answerer);
    }

    /**
     * Asks member {@code memberId} a question of {@code topic} (for what only that member knows,
     * like its last probe of a node). The answer is null when that member does not answer the
     * topic; the future fails when the member is not in the cluster or cannot be reached.
     */
    public Future<String> ask(String memberId, String topic, String question) {
        for (Member m : hz.getCluster().getMembers()) {
            if (m.getUuid().toString().equals(memberId)) {
                return hz.getExecutorService(EXECUTOR).submitToMember(new MemberQuestion(topic, question), m);
            }
        }
        return CompletableFuture.failedFuture(new IllegalArgumentException("member " + memberId
                + " is not in the cluster"));
    }

    /**
     * Stops this member at once, as a kill would: nothing copied to the data dir, no graceful
     * leave (for tests of a member lost).
     */
    public void terminate() {
        hz.getLifecycleService().terminate();
    }

    // ---- writes (never on an event loop) ----

    interface Step {
        Stored next(Stored current) throws Conflict;
    }

    Stored cas(Kind kind, String key, boolean retry, Step step) throws Conflict {
        if (kind.persisted) {
            local.requireRoom(); // acknowledged means on this member's disk too: refuse before the cluster has it
        }
        IMap<String, String> map = maps.get(kind);
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            String curEnc = map.get(key);
            Stored cur = Stored.decode(curEnc);
            Stored next = step.next(cur);
            if (next == null) {
                return cur;
            }
            boolean ok = cur == null ? map.putIfAbsent(key, next.encode()) == null
                    : map.replace(key, curEnc, next.encode());
            if (ok) {
                written(kind, key, next);
                for (WriteListener l : writeListeners) {
                    l.written(kind, key, cur, next);
                }
                return next;
            }
            if (!retry) {
                throw new Conflict(kind.mapName + " '" + key + "' was changed by someone else meanwhile; "
                        + "read it again and retry", false);
            }
        }
        throw new Conflict(kind.mapName + " '" + key + "' is being changed too often to write; retry", false);
    }

    private void written(Kind kind, String key, Stored value) {
        if (kind.persisted) {
            local.persist(kind, key, value);
            local.commit();
        }
        mirror.apply(kind, key, value);
    }

    private Stored live(long above, Object value) {
        return new Stored(clock.next(above), false, Json.write(value));
    }

    /** Creates or replaces. */
    public Stored put(Kind kind, String key, Object value) {
        try {
            return cas(kind, key, true, cur -> live(cur == null ? 0 : cur.version(), value));
        } catch (Conflict e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Creates, failing when a live value exists (a tombstone may be replaced). */
    public Stored create(Kind kind, String key, Object value) throws Conflict {
        return cas(kind, key, true, cur -> {
            if (cur != null && !cur.deleted()) {
                throw new Conflict(kind.mapName + " '" + key + "' already exists", false);
            }
            return live(cur == null ? 0 : cur.version(), value);
        });
    }

    /**
     * Creates only when the key never existed (no tombstone either): for seeding demo data, which
     * must not come back after an operator deleted it.
     */
    public boolean seed(Kind kind, String key, Object value) {
        try {
            Stored s = cas(kind, key, true, cur -> cur != null ? null : live(0, value));
            return s != null && s.body().equals(Json.write(value)) && !s.deleted();
        } catch (Conflict e) {
            return false;
        }
    }

    /** Replaces the live value whose version is {@code expected} (If-Match), or any live value when null. */
    public Stored update(Kind kind, String key, Object value, Long expected) throws Conflict {
        return cas(kind, key, expected == null, cur -> {
            if (cur == null || cur.deleted()) {
                throw new Conflict(kind.mapName + " '" + key + "' does not exist", true);
            }
            if (expected != null && cur.version() != expected) {
                throw new Conflict(kind.mapName + " '" + key + "' has changed since you read it (ETag "
                        + cur.etag() + " now); read it again and retry", true);
            }
            return live(cur.version(), value);
        });
    }

    /** Applies {@code change} to the live value atomically (retried on races); null when absent. */
    public <T> T modify(Kind kind, String key, Class<T> type, Function<T, T> change) {
        try {
            Stored s = cas(kind, key, true, cur -> {
                if (cur == null || cur.deleted()) {
                    return null;
                }
                T next = change.apply(Json.read(cur.body(), type));
                return next == null ? null : live(cur.version(), next);
            });
            return s == null || s.deleted() ? null : Json.read(s.body(), type);
        } catch (Conflict e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Deletes (leaves a tombstone carrying the last body); returns the deleted value or null when absent. */
    public Stored delete(Kind kind, String key) {
        Stored[] before = {null};
        try {
            cas(kind, key, true, cur -> {
                before[0] = cur;
                if (cur == null || cur.deleted()) {
                    return null;
                }
                return new Stored(clock.next(cur.version()), true, cur.body());
            });
        } catch (Conflict e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return before[0] == null || before[0].deleted() ? null : before[0];
    }

    /**
     * Offers a value that replaces the cluster's copy (live or tombstone) only when
     * {@code replaces.test(offered, current)}; returns what the cluster holds afterwards. Used for
     * zones from a member's files, where the higher SOA serial wins.
     */
    public Stored offer(Kind kind, String key, Object value, java.util.function.BiPredicate<Stored, Stored> replaces) {
        try {
            return cas(kind, key, true, cur -> {
                Stored mine = live(cur == null ? 0 : cur.version(), value);
                return cur == null || replaces.test(mine, cur) ? mine : null;
            });
        } catch (Conflict e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    // ---- datasets ----

    /**
     * Stores a large value in chunks and switches the dataset to it; {@code expectedUpload} (the
     * upload it was derived from) makes the switch conditional, null makes it unconditional.
     */
    public DatasetMeta putDataset(String name, byte[] bytes, Map<String, Object> info, Long expectedUpload)
            throws Conflict {
        return datasets.put(name, bytes, info, expectedUpload);
    }

    /** As {@link #putDataset}, read from a file a chunk at a time (a feed's table dump: never whole in the heap). */
    public DatasetMeta putDatasetFile(String name, java.nio.file.Path file, Map<String, Object> info,
            Long expectedUpload) throws Conflict, IOException {
        return datasets.putFile(name, file, info, expectedUpload);
    }

    /** Deletes a dataset on every member (its file in every data dir too). */
    public void deleteDataset(String name) {
        try {
            datasets.delete(name);
        } catch (Conflict e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    // ---- who wrote what ----

    /**
     * Hears every write this member makes to the registry, on the writing thread, once the cluster
     * has accepted it: the kind and key, the value it replaced (null when there was none) and the new one.
     */
    @FunctionalInterface
    public interface WriteListener {
        void written(Kind kind, String key, Stored before, Stored after);
    }

    public Subscription onWrite(WriteListener listener) {
        writeListeners.add(listener);
        return () -> writeListeners.remove(listener);
    }

    /** The audit trail of accepted changes, kept in the cluster and every data dir. */
    public AuditLog auditLog() {
        return auditLog;
    }

    /** The named operator tokens as this member has them now, by id (not part of {@link RegistryView}). */
    public Map<String, org.hubdns.cluster.model.OperatorToken> operatorTokens() {
        return mirror.liveValues(Kind.OPERATOR_TOKENS);
    }

    // ---- coverage feeds ----

    /** The coverage feeds as this member has them now, by name (not part of {@link RegistryView}). */
    public Map<String, org.hubdns.cluster.feed.StoredFeed> feeds() {
        return mirror.liveValues(Kind.FEEDS);
    }

    /** The feeds' live-update logs. */
    public FeedLog feedLog() {
        return feedLog;
    }

    /** Saves everything to the data dir and leaves the cluster gracefully (partitions migrate first). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            if (hz.getLifecycleService().isRunning()) {
                syncFromCluster(null);
            }
        } catch (RuntimeException e) {
            LOG.warn("could not copy the registry to the data dir before leaving: {}", e.toString());
        }
        try {
            if (hz.getLifecycleService().isRunning() && members() > 1) {
                // bounded: a cluster in trouble must not hold a stop beyond a supervisor's patience
                hz.<String, String>getMap(MemberConfig.LEAVING_MAP).setAsync(memberId(),
                        Long.toString(System.currentTimeMillis()), 30, TimeUnit.MINUTES)
                        .toCompletableFuture().get(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            LOG.info("the other members were not told that this one is stopping ({}): they may log it as lost",
                    e.toString());
        }
        closed = true;
        mirror.close();
        try {
            hz.shutdown();
        } catch (RuntimeException e) {
            LOG.warn("cluster member did not shut down cleanly: {}", e.toString());
        }
        local.close();
    }
}
