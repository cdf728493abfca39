package org.hubdns.dnssec;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.hubdns.dns.answer.DynamicAnswers;

/**
 * The RRSIGs of every RRset a platform hostname can answer, found from the records the steering
 * wrote into the response: a 64-bit hash of the set's content (independent of order) into an
 * open-addressing table built at snapshot build, the rdata compared on a hit. Sets the build did
 * not enumerate are signed on demand into {@link #late}, which outlives snapshots (by owner).
 */
final class DynamicSignatures {
    /** One signed RRset: its rdata (sorted) and its RRSIGs encoded with the owner at the query name. */
    record SignedSet(int type, byte[][] rdata, Section sigs) {
        boolean matches(int t, byte[] out, int[] rdataAt, int[] rdataLen, int count) {
            if (t != type || count != rdata.length) {
                return false;
            }
            for (int i = 0; i < count; i++) {
                boolean found = false;
                for (byte[] d : rdata) {
                    if (d.length == rdataLen[i] && Arrays.equals(d, 0, d.length, out, rdataAt[i], rdataAt[i] + rdataLen[i])) {
                        found = true;
                        break;
                    }
                }
                if (!found) {
                    return false;
                }
            }
            return true;
        }
    }

    final DynamicAnswers steering;
    final long ttl;
    final org.xbill.DNS.Name owner;
    private final long[] hashes;
    private final SignedSet[] sets;
    private final int mask;
    /** Signed on demand (shared by the snapshots of one owner and key set). */
    final ConcurrentHashMap<Long, SignedSet> late;
    /** Signs a set the build did not enumerate (null: the signing queue is full). */
    final java.util.function.Function<org.xbill.DNS.RRset, java.util.concurrent.CompletableFuture<SignedSet>> signLater;

    DynamicSignatures(DynamicAnswers steering, org.xbill.DNS.Name owner, long ttl, List<SignedSet> all,
            ConcurrentHashMap<Long, SignedSet> late,
            java.util.function.Function<org.xbill.DNS.RRset, java.util.concurrent.CompletableFuture<SignedSet>> signLater) {
        this.signLater = signLater;
        this.steering = steering;
        this.owner = owner;
        this.ttl = ttl;
        this.late = late;
        int cap = Integer.highestOneBit(Math.max(8, all.size() * 2 - 1)) << 1;
        hashes = new long[cap];
        sets = new SignedSet[cap];
        mask = cap - 1;
        for (SignedSet s : all) {
            long h = hash(s.type, s.rdata);
            int i = (int) (h ^ (h >>> 32)) & mask;
            while (sets[i] != null) {
                i = (i + 1) & mask;
            }
            hashes[i] = h;
            sets[i] = s;
        }
    }

    int size() {
        int n = 0;
        for (SignedSet s : sets) {
            if (s != null) {
                n++;
            }
        }
        return n;
    }

    SignedSet find(long h, int type, byte[] out, int[] rdataAt, int[] rdataLen, int count) {
        int i = (int) (h ^ (h >>> 32)) & mask;
        SignedSet s;
        while ((s = sets[i]) != null) {
            if (hashes[i] == h && s.matches(type, out, rdataAt, rdataLen, count)) {
                return s;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    static long hash(int type, byte[][] rdata) {
        long sum = 0;
        for (byte[] d : rdata) {
            sum += rdataHash(d, 0, d.length);
        }
        return mix(sum * 31 + type * 1_000_003L + rdata.length);
    }

    static long rdataHash(byte[] b, int from, int len) {
        long h = 0xcbf29ce484222325L;
        for (int i = from; i < from + len; i++) {
            h = (h ^ (b[i] & 0xFF)) * 0x100000001b3L;
        }
        return mix(h);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
