package org.hubdns.cluster.store;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryMergedListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.hubdns.cluster.model.AuditEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: every accepted change to the registry, newest {@link #KEEP} kept. An entry is
 * immutable under a time-ordered id; it goes into a cluster map (one backup) and, through an entry
 * listener, into every member's data dir ({@link LocalStore}), from which a full restart puts it
 * back; the member that accepted the change also appends it to {@code <data-dir>/audit.jsonl}.
 * Queries read this member's copy (a sorted map on disk), never the cluster.
 */
public final class AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    static final String MAP = "audit";
    public static final String FILE = "audit.jsonl";
    /** How many entries the cluster and every data dir keep (the oldest beyond go). */
    public static final int KEEP = 100_000;
    private static final int BATCH = 1000;

    private final IMap<String, String> map;
    private final LocalStore local;
    private final HybridClock clock;
    private final Path file;
    private final String memberSuffix;
    private final BooleanSupplier closed;
    private volatile String member = "?";
    private final java.util.concurrent.CountDownLatch restored = new java.util.concurrent.CountDownLatch(1);

    AuditLog(IMap<String, String> map, LocalStore local, HybridClock clock, Path file, String memberUuid,
            BooleanSupplier closed) {
        this.map = map;
        this.local = local;
        this.clock = clock;
        this.file = file;
        this.memberSuffix = memberUuid.replace("-", "").substring(0, 8);
        this.closed = closed;
    }

    /** Entries are immutable and a key is one entry's: after a split, either copy is the same. */
    static void configure(Config c) {
        MapConfig m = new MapConfig(MAP).setBackupCount(1);
        m.getMergePolicyConfig().setPolicy(com.hazelcast.spi.merge.PutIfAbsentMergePolicy.class.getName());
        c.addMapConfig(m);
    }

    /** The id bound of the entries at or after {@code epochMillis}: ids sort by time. */
    public static String idAt(long epochMillis) {
        return String.format("a-%016x", Math.max(0, epochMillis) * 1000);
    }

    /**
     * At the join, on a thread of its own (so that the join does not wait for it: registering a
     * listener waits for a stable cluster, and other members may be joining too): hears every entry
     * written from now on, copies the cluster's into the data dir, and puts back those only the
     * data dir has (after a full restart the map is empty). Until it is done, {@code GET /v1/audit}
     * on this member may miss entries that were made elsewhere; nothing is lost.
     */
    void start(String memberAddress) {
        this.member = memberAddress;
        Thread t = new Thread(() -> {
            try {
                restore();
            } catch (RuntimeException e) {
                if (!closed.getAsBoolean()) {
                    LOG.warn("audit trail not restored from the cluster and the data dir: {}; entries are still "
                            + "recorded, and a restart of this member tries again", e.toString());
                }
            } finally {
                restored.countDown();
            }
        }, "hubdns-audit-restore");
        t.setDaemon(true);
        t.start();
    }

    /** Waits (at most {@code millis}) until {@link #start} has copied the trail; true when it has. */
    public boolean awaitRestored(long millis) throws InterruptedException {
        return restored.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void restore() {
        map.addEntryListener(new Events(), true);
        Set<String> theirs = new HashSet<>();
        List<String> keys = new ArrayList<>(map.keySet());
        for (int i = 0; i < keys.size(); i += BATCH) {
            Map<String, String> got = map.getAll(new HashSet<>(keys.subList(i, Math.min(keys.size(), i + BATCH))));
            got.forEach(local::putAudit);
            theirs.addAll(got.keySet());
        }
        Map<String, String> missing = new HashMap<>();
        int pushed = 0;
        for (Map.Entry<String, String> e : local.auditEntries()) {
            if (!theirs.contains(e.getKey())) {
                missing.put(e.getKey(), e.getValue());
                if (missing.size() == BATCH) {
                    map.putAll(missing);
                    pushed += missing.size();
                    missing.clear();
                }
            }
        }
        if (!missing.isEmpty()) {
            map.putAll(missing);
            pushed += missing.size();
        }
        local.trimAudit(KEEP);
        local.commit();
        if (pushed > 0) {
            LOG.info("restored {} audit entr{} from this member's data dir into the cluster", pushed,
                    pushed == 1 ? "y" : "ies");
        }
    }

    private final class Events implements EntryAddedListener<String, String>, EntryMergedListener<String, String> {
        @Override
        public void entryAdded(EntryEvent<String, String> e) {
            heard(e.getKey(), e.getValue());
        }

        @Override
        public void entryMerged(EntryEvent<String, String> e) {
            heard(e.getKey(), e.getValue());
        }
    }

    private void heard(String key, String json) {
        if (closed.getAsBoolean() || json == null) {
            return;
        }
        try {
            local.putAudit(key, json);
            local.trimAudit(KEEP);
        } catch (RuntimeException e) {
            LOG.warn("audit entry {} not kept in the data dir: {}", key, e.toString());
        }
    }

    /**
     * Records one accepted change (a network call): stamps it with an id, the time and this member,
     * puts it into the cluster and this member's data dir, and appends it to {@code audit.jsonl}.
     * A full disk costs the file line (logged), never the change, which was already accepted.
     */
    public AuditEntry append(AuditEntry draft) {
        long micros = clock.next(0);
        String id = String.format("a-%016x-%s", micros, memberSuffix);
        AuditEntry e = draft.stamped(id, Instant.ofEpochMilli(micros / 1000).toString(), member);
        String json = Json.write(e);
        map.set(id, json);
        local.putAudit(id, json);
        List<String> dropped = local.trimAudit(KEEP);
        dropped.forEach(map::delete);
        local.commit();
        appendLine(json);
        return e;
    }

    private synchronized void appendLine(String json) {
        try {
            Files.writeString(file, json + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            LOG.warn("could not append to {} ({}); the entry is kept in the cluster and GET /v1/audit shows it; "
                    + "free space on the data dir's disk", file, e.toString());
        }
    }

    /**
     * The newest entries first that pass {@code filter}, older than {@code before} (an entry id;
     * null: from the newest), not older than {@code fromId} (null: no bound), at most {@code limit}.
     */
    public List<AuditEntry> newest(String before, String fromId, Predicate<AuditEntry> filter, int limit) {
        List<AuditEntry> out = new ArrayList<>();
        String key = before == null ? local.lastAuditKey() : local.auditKeyBefore(before);
        while (key != null && out.size() < limit && (fromId == null || key.compareTo(fromId) >= 0)) {
            String json = local.audit(key);
            if (json != null) {
                AuditEntry e = Json.read(json, AuditEntry.class);
                if (filter.test(e)) {
                    out.add(e);
                }
            }
            key = local.auditKeyBefore(key);
        }
        return out;
    }

    /** Whether this member has an entry under {@code id}. */
    public boolean has(String id) {
        return local.audit(id) != null;
    }
}
