package org.hubdns.feed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.hubdns.cluster.feed.CoverageFeed;
import org.hubdns.cluster.feed.FeedPlacement;
import org.hubdns.cluster.feed.FeedPlacements;
import org.hubdns.cluster.feed.FeedRoutes;
import org.hubdns.cluster.feed.PeerSites;
import org.hubdns.cluster.feed.MrtReader;
import org.hubdns.cluster.feed.RouteBatch;
import org.hubdns.cluster.feed.StoredFeed;
import org.hubdns.cluster.store.ClusterMember;
import org.hubdns.cluster.store.Conflict;
import org.hubdns.cluster.store.DatasetFile;
import org.hubdns.cluster.store.DatasetMeta;
import org.hubdns.cluster.store.FeedLog;
import org.hubdns.cluster.store.Registry;
import org.hubdns.cluster.store.RegistryView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This member's replica of every coverage feed, and the {@link FeedPlacement} made from them.
 *
 * <p>A feed's routes are its newest <em>base</em> (the dataset {@code feed.<name>}: an uploaded MRT
 * dump, or the table written back by compaction, each saying which sequence of the feed's log it
 * covers) plus the entries of its log after that sequence ({@link FeedLog}), applied in order. Every
 * member builds the same table from the same base and entries; a full restart rebuilds it from the
 * data dir (the base's file and the kept entries). One thread ("hubdns-feeds") does all of it, off
 * the event loops and the registry's thread; the placement is rebuilt at most every
 * {@link #PLACEMENT_MS} ms and handed to the listeners (the snapshot builder).
 *
 * <p>Staleness: a feed with {@code staleAfterS > 0} whose last change, dump or heartbeat (the time
 * its writer put in the batch) is older than that places nobody, and this member logs a WARN once
 * (and INFO when news comes again).
 *
 * <p>Compaction: the oldest member writes a feed's table back as a new base once its log since the
 * base is long ({@link #COMPACT_ENTRIES} entries or {@link #COMPACT_BYTES} bytes), so that the log
 * stays short; the entries it covers are dropped.
 */
public final class CoverageFeeds implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CoverageFeeds.class);
    static final long PLACEMENT_MS = 100;
    static final long COMPACT_ENTRIES = 2_000;
    static final long COMPACT_BYTES = 64L << 20;
    /** How long a missing log entry is waited for before it is fetched from the cluster. */
    private static final long GAP_FETCH_MS = 200;
    /** How long a log entry missing everywhere holds the feed back before it is skipped (with an error). */
    private static final long GAP_GIVE_UP_MS = 10_000;

    /** In a base dataset's info. */
    static final String INFO_EPOCH = "epoch";
    static final String INFO_AFTER = "afterSeq";
    static final String INFO_FORMAT = "format";
    static final String INFO_TIME = "timeMillis";
    static final String INFO_UPLOAD = "lastUpload";
    static final String FORMAT_MRT = "mrt";
    static final String FORMAT_BATCH = "routes";

    private final Registry registry;
    private final LongSupplier clock;
    /** {@link #COMPACT_ENTRIES}, lower in tests (system property {@code hubdns.feeds.compactEntries}). */
    private final long compactEntries = Long.getLong("hubdns.feeds.compactEntries", COMPACT_ENTRIES);
    private final ScheduledExecutorService thread;
    private final Map<String, Replica> replicas = new HashMap<>(); // feed thread only
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean placementDue = new AtomicBoolean();
    /** Patches the placement with the prefixes that changed (the only reader of the tables' change records). */
    private final FeedPlacements.Updater placements = new FeedPlacements.Updater();
    private volatile FeedPlacement current = FeedPlacement.EMPTY;
    private volatile Map<String, FeedState> states = Map.of();
    private volatile boolean closed;
    private java.util.Set<String> sites = java.util.Set.of(); // feed thread only

    /** One feed on this member. */
    private final class Replica {
        StoredFeed feed;
        FeedRoutes table = new FeedRoutes();
        long baseUpload;
        long baseAfter;
        long applied;
        long logBytes;
        long lastHeard;
        boolean stale;
        long skipped;
        Map<String, Object> lastUpload;
        final SortedMap<Long, byte[]> pending = new TreeMap<>();
        long gapSince;

        Replica(StoredFeed feed) {
            this.feed = feed;
        }

        String log() {
            return feed.logId();
        }
    }

    public CoverageFeeds(Registry registry, LongSupplier clock) {
        this.registry = registry;
        this.clock = clock;
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hubdns-feeds");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts following the registry and the logs; returns once the data dir's feeds are loaded. */
    public CoverageFeeds start() {
        registry.feedLog().listen(e -> run(() -> heard(e)));
        registry.onView(v -> run(this::sync));
        run(this::sync);
        thread.scheduleWithFixedDelay(() -> guarded(this::tick), 1, 1, TimeUnit.SECONDS);
        long every = compactEntries < COMPACT_ENTRIES ? 1 : 10;
        thread.scheduleWithFixedDelay(() -> guarded(this::compactIfDue), every, every, TimeUnit.SECONDS);
        try {
            thread.submit(() -> { }).get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("coverage feeds still loading after start-up: {}", e.toString());
        }
        return this;
    }

    /** The placement over every feed that is not stale (immutable; the snapshot builder reads it). */
    public FeedPlacement current() {
        return current;
    }

    /** Called (on the feed thread) after each new placement. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** Each feed as this member serves it, by name. */
    public Map<String, FeedState> states() {
        return states;
    }

    private void run(Runnable task) {
        if (closed) {
            return;
        }
        try {
            thread.execute(() -> guarded(task));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // this member is stopping
        }
    }

    private static void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("coverage feed task failed: {}", e.toString(), e);
        }
    }

    // ---- following the registry ----

    private void sync() {
        Map<String, StoredFeed> feeds = registry.feeds();
        RegistryView view = registry.view();
        boolean changed = false;
        for (var it = replicas.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            StoredFeed now = feeds.get(e.getKey());
            if (now == null || now.epoch() != e.getValue().feed.epoch()) {
                registry.feedLog().drop(e.getValue().log());
                LOG.info("coverage feed {} removed: its {} routes no longer place clients", e.getKey(),
                        e.getValue().table.size());
                it.remove();
                changed = true;
            }
        }
        for (StoredFeed f : feeds.values()) {
            Replica r = replicas.get(f.config().name());
            if (r == null) {
                r = new Replica(f);
                replicas.put(f.config().name(), r);
                r.lastHeard = f.epoch(); // a new feed has its staleAfterS to hear news
                rebase(r, view, true);
                changed = true;
            } else {
                if (!r.feed.equals(f)) {
                    r.feed = f;
                    changed = true;
                }
                changed |= rebase(r, view, false);
            }
        }
        if (!view.sites().keySet().equals(sites)) {
            sites = java.util.Set.copyOf(view.sites().keySet());
            changed = true;
        }
        if (changed) {
            tickStale();
            placementDue();
        }
    }

    /** Takes the feed's newest base when it is not the one this replica is built on; true when routes changed. */
    private boolean rebase(Replica r, RegistryView view, boolean fresh) {
        DatasetFile base = view.dataset(StoredFeed.datasetName(r.feed.config().name()), DatasetFile.class, null);
        DatasetMeta meta = base == null ? null : base.meta();
        if (meta != null && epochOf(meta) != r.feed.epoch()) {
            meta = null; // a base of an earlier feed of that name
        }
        if (meta == null) {
            if (fresh) {
                catchUp(r, 0);
            }
            return fresh;
        }
        if (meta.upload() == r.baseUpload) {
            return false;
        }
        long after = number(meta.info().get(INFO_AFTER));
        String format = String.valueOf(meta.info().get(INFO_FORMAT));
        if (!fresh && FORMAT_BATCH.equals(format) && r.applied >= after) {
            // a compaction: the same routes as this table already has, only a shorter log behind them
            r.baseUpload = meta.upload();
            r.baseAfter = after;
            r.logBytes = 0;
            registry.feedLog().covered(r.log(), after, false);
            return false;
        }
        long t0 = System.nanoTime();
        FeedRoutes table = new FeedRoutes();
        try (InputStream in = Files.newInputStream(base.file())) {
            if (FORMAT_MRT.equals(format)) {
                MrtReader.read(MrtReader.decompressing(in), table);
            } else {
                RouteBatch.read(new GZIPInputStream(in, 1 << 16), table);
            }
        } catch (IOException | org.hubdns.cluster.feed.MrtFormatException | RuntimeException e) {
            LOG.error("coverage feed {}: its routes (upload {}) cannot be read on this member ({}); the previous "
                    + "routes keep serving", r.feed.config().name(), meta.upload(), e.toString());
            return false;
        }
        r.table = table;
        r.baseUpload = meta.upload();
        r.baseAfter = after;
        r.applied = after;
        r.logBytes = 0;
        r.skipped = 0;
        r.lastHeard = Math.max(r.lastHeard, number(meta.info().get(INFO_TIME)));
        Object up = meta.info().get(INFO_UPLOAD);
        r.lastUpload = up instanceof Map<?, ?> m ? castMap(m) : null;
        r.pending.headMap(after + 1).clear();
        registry.feedLog().covered(r.log(), after, false);
        LOG.info("coverage feed {}: {} IPv4 and {} IPv6 routes loaded from its {} (upload {}) in {} ms",
                r.feed.config().name(), table.ipv4Routes(), table.ipv6Routes(),
                FORMAT_MRT.equals(format) ? "table dump" : "compacted table", meta.upload(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        catchUp(r, after);
        return true;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    private static long epochOf(DatasetMeta meta) {
        Object e = meta.info().get(INFO_EPOCH);
        return e == null ? -1 : number(e);
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : o == null ? 0 : Long.parseLong(o.toString());
    }

    /** After a (re)base: the entries this member kept, then the cluster's, then those heard meanwhile. */
    private void catchUp(Replica r, long after) {
        registry.feedLog().kept(r.log(), after).forEach((seq, batch) -> r.pending.putIfAbsent(seq, batch));
        drain(r);
        while (!closed) {
            byte[] b = registry.feedLog().fetch(r.log(), r.applied + 1);
            if (b == null) {
                break;
            }
            r.pending.put(r.applied + 1, b);
            drain(r);
        }
    }

    // ---- the log ----

    private void heard(FeedLog.Entry e) {
        Replica r = null;
        for (Replica x : replicas.values()) {
            if (x.log().equals(e.log())) {
                r = x;
                break;
            }
        }
        if (r == null) {
            // a feed this member has not seen created yet: its sync catches up from the cluster
            return;
        }
        if (e.seq() <= r.applied) {
            return;
        }
        r.pending.put(e.seq(), e.batch());
        drain(r);
    }

    private void drain(Replica r) {
        boolean routes = false;
        while (!r.pending.isEmpty()) {
            long first = r.pending.firstKey();
            if (first <= r.applied) {
                r.pending.remove(first);
                continue;
            }
            if (first != r.applied + 1) {
                gap(r);
                break;
            }
            byte[] batch = r.pending.remove(first);
            routes |= apply(r, first, batch);
            r.gapSince = 0;
        }
        if (routes) {
            placementDue();
        }
        publishStates();
    }

    private boolean apply(Replica r, long seq, byte[] batch) {
        RouteBatch.Replayed done;
        long before = r.table.changes();
        try {
            done = RouteBatch.read(batch, r.table);
        } catch (IllegalArgumentException e) {
            LOG.error("coverage feed {}: update batch {} is unreadable and skipped: {}", r.feed.config().name(), seq,
                    e.getMessage());
            r.applied = seq;
            return false;
        }
        r.applied = seq;
        r.logBytes += batch.length;
        r.skipped += done.header().skipped();
        r.lastHeard = Math.max(r.lastHeard, done.header().timeMillis());
        registry.feedLog().keep(new FeedLog.Entry(r.log(), seq, batch));
        if (r.stale && !isStale(r)) {
            tickStale();
            return true;
        }
        return r.table.changes() != before; // a heartbeat or a repeated route changes no placement
    }

    /** The next entry has not arrived while later ones have: fetch it, and in the end skip it. */
    private void gap(Replica r) {
        long now = System.currentTimeMillis();
        if (r.gapSince == 0) {
            r.gapSince = now;
            thread.schedule(() -> guarded(() -> {
                if (replicas.get(r.feed.config().name()) == r && !r.pending.isEmpty()
                        && r.pending.firstKey() > r.applied + 1) {
                    byte[] b = registry.feedLog().fetch(r.log(), r.applied + 1);
                    if (b != null) {
                        r.pending.put(r.applied + 1, b);
                    }
                    r.gapSince = b != null ? 0 : r.gapSince;
                    drain(r);
                }
            }), GAP_FETCH_MS, TimeUnit.MILLISECONDS);
        } else if (now - r.gapSince > GAP_GIVE_UP_MS) {
            long next = r.pending.firstKey();
            LOG.error("coverage feed {}: update batches {} to {} are lost in the cluster; skipped", r.feed.config().name(),
                    r.applied + 1, next - 1);
            r.applied = next - 1;
            r.gapSince = 0;
        } else {
            thread.schedule(() -> guarded(() -> {
                if (replicas.get(r.feed.config().name()) == r) {
                    r.gapSince = r.gapSince == 0 ? 0 : r.gapSince;
                    byte[] b = registry.feedLog().fetch(r.log(), r.applied + 1);
                    if (b != null) {
                        r.pending.put(r.applied + 1, b);
                    }
                    drain(r);
                }
            }), 1, TimeUnit.SECONDS);
        }
    }

    // ---- staleness ----

    private boolean isStale(Replica r) {
        long after = r.feed.config().staleAfterS();
        return after > 0 && clock.getAsLong() - r.lastHeard > after * 1000;
    }

    private void tick() {
        if (tickStale()) {
            placementDue();
        }
        publishStates();
    }

    /** True when a feed became stale or fresh. */
    private boolean tickStale() {
        boolean flipped = false;
        for (Replica r : replicas.values()) {
            boolean s = isStale(r);
            if (s != r.stale) {
                r.stale = s;
                flipped = true;
                String name = r.feed.config().name();
                if (s) {
                    LOG.warn("coverage feed {} is stale: no change, dump or heartbeat for {} s (staleAfterS {}); its "
                            + "routes place no clients until it hears news (is its bgp-feed running? is the dump job?)",
                            name, (clock.getAsLong() - r.lastHeard) / 1000,
                            r.feed.config().staleAfterS());
                } else {
                    LOG.info("coverage feed {} is current again: its routes place clients", name);
                }
            }
        }
        return flipped;
    }

    // ---- the placement ----

    private void placementDue() {
        if (placementDue.compareAndSet(false, true)) {
            thread.schedule(() -> guarded(this::buildPlacement), PLACEMENT_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void buildPlacement() {
        placementDue.set(false);
        List<FeedPlacements.Feed> parts = new ArrayList<>();
        for (Replica r : replicas.values()) {
            parts.add(new FeedPlacements.Feed(r.feed.config(), r.table, r.stale));
        }
        FeedPlacement before = current;
        current = placements.update(parts, sites);
        publishStates();
        if (current != before) {
            for (Runnable l : listeners) {
                l.run();
            }
        }
    }

    private void publishStates() {
        Map<String, FeedState> out = new TreeMap<>();
        for (Replica r : replicas.values()) {
            List<FeedState.Peer> peers = new ArrayList<>();
            PeerSites map = PeerSites.of(r.feed.config());
            r.table.peers().forEach(p -> peers.add(new FeedState.Peer(p.as(), p.address(), map.site(p), p.routes())));
            out.put(r.feed.config().name(), new FeedState(r.feed.config().name(), r.table.ipv4Routes(),
                    r.table.ipv6Routes(), List.copyOf(peers), r.lastHeard, r.stale, r.lastUpload, r.skipped, r.applied));
        }
        states = Map.copyOf(out);
    }

    // ---- writes (API workers) ----

    /** The sequence a new batch of {@code feed} goes after (its newest base's), as this member has it. */
    private long floor(StoredFeed feed) {
        DatasetFile base = registry.view().dataset(StoredFeed.datasetName(feed.config().name()), DatasetFile.class,
                null);
        return base == null || epochOf(base.meta()) != feed.epoch() ? 0 : number(base.meta().info().get(INFO_AFTER));
    }

    /** Appends one batch (made by {@link RouteBatch.Writer}) to the feed's log; returns its sequence. */
    public long append(StoredFeed feed, byte[] batch) {
        return registry.feedLog().append(feed.logId(), floor(feed), batch);
    }

    /**
     * Replaces the feed's routes with a table dump already checked ({@code summary}): stored as the
     * feed's base on every member, covering every update this member has heard of.
     */
    public DatasetMeta replace(StoredFeed feed, Path dump, Map<String, Object> summary) throws IOException {
        long after = Math.max(registry.feedLog().head(feed.logId()), floor(feed));
        Map<String, Object> info = new HashMap<>();
        info.put(INFO_EPOCH, feed.epoch());
        info.put(INFO_AFTER, after);
        info.put(INFO_FORMAT, FORMAT_MRT);
        info.put(INFO_TIME, clock.getAsLong());
        info.put(INFO_UPLOAD, summary);
        DatasetMeta meta;
        try {
            meta = registry.putDatasetFile(StoredFeed.datasetName(feed.config().name()), dump, info, null);
        } catch (Conflict e) {
            throw new IllegalStateException(e.getMessage(), e); // unconditional: cannot conflict
        }
        registry.feedLog().covered(feed.logId(), after, true); // the dump replaces what the log held so far
        return meta;
    }

    /** Drops the feed's routes everywhere (its config is deleted by the caller). */
    public void remove(String name) {
        registry.deleteDataset(StoredFeed.datasetName(name));
    }

    // ---- compaction (the oldest member) ----

    private void compactIfDue() {
        List<ClusterMember> members = registry.memberList();
        if (members.isEmpty() || !members.get(0).local()) {
            return;
        }
        for (Replica r : replicas.values()) {
            if (r.applied - r.baseAfter >= compactEntries || r.logBytes >= COMPACT_BYTES) {
                compact(r);
            }
        }
    }

    /** Writes the table as the feed's new base (if no other base came meanwhile). */
    void compact(Replica r) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("hubdns-feed-" + r.feed.config().name(), ".routes.gz");
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                RouteBatch.Writer w = new RouteBatch.Writer(new java.io.BufferedOutputStream(out, 1 << 16),
                        r.lastHeard);
                long[][] paths = new long[FeedRoutes.MAX_PATH_LENGTH + 1][];
                r.table.forEach((session, prefix, length, pathId, as, announcer, firstAs, originAs, pathLength) ->
                        w.announce(session, prefix, length, pathId, as, announcer,
                                path(paths, firstAs, originAs, pathLength)));
                w.finish(0);
            }
            Map<String, Object> info = new HashMap<>();
            info.put(INFO_EPOCH, r.feed.epoch());
            info.put(INFO_AFTER, r.applied);
            info.put(INFO_FORMAT, FORMAT_BATCH);
            info.put(INFO_TIME, r.lastHeard);
            if (r.lastUpload != null) {
                info.put(INFO_UPLOAD, r.lastUpload);
            }
            long after = r.applied;
            registry.putDatasetFile(StoredFeed.datasetName(r.feed.config().name()), tmp, info,
                    r.baseUpload == 0 ? 0L : r.baseUpload);
            registry.feedLog().covered(r.log(), after, true);
            LOG.info("coverage feed {}: log compacted up to batch {} ({} routes written back)", r.feed.config().name(),
                    after, r.table.size());
        } catch (Conflict e) {
            LOG.debug("coverage feed {}: a dump arrived meanwhile; compaction skipped", r.feed.config().name());
        } catch (IOException | RuntimeException e) {
            LOG.warn("coverage feed {}: log not compacted: {}", r.feed.config().name(), e.toString());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    LOG.debug("temp file left: {}", tmp);
                }
            }
        }
    }

    /**
     * An AS path with what a route keeps of one: its length, first and origin AS (the ASes between
     * are not kept; the first stands in for them). Reused per length: the writer copies nothing.
     */
    private static long[] path(long[][] reuse, long first, long origin, int length) {
        if (length == 0) {
            return new long[0];
        }
        long[] p = reuse[length];
        if (p == null) {
            p = reuse[length] = new long[length];
        }
        java.util.Arrays.fill(p, first);
        p[length - 1] = origin;
        return p;
    }

    /** An empty batch: a heartbeat. */
    public static byte[] heartbeat(long timeMillis) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new RouteBatch.Writer(bytes, timeMillis).finish(0);
        return bytes.toByteArray();
    }

    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
    }
}
