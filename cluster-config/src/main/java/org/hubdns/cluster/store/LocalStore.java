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
    /**
     * Free space a write needs in the data dir: below it writes are refused ({@link DataDirFull}), as
     * the store's next commit (a new chunk, then compaction) could fail half-way.
     */
    public static final long MIN_FREE_BYTES = 32L << 20;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LocalStore.class);

    private final Path file;
    private final Path dataDir;
    private final java.nio.file.FileStore disk;
    private final Path datasetDir;
    /**
     * The open store and its maps, replaced together when a store that failed (MVStore closes itself
     * for good after a write it could not make, e.g. on a full disk) is reopened.
     */
    private volatile Maps open;
    /** Set by {@link #close()}: a store we closed is never reopened. */
    private volatile boolean closedByUs;
    /** Set when a write of the store failed (the background writer may fail before the store closes itself). */
    private volatile boolean broken;
    /** Whether the current failure was logged (once per failure). */
    private final java.util.concurrent.atomic.AtomicBoolean failureLogged = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Runnable onReopen = () -> { };

    private record Maps(MVStore store, Map<Kind, MVMap<String, String>> registry, MVMap<String, byte[]> feedLog,
            MVMap<String, String> audit) {
        static Maps of(MVStore store) {
            Map<Kind, MVMap<String, String>> registry = new HashMap<>();
            for (Kind k : Kind.values()) {
                if (k.persisted) {
                    registry.put(k, store.openMap(k.mapName));
                }
            }
            // feed-log: coverage feeds' live updates as applied here, by "logId/seq" (seq zero-padded, so
            // keys sort by it); audit: the audit trail by entry id (ids sort by time)
            return new Maps(store, registry, store.openMap("feed-log"), store.openMap("audit"));
        }
    }

    private LocalStore(Path file, Path dataDir, Path datasetDir) throws IOException {
        this.file = file;
        this.dataDir = dataDir;
        this.disk = Files.getFileStore(dataDir); // looked up once: each check is then one statfs
        this.datasetDir = datasetDir;
        this.open = Maps.of(openStore());
    }

    private MVStore openStore() {
        MVStore s = new MVStore.Builder().fileName(file.toString())
                .backgroundExceptionHandler((t, e) -> failed(e)).open();
        s.setAutoCommitDelay(1000);
        return s;
    }

    /**
     * Runs after a failed store was reopened (on the thread of the write that found room again), so that
     * the owner copies back what the store missed meanwhile.
     */
    public void onReopen(Runnable action) {
        this.onReopen = action;
    }

    public static LocalStore open(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve("registry.mv.db");
        Path datasets = dataDir.resolve("datasets");
        Files.createDirectories(datasets);
        try {
            LocalStore s = new LocalStore(file, dataDir, datasets);
            ownerOnly(file);
            return s;
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

    /** Refuses a write (before it is made) when the data dir has less than {@link #MIN_FREE_BYTES} free. */
    public void requireRoom() {
        long free;
        try {
            free = disk.getUsableSpace();
        } catch (IOException e) {
            throw new DataDirFull("this member cannot tell the free space of its data dir " + dataDir + " ("
                    + e.getMessage() + "): the write was not made; check that disk, or write through another member");
        }
        if (free < MIN_FREE_BYTES) {
            throw new DataDirFull("this member's disk is full: its data dir " + dataDir
                    + (failed() ? " could not be written (its registry store is closed until there is room) and" : "")
                    + " has " + (free >> 20)
                    + " MiB free, less than the " + (MIN_FREE_BYTES >> 20) + " MiB a write needs, so the write was "
                    + "not made; free space there (this member still answers DNS), or write through another member");
        }
        if (failed()) {
            reopen();
        }
    }

    /** Whether the store failed (a write it could not make) and is not reopened yet. */
    public boolean failed() {
        return !closedByUs && (broken || open.store().isClosed());
    }

    // not synchronized: MVStore's background writer calls it while it may hold its own lock
    private void failed(Throwable e) {
        broken = true;
        if (!closedByUs && failureLogged.compareAndSet(false, true)) {
            LOG.warn("this member's data dir {} could not be written ({}): its registry store is closed until a "
                    + "write finds room again; free space there (this member still answers DNS; writes through "
                    + "it are refused meanwhile)", dataDir, e.getMessage());
        }
    }

    /** Reopens a failed store (MVStore recovers to its last complete chunk), then runs {@link #onReopen}. */
    private void reopen() {
        synchronized (this) {
            if (!failed()) {
                return;
            }
            try {
                if (!open.store().isClosed()) {
                    open.store().closeImmediately(); // what it could not write is lost: the cluster has it
                }
                open = Maps.of(openStore());
                broken = false;
            } catch (MVStoreException e) {
                throw new DataDirFull("this member's data dir " + dataDir + " could not be written, and its "
                        + "registry store cannot be reopened (" + e.getMessage() + "): the write was not made; "
                        + "free space there, or write through another member");
            }
            failureLogged.set(false);
            LOG.info("this member's registry store in {} is reopened now that its data dir has room; copying the "
                    + "registry from the cluster into it", dataDir);
        }
        onReopen.run();
    }

    /**
     * Runs a change of the store; a store that failed (on a full disk) takes none, and the change is
     * not lost: the cluster has it, and copies it back when the store is reopened.
     */
    private <T> T change(java.util.function.Function<Maps, T> change, T whenFailed) {
        Maps m = open;
        try {
            return change.apply(m);
        } catch (MVStoreException e) {
            if (!m.store().isClosed() && !broken) {
                throw e;
            }
            failed(e);
            return whenFailed;
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
        return change(o -> {
            MVMap<String, String> m = o.registry().get(kind);
            if (m == null) {
                return false;
            }
            Stored mine = Stored.decode(m.get(key));
            if (mine != null && (mine.equals(value) || !kind.newer(value, mine))) {
                return false;
            }
            m.put(key, value.encode());
            return true;
        }, false);
    }

    /** Makes what was persisted so far survive a kill of this process. */
    public void commit() {
        change(o -> o.store().commit(), 0L);
    }

    public Map<String, Stored> entries(Kind kind) {
        Map<String, Stored> out = new HashMap<>();
        MVMap<String, String> m = open.registry().get(kind);
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
        change(o -> o.feedLog().put(logKey(log, seq), batch), null);
    }

    /** The batches of {@code log} after {@code afterSeq}, in sequence order. */
    public java.util.SortedMap<Long, byte[]> logEntries(String log, long afterSeq) {
        java.util.SortedMap<Long, byte[]> out = new java.util.TreeMap<>();
        String prefix = log + "/";
        var c = open.feedLog().cursor(logKey(log, afterSeq + 1));
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
        for (String k : open.feedLog().keySet()) {
            out.add(k.substring(0, k.lastIndexOf('/')));
        }
        return out;
    }

    /** Drops the batches of {@code log} up to {@code upToSeq} (all of them for Long.MAX_VALUE). */
    public void dropLogEntries(String log, long upToSeq) {
        String prefix = log + "/";
        MVMap<String, byte[]> feedLog = open.feedLog();
        java.util.List<String> gone = new java.util.ArrayList<>();
        var c = feedLog.cursor(prefix);
        while (c.hasNext()) {
            String k = c.next();
            if (!k.startsWith(prefix) || Long.parseLong(k.substring(prefix.length())) > upToSeq) {
                break;
            }
            gone.add(k);
        }
        change(o -> {
            gone.forEach(feedLog::remove);
            return null;
        }, null);
    }

    // ---- the audit trail ----

    public void putAudit(String id, String json) {
        change(o -> o.audit().putIfAbsent(id, json), null);
    }

    public String audit(String id) {
        return open.audit().get(id);
    }

    public String lastAuditKey() {
        return open.audit().lastKey();
    }

    public String auditKeyBefore(String id) {
        return open.audit().lowerKey(id);
    }

    public Iterable<Map.Entry<String, String>> auditEntries() {
        return open.audit().entrySet();
    }

    /** Drops the oldest entries beyond the newest {@code keep}; returns their ids. */
    public synchronized java.util.List<String> trimAudit(int keep) {
        java.util.List<String> gone = new java.util.ArrayList<>();
        return change(o -> {
            while (o.audit().sizeAsLong() > keep) {
                String first = o.audit().firstKey();
                if (first == null) {
                    break;
                }
                o.audit().remove(first);
                gone.add(first);
            }
            return gone;
        }, gone);
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
        closedByUs = true;
        MVStore store = open.store();
        if (!store.isClosed()) {
            store.close();
        }
    }
}
