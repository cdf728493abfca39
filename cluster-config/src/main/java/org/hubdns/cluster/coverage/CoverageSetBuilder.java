package org.hubdns.cluster.coverage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntBinaryOperator;
import java.util.regex.Pattern;

/**
 * Collects and validates coverage entries, then builds a {@link CoverageSet}.
 *
 * <p>Entries go into growable primitive arrays (7 bytes per IPv4 entry, 19 per IPv6) rather than
 * an object per entry, so a million-line import costs tens of megabytes, not hundreds; building
 * adds two int index arrays and the final table.
 *
 * <p>When the same prefix is added more than once, the last one wins: an import can be followed by
 * corrections without first removing anything. IPv4-mapped IPv6 prefixes (::ffff:0:0/96 and
 * longer) are stored as the IPv4 prefixes they denote, since mapped addresses are looked up as IPv4.
 *
 * <p>Not thread-safe; {@link #build()} does not consume the builder.
 */
public final class CoverageSetBuilder {

    /** Site names as DNS-label-like tokens: they end up in logs, metrics and URLs. */
    static final Pattern SITE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final Map<String, Integer> siteIds = new HashMap<>();
    private final List<String> siteNames = new ArrayList<>();

    private int[] k4 = new int[16];
    private byte[] len4 = new byte[16];
    private char[] site4 = new char[16];
    private int n4;

    private long[] hi6 = new long[4];
    private long[] lo6 = new long[4];
    private byte[] len6 = new byte[4];
    private char[] site6 = new char[4];
    private int n6;

    /**
     * Adds {@code cidr -> site}. Throws IllegalArgumentException naming the bad value: malformed or
     * non-literal address, prefix length out of range, host bits set (with the canonical form), or
     * a site name not matching {@code [a-z0-9][a-z0-9-]{0,62}}.
     */
    public CoverageSetBuilder add(String cidr, String site) {
        Cidr c = Cidr.parse(cidr); // first, so a bad line does not register its site
        return add(c, siteId(site));
    }

    public CoverageSetBuilder add(Cidr cidr, String site) {
        if (cidr == null) {
            throw new IllegalArgumentException("CIDR is missing");
        }
        return add(cidr, siteId(site));
    }

    /** Entries added so far, counting repeats of a prefix (the built set holds each prefix once). */
    public int size() {
        return n4 + n6;
    }

    private CoverageSetBuilder add(Cidr c, int siteId) {
        byte[] a = c.address();
        if (a.length == 4) {
            add4(CoverageSet.readInt(a, 0), c.prefix(), siteId);
        } else if (c.prefix() >= 96 && CoverageSet.isMapped(a)) {
            add4(CoverageSet.readInt(a, 12), c.prefix() - 96, siteId);
        } else {
            add6(CoverageSet.readLong(a, 0), CoverageSet.readLong(a, 8), c.prefix(), siteId);
        }
        return this;
    }

    private int siteId(String site) {
        if (site == null || !SITE_NAME.matcher(site).matches()) {
            throw new IllegalArgumentException("invalid site name '" + site
                    + "': must match [a-z0-9][a-z0-9-]{0,62} (lower case letters, digits, '-')");
        }
        Integer id = siteIds.get(site);
        if (id != null) {
            return id;
        }
        if (siteNames.size() == CoverageSet.MAX_SITES) {
            throw new IllegalArgumentException("too many distinct sites (limit " + CoverageSet.MAX_SITES
                    + ") at '" + site + "'");
        }
        siteIds.put(site, siteNames.size());
        siteNames.add(site);
        return siteNames.size() - 1;
    }

    private void add4(int key, int len, int site) {
        if (n4 == k4.length) {
            int cap = grow(n4);
            k4 = Arrays.copyOf(k4, cap);
            len4 = Arrays.copyOf(len4, cap);
            site4 = Arrays.copyOf(site4, cap);
        }
        k4[n4] = key;
        len4[n4] = (byte) len;
        site4[n4] = (char) site;
        n4++;
    }

    private void add6(long hi, long lo, int len, int site) {
        if (n6 == hi6.length) {
            int cap = grow(n6);
            hi6 = Arrays.copyOf(hi6, cap);
            lo6 = Arrays.copyOf(lo6, cap);
            len6 = Arrays.copyOf(len6, cap);
            site6 = Arrays.copyOf(site6, cap);
        }
        hi6[n6] = hi;
        lo6[n6] = lo;
        len6[n6] = (byte) len; // 128 wraps to -128: always read back with & 0xff
        site6[n6] = (char) site;
        n6++;
    }

    /** 1.5x growth: doubling would let a million-entry import briefly hold nearly three copies. */
    private static int grow(int n) {
        if (n >= Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("coverage set too large");
        }
        return (int) Math.min(Integer.MAX_VALUE - 8L, n + (n >> 1) + 16L);
    }

    /** A builder holding the entries of {@code set}, for {@link CoverageSet#with}. */
    static CoverageSetBuilder copyOf(CoverageSet set) {
        CoverageSetBuilder b = new CoverageSetBuilder();
        for (String s : set.siteArray()) {
            b.siteId(s); // same order, so the set's site indices are valid builder ids
        }
        b.k4 = new int[set.ipv4Size() + 1];
        b.len4 = new byte[b.k4.length];
        b.site4 = new char[b.k4.length];
        b.hi6 = new long[set.ipv6Size() + 1];
        b.lo6 = new long[b.hi6.length];
        b.len6 = new byte[b.hi6.length];
        b.site6 = new char[b.hi6.length];
        set.forEachRaw4(b::add4);
        set.forEachRaw6(b::add6);
        return b;
    }

    public CoverageSet build() {
        // IPv4: order by (length, unsigned key); a stable sort keeps repeats in insertion order so
        // the last of each run is the one added last.
        int[] order4 = identity(n4);
        IntBinaryOperator cmp4 = (a, b) -> {
            int c = Integer.compare(len4[a], len4[b]);
            return c != 0 ? c : Integer.compareUnsigned(k4[a], k4[b]);
        };
        stableSort(order4, cmp4);
        int u4 = keepLast(order4, cmp4);

        int[] order6 = identity(n6);
        IntBinaryOperator cmp6 = (a, b) -> {
            int c = Integer.compare(len6[a] & 0xff, len6[b] & 0xff);
            if (c == 0) {
                c = Long.compareUnsigned(hi6[a], hi6[b]);
            }
            return c != 0 ? c : Long.compareUnsigned(lo6[a], lo6[b]);
        };
        stableSort(order6, cmp6);
        int u6 = keepLast(order6, cmp6);

        // Replaced entries may leave sites unreferenced; the set lists only the ones in use, sorted.
        boolean[] used = new boolean[siteNames.size()];
        for (int i = 0; i < u4; i++) {
            used[site4[order4[i]]] = true;
        }
        for (int i = 0; i < u6; i++) {
            used[site6[order6[i]]] = true;
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < used.length; i++) {
            if (used[i]) {
                names.add(siteNames.get(i));
            }
        }
        String[] sites = names.toArray(String[]::new);
        Arrays.sort(sites);
        char[] remap = new char[used.length];
        for (int i = 0; i < sites.length; i++) {
            remap[siteIds.get(sites[i])] = (char) i;
        }

        int[] keys4 = new int[u4];
        char[] sites4 = new char[u4];
        int[] start4 = new int[34];
        for (int i = 0; i < u4; i++) {
            int e = order4[i];
            keys4[i] = k4[e] ^ Integer.MIN_VALUE;
            sites4[i] = remap[site4[e]];
            start4[len4[e] + 1]++;
        }
        prefixSums(start4);

        long[] keysHi = new long[u6];
        char[] sites6 = new char[u6];
        int[] start6 = new int[130];
        for (int i = 0; i < u6; i++) {
            int e = order6[i];
            keysHi[i] = hi6[e] ^ Long.MIN_VALUE;
            sites6[i] = remap[site6[e]];
            start6[(len6[e] & 0xff) + 1]++;
        }
        prefixSums(start6);
        int base = start6[65]; // first entry longer than /64
        long[] keysLo = new long[u6 - base];
        for (int i = base; i < u6; i++) {
            keysLo[i - base] = lo6[order6[i]] ^ Long.MIN_VALUE;
        }
        return new CoverageSet(sites, keys4, sites4, start4, keysHi, keysLo, sites6, start6);
    }

    private static void prefixSums(int[] start) {
        for (int i = 1; i < start.length; i++) {
            start[i] += start[i - 1];
        }
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /** Compacts a sorted order to the last element of each run of equal keys; returns the new length. */
    private static int keepLast(int[] order, IntBinaryOperator cmp) {
        int out = 0;
        for (int i = 0; i < order.length; i++) {
            if (i + 1 < order.length && cmp.applyAsInt(order[i], order[i + 1]) == 0) {
                continue;
            }
            order[out++] = order[i];
        }
        return out;
    }

    /**
     * Bottom-up merge sort of indices: stable, O(n log n) worst case, and no boxing (an
     * {@code Integer[]} with a Comparator would cost 16+ bytes per entry).
     */
    static void stableSort(int[] a, IntBinaryOperator cmp) {
        int n = a.length;
        final int run = 32;
        for (int lo = 0; lo < n; lo += run) { // insertion sort of short runs first: cheaper than merging them
            int hi = Math.min(lo + run, n);
            for (int i = lo + 1; i < hi; i++) {
                int x = a[i];
                int j = i - 1;
                while (j >= lo && cmp.applyAsInt(a[j], x) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = x;
            }
        }
        if (n <= run) {
            return;
        }
        int[] src = a;
        int[] dst = new int[n];
        for (int width = run; width < n; width <<= 1) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(lo + width, n);
                int hi = Math.min(lo + 2 * width, n);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    dst[k++] = cmp.applyAsInt(src[j], src[i]) < 0 ? src[j++] : src[i++];
                }
                while (i < mid) {
                    dst[k++] = src[i++];
                }
                while (j < hi) {
                    dst[k++] = src[j++];
                }
            }
            int[] t = src;
            src = dst;
            dst = t;
        }
        if (src != a) {
            System.arraycopy(src, 0, a, 0, n);
        }
    }
}
