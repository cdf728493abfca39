package org.hubdns.cluster.store;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This member's running copy of the registry: every entry event (and every write made here) lands
 * in it at once; a single thread rebuilds the immutable {@link RegistryView} (at once after a quiet
 * spell, at most every {@link #COALESCE_MS} ms under a burst of writes) and hands it to the
 * listeners (the DNS snapshot builder among them).
 */
final class RegistryMirror {
    static final long COALESCE_MS = 20;
    private static final Logger LOG = LoggerFactory.getLogger(RegistryMirror.class);

    private record Entry(Stored stored, Object value) {
    }

    private final Map<Kind, ConcurrentHashMap<String, Entry>> entries = new EnumMap<>(Kind.class);
    private final Map<String, Object> datasets = new ConcurrentHashMap<>();
    private final Map<String, DatasetMeta> datasetMetas = new ConcurrentHashMap<>();
    private final List<Consumer<RegistryView>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService thread;
    private final AtomicBoolean pending = new AtomicBoolean();
    /** Counts every change taken; a view's sequence is this count when it was built. */
    private final AtomicLong changes = new AtomicLong();
    private final Map<String, Function<DatasetFile, Object>> decoders;
    private volatile RegistryView current = RegistryView.EMPTY;
    private volatile int members;
    private volatile boolean started;
    private volatile long lastBuildNanos = System.nanoTime();

    RegistryMirror(Map<String, Function<DatasetFile, Object>> decoders) {
        this.decoders = Map.copyOf(decoders);
        for (Kind k : Kind.values()) {
            entries.put(k, new ConcurrentHashMap<>());
        }
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hubdns-registry-view");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Takes {@code value} unless the mirror holds a copy that wins over it.
     *
     * @return true when it was taken (the caller persists it)
     */
    boolean apply(Kind kind, String key, Stored value) {
        if (value == null) {
            return false;
        }
        boolean[] taken = {false};
        entries.get(kind).compute(key, (k, old) -> {
            if (old != null && (old.stored.equals(value) || !kind.newer(value, old.stored))) {
                return old;
            }
            taken[0] = true;
            return new Entry(value, value.deleted() ? null : decode(kind, key, value));
        });
        if (taken[0]) {
            changed();
        }
        return taken[0];
    }

    private static Object decode(Kind kind, String key, Stored value) {
        try {
            return Json.read(value.body(), kind.type);
        } catch (IllegalArgumentException e) {
            LOG.error("{} '{}' in the cluster is not readable and is ignored: {}", kind.mapName, key, e.getMessage());
            return null;
        }
    }

    Stored stored(Kind kind, String key) {
        Entry e = entries.get(kind).get(key);
        return e == null ? null : e.stored;
    }

    /** The live values of {@code kind} as this member has them now (for kinds the view does not carry). */
    <T> Map<String, T> liveValues(Kind kind) {
        return live(kind);
    }

    Map<String, Stored> all(Kind kind) {
        Map<String, Stored> out = new HashMap<>();
        entries.get(kind).forEach((k, e) -> out.put(k, e.stored));
        return out;
    }

    /** A dataset decoded and verified on this member: into the next view. */
    void datasetLoaded(DatasetMeta meta, byte[] bytes, java.nio.file.Path file) {
        Function<DatasetFile, Object> decoder = decoders.get(meta.name());
        // a streamed dataset (a feed's dump) without a decoder is its file: its reader parses it off this thread
        Object value = decoder != null ? decoder.apply(new DatasetFile(meta, bytes, file))
                : bytes == null ? new DatasetFile(meta, null, file) : bytes;
        datasets.put(meta.name(), value);
        datasetMetas.put(meta.name(), meta);
        changed();
    }

    void datasetRemoved(String name) {
        datasets.remove(name);
        datasetMetas.remove(name);
        changed();
    }

    DatasetMeta loadedDataset(String name) {
        return datasetMetas.get(name);
    }

    void members(int count) {
        members = count;
        changed();
    }

    void execute(Runnable task) {
        try {
            thread.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("registry task failed: {}", e.toString(), e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // events still arrive while this member leaves the cluster: nothing to do any more
        }
    }

    /** Waits (bounded) for the tasks queued so far, e.g. datasets being loaded at start. */
    void every(long seconds, Runnable task) {
        thread.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("registry task failed: {}", e.toString());
            }
        }, seconds, seconds, TimeUnit.SECONDS);
    }

    void drain(long timeoutSeconds) {
        try {
            thread.submit(() -> { }).get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            return; // this member is leaving
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("registry tasks still running after {} s: {}", timeoutSeconds, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** From here on, changes are published; returns the first view. */
    RegistryView start() {
        started = true;
        RegistryView v = build();
        current = v;
        return v;
    }

    private void changed() {
        changes.incrementAndGet();
        if (started && pending.compareAndSet(false, true)) {
            // a lone change is rebuilt at once; a burst at most once per COALESCE_MS
            long wait = lastBuildNanos + TimeUnit.MILLISECONDS.toNanos(COALESCE_MS) - System.nanoTime();
            try {
                thread.schedule(this::rebuild, Math.max(0, wait), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // this member is leaving: there is no next view
            }
        }
    }

    private void rebuild() {
        pending.set(false);
        lastBuildNanos = System.nanoTime();
        try {
            RegistryView v = build();
            current = v;
            for (Consumer<RegistryView> l : listeners) {
                l.accept(v);
            }
        } catch (RuntimeException e) {
            LOG.error("could not rebuild the registry view; still serving sequence {}: {}", current.sequence(),
                    e.toString(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private <T> Map<String, T> live(Kind kind) {
        Map<String, T> out = new HashMap<>();
        entries.get(kind).forEach((k, e) -> {
            if (e.value != null) {
                out.put(k, (T) e.value);
            }
        });
        return Map.copyOf(out);
    }

    private RegistryView build() {
        Map<String, String> secrets = new HashMap<>();
        entries.get(Kind.SECRETS).forEach((k, e) -> {
            if (e.value instanceof Kind.Secret s) {
                secrets.put(k, s.value());
            }
        });
        long seq = changes.get(); // read first: all changes counted so far are in the maps copied below
        return new RegistryView(seq, live(Kind.ZONES), live(Kind.SITES),
                live(Kind.PLATFORMS), live(Kind.PARTNERS), live(Kind.NODES),
                Map.copyOf(secrets), Map.copyOf(datasetMetas), Map.copyOf(datasets), members,
                System.currentTimeMillis());
    }

    long changes() {
        return changes.get();
    }

    RegistryView current() {
        return current;
    }

    void addListener(Consumer<RegistryView> l) {
        listeners.add(l);
    }

    void close() {
        thread.shutdownNow();
    }
}
