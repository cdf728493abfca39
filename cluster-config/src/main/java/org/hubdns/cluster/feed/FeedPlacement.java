package org.hubdns.cluster.feed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hubdns.cluster.coverage.Cidr;

/**
 * Where the exchange's BGP routes place client networks, as steering reads it: the longest route
 * prefix over every feed that is not stale, and the sites that announce it, best first (shortest
 * AS path first; a route whose origin is the announcing member itself before others). Built off the
 * query path from the feeds' route tables ({@link FeedPlacements#build}); immutable; a lookup
 * allocates nothing.
 *
 * <p>The table has the layout of a {@link org.hubdns.cluster.coverage.CoverageSet} (per family,
 * prefixes grouped by length in sorted runs of flat primitive keys, binary-searched longest length
 * first) but maps each prefix to an {@code int}: the index of its site order. Orders are few (the
 * orders of a handful of sites), yet with many sites they may exceed a coverage set's 65,536 site
 * indices, and the table is built straight from sorted primitive arrays: a million prefixes take
 * about 8 bytes each and are built in a fraction of a second.
 *
 * <p>IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are looked up as IPv4.
 */
public final class FeedPlacement {
    public static final FeedPlacement EMPTY = new Raw().build(new String[0][], (a, l) -> null);

    /** Why a client was placed by a feed (explain's slow path; may allocate). */
    public record Evidence(String feed, String prefix, long announcerAs, String announcerAddress, List<Long> asPath,
            List<String> sites) {
    }

    /** Finds the evidence for an address the table places; the route tables behind a placement provide it. */
    @FunctionalInterface
    public interface EvidenceSource {
        Evidence explain(byte[] address, int length);
    }

    // IPv4: keys are (masked address ^ MIN_VALUE); group of length L is [v4Start[L], v4Start[L+1]).
    private final int[] v4Keys;
    private final int[] v4Orders;
    private final int[] v4Start;
    private final int[] v4Lengths; // present lengths, longest first
    // IPv6: high halves of every key; groups longer than /64 sit at the end and have a low half in
    // v6Lo at (position - v6Start[65]).
    private final long[] v6Hi;
    private final long[] v6Lo;
    private final int[] v6Orders;
    private final int[] v6Start;
    private final int[] v6Lengths;
    private final String[][] orders;
    private final EvidenceSource evidence;

    private FeedPlacement(int[] v4Keys, int[] v4Orders, int[] v4Start, long[] v6Hi, long[] v6Lo, int[] v6Orders,
            int[] v6Start, String[][] orders, EvidenceSource evidence) {
        this.v4Keys = v4Keys;
        this.v4Orders = v4Orders;
        this.v4Start = v4Start;
        this.v4Lengths = presentLengths(v4Start);
        this.v6Hi = v6Hi;
        this.v6Lo = v6Lo;
        this.v6Orders = v6Orders;
        this.v6Start = v6Start;
        this.v6Lengths = presentLengths(v6Start);
        this.orders = orders;
        this.evidence = evidence;
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /** Placed prefixes (IPv4 and IPv6). */
    public int size() {
        return v4Keys.length + v6Hi.length;
    }

    /** Hot path: the index of the sites that announce the longest matching prefix, or -1. */
    public int match(byte[] address, int length) {
        if (isEmpty()) {
            return -1;
        }
        checkedLength(address, length);
        if (length == 4 || isMapped(address)) {
            int pos = find4(FeedRoutes.readInt(address, length == 4 ? 0 : 12));
            return pos < 0 ? -1 : v4Orders[pos];
        }
        int pos = find6(FeedRoutes.readLong(address, 0), FeedRoutes.readLong(address, 8));
        return pos < 0 ? -1 : v6Orders[pos];
    }

    /** The matching prefix's length, or -1 (the ECS scope of a feed placement; IPv4 length for a mapped address). */
    public int matchPrefixLength(byte[] address, int length) {
        if (isEmpty()) {
            return -1;
        }
        checkedLength(address, length);
        if (length == 4 || isMapped(address)) {
            int pos = find4(FeedRoutes.readInt(address, length == 4 ? 0 : 12));
            return pos < 0 ? -1 : groupOf(v4Start, v4Lengths, pos);
        }
        int pos = find6(FeedRoutes.readLong(address, 0), FeedRoutes.readLong(address, 8));
        return pos < 0 ? -1 : groupOf(v6Start, v6Lengths, pos);
    }

    /** The sites for a {@link #match} index, best first. Shared: never modify it. */
    public String[] sites(int index) {
        return orders[index];
    }

    /**
     * As {@link org.hubdns.cluster.coverage.CoverageSet#longestWithin}: the longest prefix length,
     * above {@code prefix}, of any placed prefix inside {@code address/prefix}, or -1 (the ECS scope
     * floor from routes nested in the client's block, RFC 7871 7.2.1).
     */
    public int longestWithin(byte[] address, int length, int prefix) {
        if (isEmpty()) {
            return -1;
        }
        checkedLength(address, length);
        if (length == 4 || isMapped(address)) {
            int a = FeedRoutes.readInt(address, length == 4 ? 0 : 12);
            int low = a & Bogons.mask32(prefix);
            int high = low | ~Bogons.mask32(prefix);
            for (int l : v4Lengths) {
                if (l <= prefix) {
                    break;
                }
                int to = v4Start[l + 1];
                int pos = lowerBound(v4Keys, v4Start[l], to, low ^ Integer.MIN_VALUE);
                if (pos < to && v4Keys[pos] <= (high ^ Integer.MIN_VALUE)) {
                    return l;
                }
            }
            return -1;
        }
        long hi = FeedRoutes.readLong(address, 0);
        long lo = FeedRoutes.readLong(address, 8);
        for (int l : v6Lengths) {
            if (l <= prefix) {
                break;
            }
            int from = v6Start[l];
            int to = v6Start[l + 1];
            if (prefix < 64) {
                long lowHi = hi & Bogons.hiMask(prefix);
                long highHi = lowHi | ~Bogons.hiMask(prefix);
                int pos = lowerBound(v6Hi, from, to, lowHi ^ Long.MIN_VALUE);
                if (pos < to && v6Hi[pos] <= (highHi ^ Long.MIN_VALUE)) {
                    return l;
                }
            } else {
                long lowLo = lo & Bogons.loMask(prefix);
                long highLo = lowLo | ~Bogons.loMask(prefix);
                int base = v6Start[65];
                long h = hi ^ Long.MIN_VALUE;
                for (int p = lowerBound(v6Hi, from, to, h); p < to && v6Hi[p] == h; p++) {
                    long entryLo = v6Lo[p - base] ^ Long.MIN_VALUE;
                    if (Long.compareUnsigned(entryLo, lowLo) >= 0 && Long.compareUnsigned(entryLo, highLo) <= 0) {
                        return l;
                    }
                }
            }
        }
        return -1;
    }

    /** The route evidence for {@code address}, or null when no feed places it. */
    public Evidence evidence(byte[] address, int length) {
        return match(address, length) < 0 ? null : evidence.explain(address, length);
    }

    /** Approximate heap of the lookup arrays and the site orders. */
    public long estimatedBytes() {
        long b = 8L * v4Keys.length + 16L * v6Hi.length + 8L * v6Lo.length + 4L * (v4Start.length + v6Start.length);
        for (String[] o : orders) {
            b += 16 + 4L * o.length;
        }
        return b;
    }

    // ---------------------------------------------------------------- lookup

    private int find4(int a) {
        for (int l : v4Lengths) {
            int key = (a & Bogons.mask32(l)) ^ Integer.MIN_VALUE;
            int pos = Arrays.binarySearch(v4Keys, v4Start[l], v4Start[l + 1], key);
            if (pos >= 0) {
                return pos;
            }
        }
        return -1;
    }

    private int find6(long hi, long lo) {
        for (int l : v6Lengths) {
            long h = (hi & Bogons.hiMask(l)) ^ Long.MIN_VALUE;
            int from = v6Start[l];
            int to = v6Start[l + 1];
            int pos = l <= 64 ? Arrays.binarySearch(v6Hi, from, to, h)
                    : search128(from, to, h, (lo & Bogons.loMask(l)) ^ Long.MIN_VALUE);
            if (pos >= 0) {
                return pos;
            }
        }
        return -1;
    }

    private int search128(int from, int to, long h, long l) {
        int base = v6Start[65];
        int low = from;
        int high = to - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int c = Long.compare(v6Hi[mid], h);
            if (c == 0) {
                c = Long.compare(v6Lo[mid - base], l);
            }
            if (c < 0) {
                low = mid + 1;
            } else if (c > 0) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    private static int lowerBound(int[] a, int from, int to, int key) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int lowerBound(long[] a, int from, int to, long key) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int groupOf(int[] start, int[] lengths, int pos) {
        for (int l : lengths) {
            if (pos >= start[l] && pos < start[l + 1]) {
                return l;
            }
        }
        throw new IllegalStateException("position " + pos + " in no group");
    }

    private static int[] presentLengths(int[] start) {
        int n = 0;
        for (int l = 0; l + 1 < start.length; l++) {
            if (start[l + 1] > start[l]) {
                n++;
            }
        }
        int[] out = new int[n];
        for (int l = start.length - 2, i = 0; l >= 0; l--) {
            if (start[l + 1] > start[l]) {
                out[i++] = l;
            }
        }
        return out;
    }

    private static void checkedLength(byte[] address, int length) {
        if (address == null) {
            throw new IllegalArgumentException("address is missing");
        }
        if ((length != 4 && length != 16) || address.length < length) {
            throw new IllegalArgumentException("address must be 4 or 16 bytes, got " + length
                    + " (array of " + address.length + ")");
        }
    }

    static boolean isMapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    // ---------------------------------------------------------------- building

    /**
     * Prefixes and order indices in primitive arrays, in any order; {@link #build} sorts them (the
     * last entry for a prefix wins). Package-private: {@link FeedPlacements} fills it directly.
     */
    static final class Raw {
        private long[] k4; // length << 58 | address << 26 | entry number (keeps the sort stable)
        private int[] o4;
        private int n4;
        private long[] hi6;
        private long[] lo6;
        private byte[] len6;
        private int[] o6;
        private int n6;

        Raw() {
            this(64, 16);
        }

        /** Sized for about {@code v4} and {@code v6} entries (a full build knows: no doubling). */
        Raw(int v4, int v6) {
            k4 = new long[Math.max(16, v4)];
            o4 = new int[k4.length];
            hi6 = new long[Math.max(16, v6)];
            lo6 = new long[hi6.length];
            len6 = new byte[hi6.length];
            o6 = new int[hi6.length];
        }

        void add4(int address, int length, int order) {
            if (n4 == k4.length) {
                k4 = Arrays.copyOf(k4, n4 * 2);
                o4 = Arrays.copyOf(o4, n4 * 2);
            }
            if (n4 >= 1 << 26) {
                throw new IllegalStateException("more than 2^26 IPv4 prefixes");
            }
            // flipped: a /32's length sets the sign bit, and Arrays.sort orders signed
            k4[n4] = ((long) length << 58 | Integer.toUnsignedLong(address) << 26 | n4) ^ Long.MIN_VALUE;
            o4[n4++] = order;
        }

        void add6(long hi, long lo, int length, int order) {
            if (n6 == hi6.length) {
                hi6 = Arrays.copyOf(hi6, n6 * 2);
                lo6 = Arrays.copyOf(lo6, n6 * 2);
                len6 = Arrays.copyOf(len6, n6 * 2);
                o6 = Arrays.copyOf(o6, n6 * 2);
            }
            hi6[n6] = hi;
            lo6[n6] = lo;
            len6[n6] = (byte) length;
            o6[n6++] = order;
        }

        void add(Cidr prefix, int order) {
            byte[] a = prefix.address();
            if (a.length == 4) {
                add4(FeedRoutes.readInt(a, 0), prefix.prefix(), order);
            } else if (prefix.prefix() >= 96 && isMapped(a)) {
                add4(FeedRoutes.readInt(a, 12), prefix.prefix() - 96, order);
            } else {
                add6(FeedRoutes.readLong(a, 0), FeedRoutes.readLong(a, 8), prefix.prefix(), order);
            }
        }

        FeedPlacement build(String[][] orders, EvidenceSource evidence) {
            Sorted t = sort();
            return new FeedPlacement(t.keys4, t.orders4, t.start4, t.hi6, t.lo6, t.orders6, t.start6, orders, evidence);
        }

        /**
         * {@code base} with this collection's entries applied: an entry with an order index
         * replaces or inserts its prefix, one with order -1 removes it. O(size of base) array
         * copies plus a sort of the changes: how a batch of route updates reaches the placement
         * without ranking every route again.
         */
        FeedPlacement patch(FeedPlacement base, String[][] orders, EvidenceSource evidence) {
            Sorted t = sort();
            // IPv4: merge each length's run of the base with the changes of that length
            int[] keys = new int[base.v4Keys.length + t.keys4.length];
            int[] ords = new int[keys.length];
            int[] start = new int[34];
            int n = 0;
            int ci = 0;
            for (int l = 0; l <= 32; l++) {
                int p = base.v4Start[l];
                int end = base.v4Start[l + 1];
                int cend = t.start4[l + 1];
                while (p < end || ci < cend) {
                    int c = p >= end ? 1 : ci >= cend ? -1 : Integer.compare(base.v4Keys[p], t.keys4[ci]);
                    if (c < 0) {
                        keys[n] = base.v4Keys[p];
                        ords[n++] = base.v4Orders[p++];
                    } else {
                        if (t.orders4[ci] >= 0) {
                            keys[n] = t.keys4[ci];
                            ords[n++] = t.orders4[ci];
                        }
                        ci++;
                        if (c == 0) {
                            p++;
                        }
                    }
                }
                start[l + 1] = n;
            }
            int[] keys4 = Arrays.copyOf(keys, n);
            int[] orders4 = Arrays.copyOf(ords, n);

            // IPv6: the same, comparing the low halves beyond /64
            long[] hi = new long[base.v6Hi.length + t.hi6.length];
            long[] lo = new long[base.v6Lo.length + t.lo6.length];
            int[] ords6 = new int[hi.length];
            int[] start6 = new int[130];
            int bBase = base.v6Start[65];
            int tBase = t.start6[65];
            n = 0;
            int nLo = 0;
            ci = 0;
            for (int l = 0; l <= 128; l++) {
                int p = base.v6Start[l];
                int end = base.v6Start[l + 1];
                int cend = t.start6[l + 1];
                while (p < end || ci < cend) {
                    int c;
                    if (p >= end) {
                        c = 1;
                    } else if (ci >= cend) {
                        c = -1;
                    } else {
                        c = Long.compare(base.v6Hi[p], t.hi6[ci]);
                        if (c == 0 && l > 64) {
                            c = Long.compare(base.v6Lo[p - bBase], t.lo6[ci - tBase]);
                        }
                    }
                    if (c < 0) {
                        hi[n] = base.v6Hi[p];
                        if (l > 64) {
                            lo[nLo++] = base.v6Lo[p - bBase];
                        }
                        ords6[n++] = base.v6Orders[p++];
                    } else {
                        if (t.orders6[ci] >= 0) {
                            hi[n] = t.hi6[ci];
                            if (l > 64) {
                                lo[nLo++] = t.lo6[ci - tBase];
                            }
                            ords6[n++] = t.orders6[ci];
                        }
                        ci++;
                        if (c == 0) {
                            p++;
                        }
                    }
                }
                start6[l + 1] = n;
            }
            return new FeedPlacement(keys4, orders4, start, Arrays.copyOf(hi, n), Arrays.copyOf(lo, nLo),
                    Arrays.copyOf(ords6, n), start6, orders, evidence);
        }

        /** The entries sorted by (length, unsigned address), the last of each prefix kept, in the table's layout. */
        private record Sorted(int[] keys4, int[] orders4, int[] start4, long[] hi6, long[] lo6, int[] orders6,
                int[] start6) {
        }

        private Sorted sort() {
            long[] sorted4 = Arrays.copyOf(k4, n4);
            Arrays.sort(sorted4);
            for (int i = 0; i < n4; i++) {
                sorted4[i] ^= Long.MIN_VALUE;
            }
            int u4 = 0;
            for (int i = 0; i < n4; i++) { // keep the last of each run of one prefix
                if (i + 1 < n4 && sorted4[i] >>> 26 == sorted4[i + 1] >>> 26) {
                    continue;
                }
                sorted4[u4++] = sorted4[i];
            }
            int[] keys4 = new int[u4];
            int[] orders4 = new int[u4];
            int[] start4 = new int[34];
            for (int i = 0; i < u4; i++) {
                long k = sorted4[i];
                keys4[i] = (int) (k >>> 26) ^ Integer.MIN_VALUE;
                orders4[i] = o4[(int) (k & ((1 << 26) - 1))];
                start4[(int) (k >>> 58) + 1]++;
            }
            prefixSums(start4);

            int[] idx = new int[n6];
            for (int i = 0; i < n6; i++) {
                idx[i] = i;
            }
            mergeSort6(idx);
            int u6 = 0;
            for (int i = 0; i < n6; i++) {
                if (i + 1 < n6 && compare6(idx[i], idx[i + 1]) == 0) {
                    continue;
                }
                idx[u6++] = idx[i];
            }
            long[] keysHi = new long[u6];
            int[] orders6 = new int[u6];
            int[] start6 = new int[130];
            for (int i = 0; i < u6; i++) {
                int e = idx[i];
                keysHi[i] = hi6[e] ^ Long.MIN_VALUE;
                orders6[i] = o6[e];
                start6[(len6[e] & 0xff) + 1]++;
            }
            prefixSums(start6);
            int base = start6[65];
            long[] keysLo = new long[u6 - base];
            for (int i = base; i < u6; i++) {
                keysLo[i - base] = lo6[idx[i]] ^ Long.MIN_VALUE;
            }
            return new Sorted(keys4, orders4, start4, keysHi, keysLo, orders6, start6);
        }

        /** By (length, unsigned address), then by entry number: equal prefixes end with the last added. */
        private int compare6(int a, int b) {
            int c = Integer.compare(len6[a] & 0xff, len6[b] & 0xff);
            if (c == 0) {
                c = Long.compareUnsigned(hi6[a], hi6[b]);
            }
            if (c == 0) {
                c = Long.compareUnsigned(lo6[a], lo6[b]);
            }
            return c;
        }

        /** Stable bottom-up merge sort of entry numbers by {@link #compare6}: no boxing. */
        private void mergeSort6(int[] a) {
            int n = a.length;
            int[] src = a;
            int[] dst = new int[n];
            for (int width = 1; width < n; width <<= 1) {
                for (int lo = 0; lo < n; lo += 2 * width) {
                    int mid = Math.min(lo + width, n);
                    int hi = Math.min(lo + 2 * width, n);
                    int i = lo;
                    int j = mid;
                    int k = lo;
                    while (i < mid && j < hi) {
                        dst[k++] = compare6(src[j], src[i]) < 0 ? src[j++] : src[i++];
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

        private static void prefixSums(int[] start) {
            for (int i = 1; i < start.length; i++) {
                start[i] += start[i - 1];
            }
        }
    }

    /** Collects prefix to site order; the last order given for a prefix wins. */
    public static final class Builder {
        private final Raw raw = new Raw();
        private final Map<List<String>, Integer> ids = new HashMap<>();
        private final List<String[]> orders = new ArrayList<>();
        private EvidenceSource evidence = (a, l) -> null;

        public Builder add(Cidr prefix, List<String> sites) {
            if (sites.isEmpty()) {
                throw new IllegalArgumentException(prefix + ": a placement needs at least one site");
            }
            List<String> order = List.copyOf(sites);
            Integer id = ids.get(order);
            if (id == null) {
                id = orders.size();
                ids.put(order, id);
                orders.add(order.toArray(String[]::new));
            }
            raw.add(prefix, id);
            return this;
        }

        public Builder evidence(EvidenceSource source) {
            this.evidence = source;
            return this;
        }

        public FeedPlacement build() {
            return raw.build(orders.toArray(String[][]::new), evidence);
        }
    }
}
