package org.hubdns.cluster.store;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.map.IMap;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Large values (coverage zones, the GeoIP database) as the registry keeps them: the bytes cut into
 * 1 MiB chunks in their own map, written before the {@link Kind#DATASETS} entry ({@link DatasetMeta}:
 * chunk count, size, SHA-256) that switches to them, so a member that sees the entry can always
 * fetch and verify the bytes. Each member loads a dataset on the registry thread, from its data dir
 * when the file there matches, else from the chunks, and writes it to the data dir. Kept apart from
 * {@link Registry} because none of this is about versioned registry values beyond that one entry.
 */
final class Datasets {
    private static final Logger LOG = LoggerFactory.getLogger(Datasets.class);
    static final int CHUNK_BYTES = 1 << 20;
    static final String CHUNK_MAP = "dataset-chunks";
    /** Chunks per putAll: 8 MiB per call keeps each cluster operation short. */
    private static final int PUT_BATCH = 8;
    /** How long members still fetching a replaced upload have before its chunks go. */
    private static final long DROP_AFTER_SECONDS = 30;
    /** In a dataset's info: kept as a file on every member, never read whole into the heap. */
    static final String STREAMED = "streamed";

    /** Writes the meta entry by compare-and-set (the registry's); returns what was written. */
    interface MetaWriter {
        Stored write(String name, boolean retry, Registry.Step step) throws Conflict;
    }

    private final IMap<String, byte[]> chunks;
    private final LocalStore local;
    private final RegistryMirror mirror;
    private final HybridClock clock;
    private final MetaWriter metaWriter;
    private final BooleanSupplier closed;

    Datasets(IMap<String, byte[]> chunks, LocalStore local, RegistryMirror mirror, HybridClock clock,
            MetaWriter metaWriter, BooleanSupplier closed) {
        this.chunks = chunks;
        this.local = local;
        this.mirror = mirror;
        this.clock = clock;
        this.metaWriter = metaWriter;
        this.closed = closed;
    }

    /** The chunk map keeps the first copy after a split: chunks are immutable, a key is one upload's. */
    static void configure(Config c) {
        c.addMapConfig(new MapConfig(CHUNK_MAP).setBackupCount(1));
        c.getMapConfig(CHUNK_MAP).getMergePolicyConfig()
                .setPolicy(com.hazelcast.spi.merge.PutIfAbsentMergePolicy.class.getName());
    }

    // ---- pure: how bytes become chunks and back ----

    /** How many chunks {@code bytes} bytes take (at least one, so an empty dataset has a chunk too). */
    static int chunkCount(long bytes) {
        return (int) Math.max(1, (bytes + CHUNK_BYTES - 1) / CHUNK_BYTES);
    }

    /** The meta of a new upload of {@code bytes}. */
    static DatasetMeta describe(String name, long upload, byte[] bytes, Map<String, Object> info) {
        return new DatasetMeta(name, upload, chunkCount(bytes.length), bytes.length, LocalStore.sha256(bytes), info);
    }

    /** Chunk {@code i} of {@code bytes}. */
    static byte[] chunk(byte[] bytes, int i) {
        int from = i * CHUNK_BYTES;
        return Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + CHUNK_BYTES));
    }

    /** What putting the chunks back together gave. */
    enum Assembly {
        /** The bytes are complete and match the checksum. */
        COMPLETE,
        /** A chunk is gone: the upload was replaced (and its chunks dropped) before it was fetched. */
        MISSING,
        /** The chunks do not add up to the size or checksum the meta states. */
        CORRUPT
    }

    /** The outcome of {@link #assemble}; {@code bytes} only when complete. */
    record Assembled(Assembly outcome, byte[] bytes) {
    }

    /** Puts the chunks that {@code chunk} returns (null when absent) back together and verifies them. */
    static Assembled assemble(DatasetMeta meta, IntFunction<byte[]> chunk) {
        byte[] out = new byte[Math.toIntExact(meta.bytes())];
        int at = 0;
        for (int i = 0; i < meta.chunks(); i++) {
            byte[] c = chunk.apply(i);
            if (c == null) {
                return new Assembled(Assembly.MISSING, null);
            }
            if (c.length > out.length - at) {
                return new Assembled(Assembly.CORRUPT, null);
            }
            System.arraycopy(c, 0, out, at, c.length);
            at += c.length;
        }
        if (at != out.length || !LocalStore.sha256(out).equals(meta.sha256())) {
            return new Assembled(Assembly.CORRUPT, null);
        }
        return new Assembled(Assembly.COMPLETE, out);
    }

    // ---- writes (never on an event loop) ----

    /**
     * Stores a large value in chunks and switches the dataset to it; {@code expectedUpload} (the
     * upload it was derived from) makes the switch conditional, null makes it unconditional.
     */
    DatasetMeta put(String name, byte[] bytes, Map<String, Object> info, Long expectedUpload) throws Conflict {
        DatasetMeta meta = describe(name, clock.next(0), bytes, info);
        putChunks(meta, bytes);
        // one loading path for every dataset, on the registry thread (so files are written in the
        // order uploads won), handed the bytes so it need not fetch them back
        return switchTo(meta, expectedUpload, w -> load(name, w, bytes, null));
    }

    /**
     * As {@link #put}, for a dataset too large for the heap (a feed's table dump): read from
     * {@code file} a chunk at a time, never whole; the file is copied, the caller keeps it. Members
     * load it as a file of their data dir ({@link DatasetFile#bytes()} is null).
     */
    DatasetMeta putFile(String name, Path file, Map<String, Object> info, Long expectedUpload)
            throws Conflict, IOException {
        long size = Files.size(file);
        Map<String, Object> inf = new HashMap<>(info);
        inf.put(STREAMED, true);
        DatasetMeta meta = new DatasetMeta(name, clock.next(0), chunkCount(size), size, LocalStore.sha256(file), inf);
        putChunks(meta, file);
        return switchTo(meta, expectedUpload, w -> load(name, w, null, file));
    }

    /** Whether members keep this dataset as a file only (never as bytes in the heap). */
    static boolean streamed(DatasetMeta meta) {
        return Boolean.TRUE.equals(meta.info().get(STREAMED));
    }

    /** Writes the meta entry (its chunks are in), loads it here and waits for that; drops the old upload's chunks later. */
    private DatasetMeta switchTo(DatasetMeta meta, Long expectedUpload, java.util.function.Consumer<Stored> loadHere)
            throws Conflict {
        String name = meta.name();
        DatasetMeta[] previous = {null};
        Stored written;
        try {
            written = metaWriter.write(name, expectedUpload == null, cur -> {
                DatasetMeta old = cur == null || cur.deleted() ? null : Json.read(cur.body(), DatasetMeta.class);
                if (expectedUpload != null && (old == null ? 0 : old.upload()) != expectedUpload) {
                    throw new Conflict("the " + name + " data changed meanwhile; retry", false);
                }
                previous[0] = old;
                return new Stored(clock.next(cur == null ? 0 : cur.version()), false, Json.write(meta));
            });
        } catch (Conflict e) {
            dropChunks(meta);
            throw e;
        }
        Stored w = written;
        mirror.execute(() -> loadHere.accept(w));
        mirror.drain(120); // wait so the caller sees it
        if (previous[0] != null) {
            DatasetMeta old = previous[0];
            // members still fetching the old upload get a few seconds; then its chunks go
            mirror.execute(() -> dropChunksLater(old));
        }
        return meta;
    }

    /** Deletes the dataset (a tombstone): every member drops it and its file; its chunks go a little later. */
    void delete(String name) throws Conflict {
        DatasetMeta[] previous = {null};
        Stored written = metaWriter.write(name, true, cur -> {
            if (cur == null || cur.deleted()) {
                return null;
            }
            previous[0] = Json.read(cur.body(), DatasetMeta.class);
            return new Stored(clock.next(cur.version()), true, cur.body());
        });
        if (previous[0] != null) {
            Stored w = written;
            DatasetMeta old = previous[0];
            mirror.execute(() -> load(name, w));
            mirror.execute(() -> dropChunksLater(old));
            mirror.drain(30);
        }
    }

    /**
     * Puts the chunks of a dataset from this member's data dir into the cluster, before its meta is
     * merged in at start; false (and a warning) when the file is missing or fails its checksum.
     */
    boolean restoreChunks(String name, Stored meta) {
        DatasetMeta m = Json.read(meta.body(), DatasetMeta.class);
        try {
            if (streamed(m)) {
                if (!local.hasDataset(m)) {
                    LOG.warn("dataset '{}' in the data dir does not match its checksum; not restored from here", name);
                    return false;
                }
                putChunks(m, local.datasetFile(name));
                return true;
            }
            byte[] bytes = local.readDataset(m);
            if (bytes == null) {
                LOG.warn("dataset '{}' in the data dir does not match its checksum; not restored from here", name);
                return false;
            }
            putChunks(m, bytes);
            return true;
        } catch (IOException e) {
            LOG.warn("dataset '{}' could not be read from the data dir: {}", name, e.getMessage());
            return false;
        }
    }

    private void putChunks(DatasetMeta meta, byte[] bytes) {
        Map<String, byte[]> batch = new HashMap<>();
        for (int i = 0; i < meta.chunks(); i++) {
            batch.put(meta.chunkKey(i), chunk(bytes, i));
            if (batch.size() == PUT_BATCH) {
                chunks.putAll(batch);
                batch.clear();
            }
        }
        chunks.putAll(batch);
    }

    /** The chunks of a file, read one at a time. */
    private void putChunks(DatasetMeta meta, Path file) throws IOException {
        Map<String, byte[]> batch = new HashMap<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (int i = 0; i < meta.chunks(); i++) {
                batch.put(meta.chunkKey(i), in.readNBytes(CHUNK_BYTES));
                if (batch.size() == PUT_BATCH) {
                    chunks.putAll(batch);
                    batch.clear();
                }
            }
        }
        chunks.putAll(batch);
    }

    private void dropChunksLater(DatasetMeta old) {
        CompletableFuture.delayedExecutor(DROP_AFTER_SECONDS, TimeUnit.SECONDS).execute(() -> {
            if (!closed.getAsBoolean()) {
                dropChunks(old);
            }
        });
    }

    private void dropChunks(DatasetMeta meta) {
        for (int i = 0; i < meta.chunks(); i++) {
            chunks.delete(meta.chunkKey(i));
        }
    }

    // ---- loading (on the registry thread) ----

    /**
     * Loads again any dataset whose current upload this member does not serve (a fetch that failed
     * while partitions moved, say): run after a member leaves and every 30 s.
     */
    void reloadStale() {
        mirror.all(Kind.DATASETS).forEach((name, stored) -> {
            DatasetMeta have = mirror.loadedDataset(name);
            if (!stored.deleted() && (have == null
                    || have.upload() != Json.read(stored.body(), DatasetMeta.class).upload())) {
                mirror.execute(() -> load(name, stored));
            }
        });
    }

    /** Runs on the registry thread: the local file when it matches, else the cluster's chunks. */
    void load(String name, Stored value) {
        load(name, value, null, null);
    }

    private void load(String name, Stored value, byte[] given, Path givenFile) {
        if (closed.getAsBoolean()) {
            return;
        }
        Stored current = mirror.stored(Kind.DATASETS, name);
        if (current != null && current.version() > value.version()) {
            return; // a newer upload won meanwhile; its own load follows
        }
        if (value.deleted()) {
            mirror.datasetRemoved(name);
            local.persist(Kind.DATASETS, name, value);
            try {
                local.deleteDataset(name);
            } catch (IOException e) {
                LOG.warn("dataset '{}' deleted, but its file stays in the data dir: {}", name, e.toString());
            }
            return;
        }
        DatasetMeta meta = Json.read(value.body(), DatasetMeta.class);
        DatasetMeta have = mirror.loadedDataset(name);
        if (have != null && have.upload() == meta.upload()) {
            return;
        }
        try {
            if (streamed(meta)) {
                Path file = local.datasetFile(name);
                if (!local.hasDataset(meta)) {
                    file = givenFile != null ? copyIn(meta, givenFile) : fetchToFile(meta);
                    if (file == null) {
                        return;
                    }
                }
                mirror.datasetLoaded(meta, null, file);
            } else {
                byte[] bytes = given != null && LocalStore.sha256(given).equals(meta.sha256()) ? null
                        : local.readDataset(meta);
                Path file = local.datasetFile(name);
                if (given != null && bytes == null) {
                    bytes = given;
                    file = local.writeDataset(meta, bytes);
                } else if (bytes == null) {
                    bytes = fetch(meta);
                    if (bytes == null) {
                        return;
                    }
                    file = local.writeDataset(meta, bytes);
                }
                mirror.datasetLoaded(meta, bytes, file);
            }
            local.persist(Kind.DATASETS, name, value);
            local.commit();
        } catch (IOException | RuntimeException e) {
            LOG.error("dataset '{}' upload {} could not be loaded ({}); the previous one keeps serving", name,
                    meta.upload(), e.toString());
        }
    }

    private Path copyIn(DatasetMeta meta, Path given) throws IOException {
        Path tmp = local.tempDatasetFile(meta.name());
        try {
            Files.copy(given, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return local.adoptDataset(meta.name(), tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The chunks written one by one into a file of the data dir, verified; null when a chunk is gone or wrong. */
    private Path fetchToFile(DatasetMeta meta) throws IOException {
        Path tmp = local.tempDatasetFile(meta.name());
        try {
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            long at = 0;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                for (int i = 0; i < meta.chunks(); i++) {
                    byte[] c = chunks.get(meta.chunkKey(i));
                    if (c == null) {
                        LOG.info("dataset '{}' upload {} was replaced before this member fetched it", meta.name(),
                                meta.upload());
                        return null;
                    }
                    at += c.length;
                    if (at > meta.bytes()) {
                        break;
                    }
                    d.update(c);
                    out.write(c);
                }
            }
            if (at != meta.bytes() || !java.util.HexFormat.of().formatHex(d.digest()).equals(meta.sha256())) {
                LOG.error("dataset '{}' upload {} fails its checksum in the cluster; ignored", meta.name(),
                        meta.upload());
                return null;
            }
            return local.adoptDataset(meta.name(), tmp);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private byte[] fetch(DatasetMeta meta) {
        Assembled a = assemble(meta, i -> chunks.get(meta.chunkKey(i)));
        switch (a.outcome()) {
            case MISSING -> LOG.info("dataset '{}' upload {} was replaced before this member fetched it", meta.name(),
                    meta.upload());
            case CORRUPT -> LOG.error("dataset '{}' upload {} fails its checksum in the cluster; ignored", meta.name(),
                    meta.upload());
            case COMPLETE -> {
                // served
            }
        }
        return a.bytes();
    }
}
