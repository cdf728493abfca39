package org.hubdns.cluster.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * This member's copy of the registry on disk ({@code <data-dir>/registry.mv.db}, an H2 MVStore),
 * from which a full-cluster restart is restored; large datasets live beside it as files written
 * atomically (temp file, then rename). Hazelcast's own persistence is Enterprise-only.
 */
public final class LocalStore implements AutoCloseable {
    private final MVStore store;
    private final Path datasetDir;
    private final Map<Kind, MVMap<String, String>> maps = new HashMap<>();
    /** Coverage feeds' live updates as applied here, by "logId/seq" (seq zero-padded, so keys sort by it). */
    private final MVMap<String, byte[]> feedLog;

    private LocalStore(MVStore store, Path datasetDir) {
        this.store = store;
        this.datasetDir = datasetDir;
        for (Kind k : Kind.values()) {
            if (k.persisted) {
                maps.put(k, store.openMap(k.mapName));
            }
        }
        feedLog = store.openMap("feed-log");
    }

    public static LocalStore open(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve("registry.mv.db");
        Path datasets = dataDir.resolve("datasets");
        Files.createDirectories(datasets);
        try {
            MVStore s = new MVStore.Builder().fileName(file.toString()).open();
            s.setAutoCommitDelay(1000);
            ownerOnly(file);
            return new LocalStore(s, datasets);
        } catch (MVStoreException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("locked")) {
                throw new IOException(file + " is in use by another hubdns process; give each member its own "
                        + "--data-dir", e);
            }
            throw new IOException(file + " cannot be opened (" + msg + "); move it away to start this member "
                    + "empty: it will copy the registry from the cluster", e);
        }
    }

    /** The registry holds secrets (token hashes, the cookie key, DNSSEC private keys): mode 0600. */
    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its own access rules apply
        }
    }

    /** Keeps {@code value} unless this store already has a copy that wins over it; true when written. */
    public synchronized boolean persist(Kind kind, String key, Stored value) {
        MVMap<String, String> m = maps.get(kind);
        if (m == null) {
            return false;
        }
        Stored mine = Stored.decode(m.get(key));
        if (mine != null && (mine.equals(value) || !kind.newer(value, mine))) {
            return false;
        }
        m.put(key, value.encode());
        return true;
    }

    /** Makes what was persisted so far survive a kill of this process. */
    public void commit() {
        store.commit();
    }

    public Map<String, Stored> entries(Kind kind) {
        Map<String, Stored> out = new HashMap<>();
        MVMap<String, String> m = maps.get(kind);
        if (m != null) {
            m.forEach((k, v) -> out.put(k, Stored.decode(v)));
        }
        return out;
    }

    /** Writes a dataset's bytes under its name, replacing the previous ones only once complete. */
    public Path writeDataset(DatasetMeta meta, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(datasetDir, meta.name(), ".tmp");
        Path file = datasetFile(meta.name());
        try {
            Files.write(tmp, bytes);
            // a rename, never an overwrite in place: a reader may have the old file memory-mapped
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }

    /** The dataset's bytes when the file on disk is exactly the one {@code meta} describes, else null. */
    public byte[] readDataset(DatasetMeta meta) throws IOException {
        Path f = datasetFile(meta.name());
        if (!Files.exists(f)) {
            return null;
        }
        byte[] bytes = Files.readAllBytes(f);
        return sha256(bytes).equals(meta.sha256()) ? bytes : null;
    }

    /**
     * Whether the file on disk is exactly the one {@code meta} describes (read as a stream: a feed's
     * dump may be hundreds of MiB).
     */
    public boolean hasDataset(DatasetMeta meta) throws IOException {
        Path f = datasetFile(meta.name());
        return Files.exists(f) && Files.size(f) == meta.bytes() && sha256(f).equals(meta.sha256());
    }

    /** A new temporary file beside the datasets, for one to be written as a stream and then {@link #adoptDataset}ed. */
    public Path tempDatasetFile(String name) throws IOException {
        return Files.createTempFile(datasetDir, name, ".tmp");
    }

    /** Renames a complete temporary file to the dataset's name (never an overwrite in place). */
    public Path adoptDataset(String name, Path tmp) throws IOException {
        Path file = datasetFile(name);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    public void deleteDataset(String name) throws IOException {
        Files.deleteIfExists(datasetFile(name));
    }

    public Path datasetFile(String name) {
        return datasetDir.resolve(name + ".bin");
    }

    public static String sha256(Path file) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- coverage feeds' live updates ----

    private static String logKey(String log, long seq) {
        return log + "/" + String.format("%019d", seq);
    }

    /** Keeps one applied batch of a feed's log (committed with the next automatic commit, within a second). */
    public void putLogEntry(String log, long seq, byte[] batch) {
        feedLog.put(logKey(log, seq), batch);
    }

    /** The batches of {@code log} after {@code afterSeq}, in sequence order. */
    public java.util.SortedMap<Long, byte[]> logEntries(String log, long afterSeq) {
        java.util.SortedMap<Long, byte[]> out = new java.util.TreeMap<>();
        String prefix = log + "/";
        var c = feedLog.cursor(logKey(log, afterSeq + 1));
        while (c.hasNext()) {
            String k = c.next();
            if (!k.startsWith(prefix)) {
                break;
            }
            out.put(Long.parseLong(k.substring(prefix.length())), c.getValue());
        }
        return out;
    }

    /** The logs that have batches here. */
    public java.util.Set<String> logs() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (String k : feedLog.keySet()) {
            out.add(k.substring(0, k.lastIndexOf('/')));
        }
        return out;
    }

    /** Drops the batches of {@code log} up to {@code upToSeq} (all of them for Long.MAX_VALUE). */
    public void dropLogEntries(String log, long upToSeq) {
        String prefix = log + "/";
        java.util.List<String> gone = new java.util.ArrayList<>();
        var c = feedLog.cursor(prefix);
        while (c.hasNext()) {
            String k = c.next();
            if (!k.startsWith(prefix) || Long.parseLong(k.substring(prefix.length())) > upToSeq) {
                break;
            }
            gone.add(k);
        }
        gone.forEach(feedLog::remove);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (!store.isClosed()) {
            store.close();
        }
    }
}
