package org.hubdns.dnssec;

import java.io.ByteArrayOutputStream;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;

/**
 * RRSIGs kept by what they sign: the RRset's canonical content (owner, type, TTL, sorted rdata)
 * and the key. A new snapshot asks for every RRset it serves; only the sets never signed before,
 * or whose signature is within {@code refresh} of expiring, are signed, on a bounded pool of worker
 * threads (never an event loop). A health change therefore re-signs only the node sets that are new.
 * Entries no build asked for within {@link #IDLE} are dropped.
 */
public final class SignatureCache implements AutoCloseable {
    /** How long a signature nobody asked for is kept (a node drained and back within it costs nothing). */
    static final Duration IDLE = Duration.ofHours(6);
    /** The most signing tasks waiting at once; past it, on-demand requests are refused. */
    static final int QUEUE_LIMIT = 10_000;

    /** One signing key as the signer uses it. */
    public record Signer(DNSKEYRecord dnskey, PrivateKey key, String zone) {
        @Override
        public String toString() {
            return "Signer[tag=" + dnskey.getFootprint() + ", zone=" + zone + "]";
        }
    }

    private record Key(byte[] content) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(content, k.content);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(content);
        }
    }

    private static final class Entry {
        final RRSIGRecord sig;
        volatile long lastAsked;

        Entry(RRSIGRecord sig, long now) {
            this.sig = sig;
            this.lastAsked = now;
        }
    }

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor pool;
    private final AtomicInteger queued = new AtomicInteger();
    private final Map<String, LongAdder> signatures = new ConcurrentHashMap<>();
    private final Duration validity;
    private final Duration refresh;

    /**
     * @param validity how long a signature is valid from now (plus an hour of inception back-dating
     *     for clocks behind ours)
     * @param refresh a signature with less than this left is made again
     * @param threads the signing pool's size
     */
    public SignatureCache(Duration validity, Duration refresh, int threads) {
        if (!refresh.isNegative() && refresh.compareTo(validity) >= 0) {
            throw new IllegalArgumentException("the signature refresh (" + refresh + ") must be shorter than the "
                    + "validity (" + validity + ")");
        }
        this.validity = validity;
        this.refresh = refresh;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "hubdns-dnssec-signer-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    public Duration validity() {
        return validity;
    }

    public Duration refresh() {
        return refresh;
    }

    /** Signatures made so far, by zone (for {@code hubdns_dnssec_signatures_total}). */
    public Map<String, LongAdder> signaturesByZone() {
        return signatures;
    }

    public int size() {
        return entries.size();
    }

    /** Signing tasks submitted and not yet done. */
    public int queued() {
        return queued.get();
    }

    /**
     * Signatures for every RRset in {@code sets} by every signer in its list, in order: cached ones
     * reused, the others signed in parallel on the pool. Blocks the calling (builder) thread.
     */
    public List<List<RRSIGRecord>> signAll(List<RRset> sets, List<List<Signer>> signers, long now) {
        List<List<RRSIGRecord>> out = new ArrayList<>(sets.size());
        List<CompletableFuture<RRSIGRecord>> pending = new ArrayList<>();
        List<int[]> where = new ArrayList<>();
        for (int i = 0; i < sets.size(); i++) {
            List<Signer> ss = signers.get(i);
            List<RRSIGRecord> sigs = new ArrayList<>(ss.size());
            for (int j = 0; j < ss.size(); j++) {
                Key key = keyOf(sets.get(i), ss.get(j));
                Entry e = entries.get(key);
                if (e != null && fresh(e.sig, now)) {
                    e.lastAsked = now;
                    sigs.add(e.sig);
                } else {
                    sigs.add(null);
                    pending.add(submit(sets.get(i), ss.get(j), key, now));
                    where.add(new int[] {i, j});
                }
            }
            out.add(sigs);
        }
        for (int p = 0; p < pending.size(); p++) {
            int[] at = where.get(p);
            out.get(at[0]).set(at[1], pending.get(p).join());
        }
        return out;
    }

    /** One RRset signed by {@code signer} when the pool gets to it; null when the queue is full. */
    public CompletableFuture<RRSIGRecord> signLater(RRset set, Signer signer, long now) {
        Key key = keyOf(set, signer);
        Entry e = entries.get(key);
        if (e != null && fresh(e.sig, now)) {
            return CompletableFuture.completedFuture(e.sig);
        }
        if (queued.get() >= QUEUE_LIMIT) {
            return null;
        }
        return submit(set, signer, key, now);
    }

    private CompletableFuture<RRSIGRecord> submit(RRset set, Signer signer, Key key, long now) {
        queued.incrementAndGet();
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    RRSIGRecord sig = DNSSEC.sign(set, signer.dnskey(), signer.key(),
                            Instant.ofEpochMilli(now).minus(Duration.ofHours(1)),
                            Instant.ofEpochMilli(now).plus(validity));
                    entries.put(key, new Entry(sig, now));
                    signatures.computeIfAbsent(signer.zone(), z -> new LongAdder()).increment();
                    return sig;
                } catch (DNSSEC.DNSSECException e) {
                    throw new IllegalStateException("cannot sign " + set.getName() + "/"
                            + org.xbill.DNS.Type.string(set.getType()) + ": " + e.getMessage(), e);
                } finally {
                    queued.decrementAndGet();
                }
            }, pool);
        } catch (RejectedExecutionException e) {
            queued.decrementAndGet();
            throw e;
        }
    }

    private boolean fresh(RRSIGRecord sig, long now) {
        return sig.getExpire().toEpochMilli() - now > refresh.toMillis();
    }

    /** Drops what no build asked for within {@link #IDLE}. */
    public void sweep(long now) {
        entries.values().removeIf(e -> now - e.lastAsked > IDLE.toMillis());
    }

    private static Key keyOf(RRset set, Signer signer) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        byte[] owner = set.getName().canonicalize().toWireCanonical();
        b.writeBytes(owner);
        b.write(set.getType() >>> 8);
        b.write(set.getType());
        long ttl = set.getTTL();
        for (int s = 24; s >= 0; s -= 8) {
            b.write((int) (ttl >>> s));
        }
        List<byte[]> rdata = new ArrayList<>();
        for (Record r : set.rrs(false)) {
            rdata.add(r.rdataToWireCanonical());
        }
        rdata.sort(Arrays::compareUnsigned);
        for (byte[] d : rdata) {
            b.write(d.length >>> 8);
            b.write(d.length);
            b.writeBytes(d);
        }
        b.writeBytes(signer.dnskey().rdataToWireCanonical());
        return new Key(b.toByteArray());
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
