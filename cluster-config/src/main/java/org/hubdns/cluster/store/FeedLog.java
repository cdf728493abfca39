package org.hubdns.cluster.store;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.query.Predicates;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordered logs of coverage feeds' live updates: one log per feed ({@code name@epoch}), each
 * entry an opaque batch under a sequence number. A writer takes the next number by
 * {@code putIfAbsent} on the cluster map: taking it and writing the batch are one step, so the log
 * has no holes and two writers through two members are ordered without a lock. Every member hears
 * each entry (an entry listener), applies it in sequence order (fetching a missing one) and keeps
 * it in its data dir ({@link LocalStore}), from which a full restart replays it and puts it back
 * into the cluster. The entries before a feed's newest dump (uploaded, or the table written back
 * by compaction) are dropped from the data dir when a member takes that dump, and from the cluster
 * a minute later, so that a writer still holding an old head cannot take a dropped number again.
 */
public final class FeedLog {
    private static final Logger LOG = LoggerFactory.getLogger(FeedLog.class);
    static final String MAP = "feed-log";
    /** How long dropped entries stay in the cluster: longer than any writer keeps a head it has not checked. */
    private static final long DROP_AFTER_SECONDS = 60;

    /** One batch of a feed's log. */
    public record Entry(String log, long seq, byte[] batch) {
    }

    private final IMap<String, byte[]> map;
    private final LocalStore local;
    private final BooleanSupplier closed;
    private final Map<String, Long> heads = new ConcurrentHashMap<>();
    private final List<Consumer<Entry>> listeners = new CopyOnWriteArrayList<>();

    FeedLog(IMap<String, byte[]> map, LocalStore local, BooleanSupplier closed) {
        this.map = map;
        this.local = local;
        this.closed = closed;
    }

    /** Entries are immutable and a key is one batch's: after a split, either copy is the same. */
    static void configure(Config c) {
        MapConfig m = new MapConfig(MAP).setBackupCount(1);
        m.getMergePolicyConfig().setPolicy(com.hazelcast.spi.merge.PutIfAbsentMergePolicy.class.getName());
        c.addMapConfig(m);
    }

    static String key(String log, long seq) {
        return log + "/" + seq;
    }

    void attach() {
        map.addEntryListener(new Events(), true);
    }

    private final class Events implements EntryAddedListener<String, byte[]>, EntryMergedListener<String, byte[]> {
        @Override
        public void entryAdded(EntryEvent<String, byte[]> e) {
            heard(e.getKey(), e.getValue());
        }

        @Override
        public void entryMerged(EntryEvent<String, byte[]> e) {
            heard(e.getKey(), e.getValue());
        }
    }

    private void heard(String key, byte[] batch) {
        if (closed.getAsBoolean() || batch == null) {
            return;
        }
        int slash = key.lastIndexOf('/');
        String log = key.substring(0, slash);
        long seq = Long.parseLong(key.substring(slash + 1));
        heads.merge(log, seq, Math::max);
        Entry e = new Entry(log, seq, batch);
        for (Consumer<Entry> l : listeners) {
            l.accept(e);
        }
    }

    /** Called (on a cluster event thread) with every entry written anywhere, in no particular order. */
    public void listen(Consumer<Entry> listener) {
        listeners.add(listener);
    }

    /**
     * Appends {@code batch} to {@code log} after every entry this member has heard of and after
     * {@code floor} (the sequence its newest dump covers); returns the sequence it took. A network call.
     */
    public long append(String log, long floor, byte[] batch) {
        long seq = Math.max(floor, heads.getOrDefault(log, 0L)) + 1;
        while (map.putIfAbsent(key(log, seq), batch) != null) {
            seq++;
        }
        heads.merge(log, seq, Math::max);
        return seq;
    }

    /** The highest sequence of {@code log} this member has heard of (0: none). */
    public long head(String log) {
        return heads.getOrDefault(log, 0L);
    }

    /** The cluster's copy of one entry, or null when it is not (or no longer) there. A network call. */
    public byte[] fetch(String log, long seq) {
        return map.get(key(log, seq));
    }

    /** Keeps an applied entry in this member's data dir (replayed after a restart). */
    public void keep(Entry e) {
        local.putLogEntry(e.log(), e.seq(), e.batch());
    }

    /** The entries of {@code log} in this member's data dir after {@code afterSeq}, in order. */
    public SortedMap<Long, byte[]> kept(String log, long afterSeq) {
        return local.logEntries(log, afterSeq);
    }

    /** A dump covers the entries up to {@code upToSeq}: this member forgets them now, the cluster in a minute. */
    public void covered(String log, long upToSeq, boolean dropInCluster) {
        local.dropLogEntries(log, upToSeq);
        if (dropInCluster) {
            later(() -> map.keySet(Predicates.like("__key", log + "/%")).stream()
                    .filter(k -> seqOf(k) <= upToSeq).forEach(map::delete));
        }
    }

    /** The feed is gone: its whole log, here and in the cluster. */
    public void drop(String log) {
        local.dropLogEntries(log, Long.MAX_VALUE);
        heads.remove(log);
        later(() -> map.removeAll(Predicates.like("__key", log + "/%")));
    }

    private static long seqOf(String key) {
        return Long.parseLong(key.substring(key.lastIndexOf('/') + 1));
    }

    private void later(Runnable r) {
        CompletableFuture.delayedExecutor(DROP_AFTER_SECONDS, TimeUnit.SECONDS).execute(() -> {
            if (!closed.getAsBoolean()) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.debug("feed log entries not dropped: {}", e.toString());
                }
            }
        });
    }

    /**
     * At start: puts the entries of this member's data dir back into the cluster (after a full
     * restart the map is empty) so that later writers continue above them and members without them
     * can fetch them; forgets the logs of feeds that no longer exist.
     */
    void restore(Set<String> liveLogs) {
        int pushed = 0;
        for (String log : local.logs()) {
            if (!liveLogs.contains(log)) {
                local.dropLogEntries(log, Long.MAX_VALUE);
                continue;
            }
            for (Map.Entry<Long, byte[]> e : local.logEntries(log, 0).entrySet()) {
                heads.merge(log, e.getKey(), Math::max);
                if (map.putIfAbsent(key(log, e.getKey()), e.getValue()) == null) {
                    pushed++;
                }
            }
        }
        if (pushed > 0) {
            LOG.info("restored {} coverage feed update batch(es) from this member's data dir into the cluster", pushed);
        }
    }
}
