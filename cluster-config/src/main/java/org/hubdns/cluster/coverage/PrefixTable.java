package org.hubdns.cluster.coverage;

import java.util.Arrays;
import java.util.function.IntBinaryOperator;

/**
 * The keys of an immutable longest-prefix-match table: which prefixes there are, not what they map
 * to. {@link CoverageSet} (a {@code char} site index per prefix) and
 * {@link org.hubdns.cluster.feed.FeedPlacement} (an {@code int} site-order index per prefix) keep
 * their values in a primitive array parallel to this table's positions, so each pays only for the
 * value width it needs and a lookup is a call here plus one array read.
 *
 * <p>Layout: per family, the prefixes are grouped by prefix length; each group is a sorted run in
 * one flat primitive array of masked keys. A lookup masks the address for each present length,
 * longest first, and binary-searches that group. Flat primitive arrays rather than a trie because a
 * million prefixes must cost a few bytes each (an IPv4 prefix is an int; an IPv6 prefix up to /64 is
 * a long, a longer one adds a second long) and because a lookup must not allocate. Keys are stored
 * with the sign bit flipped so that {@link Arrays#binarySearch} (signed) orders them as unsigned.
 *
 * <p>IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are looked up as IPv4, and the builders store
 * mapped prefixes (::ffff:0:0/96 and longer) as IPv4. A consequence worth knowing: an IPv6 prefix
 * shorter than /96 that spans the mapped range (::/0, for instance) never matches a mapped address.
 *
 * <p>Positions: IPv4 entry {@code i} is position {@code i}, IPv6 entry {@code j} is position
 * {@link #ipv4Size()} {@code + j}; within a family they run in (length, unsigned address) order.
 *
 * <p>Thread-safe: every field is final and no array is written after construction.
 */
public final class PrefixTable {

    public static final PrefixTable EMPTY = new PrefixTable(new int[0], new int[34], new long[0], new long[0],
            new int[130]);

    // IPv4: keys are (masked address ^ MIN_VALUE); group of length L is [v4Start[L], v4Start[L+1]).
    private final int[] v4Keys;
    private final int[] v4Start;
    private final int[] v4Lengths; // present lengths, longest first

    // IPv6: high 64 bits of every key in v6Hi; groups longer than /64 sit at the end (groups are in
    // length order), so only they have a low half, stored in v6Lo at (index - v6Start[65]).
    private final long[] v6Hi;
    private final long[] v6Lo;
    private final int[] v6Start;
    private final int[] v6Lengths;

    /**
     * Trusts its arguments, which are in the layout above: keys sign-flipped, sorted and unique per
     * group, {@code v4Start} of 34 and {@code v6Start} of 130 group bounds, {@code v6Lo} holding the
     * low halves of the groups longer than /64.
     */
    public PrefixTable(int[] v4Keys, int[] v4Start, long[] v6Hi, long[] v6Lo, int[] v6Start) {
        this.v4Keys = v4Keys;
        this.v4Start = v4Start;
        this.v4Lengths = presentLengths(v4Start);
        this.v6Hi = v6Hi;
        this.v6Lo = v6Lo;
        this.v6Start = v6Start;
        this.v6Lengths = presentLengths(v6Start);
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

    public int size() {
        return v4Keys.length + v6Hi.length;
    }

    public int ipv4Size() {
        return v4Keys.length;
    }

    public int ipv6Size() {
        return v6Hi.length;
    }

    /** Approximate heap of the key arrays (payload only): 4 bytes an IPv4 key, 8 or 16 an IPv6 one. */
    public long estimatedBytes() {
        return 4L * v4Keys.length + 8L * v6Hi.length + 8L * v6Lo.length + 4L * (v4Start.length + v6Start.length);
    }

    // ---------------------------------------------------------------- lookup

    /**
     * The hot-path lookup: the position of the longest prefix covering the first {@code length}
     * bytes (4 or 16) of {@code address}, or -1. Allocates nothing.
     */
    public int find(byte[] address, int length) {
        checkedLength(address, length);
        if (length == 4 || isMapped(address)) {
            return find4(readInt(address, length == 4 ? 0 : 12));
        }
        int pos = find6(readLong(address, 0), readLong(address, 8));
        return pos < 0 ? -1 : v4Keys.length + pos;
    }

    /**
     * The length of the longest covering prefix, or -1 (for an IPv4-mapped address, the IPv4
     * length: that is what matched). Useful for an ECS scope prefix length.
     */
    public int matchPrefixLength(byte[] address, int length) {
        int pos = find(address, length);
        return pos < 0 ? -1 : lengthAt(pos);
    }

    /** The prefix length of the entry at {@code position} (IPv4 lengths for IPv4 entries). */
    public int lengthAt(int position) {
        return position < v4Keys.length ? groupOf(v4Start, v4Lengths, position)
                : groupOf(v6Start, v6Lengths, position - v4Keys.length);
    }

    /** The entry at {@code position} in canonical CIDR form (allocates). */
    public String cidrAt(int position) {
        int l = lengthAt(position);
        if (position < v4Keys.length) {
            return format4(v4Keys[position] ^ Integer.MIN_VALUE, l);
        }
        int j = position - v4Keys.length;
        return format6(v6Hi[j] ^ Long.MIN_VALUE, l > 64 ? v6Lo[j - v6Start[65]] ^ Long.MIN_VALUE : 0, l);
    }

    /**
     * The longest prefix length, above {@code prefix}, of any entry lying inside
     * {@code address/prefix}, or -1: a client known only to that block may get another answer
     * than its neighbours, so an ECS scope must be at least this long (RFC 7871 7.2.1).
     * {@code prefix} is in the address's own family (IPv4 lengths for 4-byte or mapped addresses).
     */
    public int longestWithin(byte[] address, int length, int prefix) {
        checkedLength(address, length);
        if (length == 4 || isMapped(address)) {
            int low = readInt(address, length == 4 ? 0 : 12) & mask32(prefix);
            int high = (low | ~mask32(prefix)) ^ Integer.MIN_VALUE;
            for (int l : v4Lengths) {
                if (l <= prefix) {
                    break;
                }
                int to = v4Start[l + 1];
                int pos = insertionPoint(Arrays.binarySearch(v4Keys, v4Start[l], to, low ^ Integer.MIN_VALUE));
                if (pos < to && v4Keys[pos] <= high) {
                    return l;
                }
            }
            return -1;
        }
        long hi = readLong(address, 0);
        long lo = readLong(address, 8);
        for (int l : v6Lengths) {
            if (l <= prefix) {
                break;
            }
            int from = v6Start[l];
            int to = v6Start[l + 1];
            if (prefix < 64) {
                long lowHi = hi & hiMask(prefix);
                long highHi = (lowHi | ~hiMask(prefix)) ^ Long.MIN_VALUE;
                // with duplicate high halves (groups beyond /64) any hit is as good as the first
                int pos = insertionPoint(Arrays.binarySearch(v6Hi, from, to, lowHi ^ Long.MIN_VALUE));
                if (pos < to && v6Hi[pos] <= highHi) {
                    return l;
                }
            } else {
                // inside the block: the same high half, a low half between these two; the first
                // entry at or above (hi, lowLo) is inside if any is
                long h = hi ^ Long.MIN_VALUE;
                long lowLo = lo & loMask(prefix);
                long highLo = (lowLo | ~loMask(prefix)) ^ Long.MIN_VALUE;
                int pos = insertionPoint(search128(from, to, h, lowLo ^ Long.MIN_VALUE));
                if (pos < to && v6Hi[pos] == h && v6Lo[pos - v6Start[65]] <= highLo) {
                    return l;
                }
            }
        }
        return -1;
    }

    private int find4(int a) {
        for (int l : v4Lengths) {
            int key = (a & mask32(l)) ^ Integer.MIN_VALUE;
            int pos = Arrays.binarySearch(v4Keys, v4Start[l], v4Start[l + 1], key);
            if (pos >= 0) {
                return pos;
            }
        }
        return -1;
    }

    private int find6(long hi, long lo) {
        for (int l : v6Lengths) {
            long h = (hi & hiMask(l)) ^ Long.MIN_VALUE;
            int from = v6Start[l];
            int to = v6Start[l + 1];
            int pos = l <= 64 ? Arrays.binarySearch(v6Hi, from, to, h)
                    : search128(from, to, h, (lo & loMask(l)) ^ Long.MIN_VALUE);
            if (pos >= 0) {
                return pos;
            }
        }
        return -1;
    }

    /** As {@link Arrays#binarySearch} over the (high, low) keys of a group longer than /64. */
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
        return -(low + 1);
    }

    /** The first position at or above the key, from a binary search's result. */
    private static int insertionPoint(int searchResult) {
        return searchResult >= 0 ? searchResult : -(searchResult + 1);
    }

    private static int groupOf(int[] start, int[] lengths, int pos) {
        for (int l : lengths) {
            if (pos >= start[l] && pos < start[l + 1]) {
                return l;
            }
        }
        throw new IllegalStateException("position " + pos + " in no group");
    }

    // ---------------------------------------------------------------- raw access, for encoders and merges

    /** Number of IPv4 groups (distinct lengths present). */
    public int ipv4Groups() {
        return v4Lengths.length;
    }

    public int ipv6Groups() {
        return v6Lengths.length;
    }

    /** First IPv4 entry of length {@code l} (0-33; entry {@code start4(l + 1)} is past the group). */
    public int start4(int l) {
        return v4Start[l];
    }

    /** First IPv6 entry (an index within IPv6, not a position) of length {@code l} (0-129). */
    public int start6(int l) {
        return v6Start[l];
    }

    /** The stored (sign-flipped) key of IPv4 entry {@code i}. */
    public int key4(int i) {
        return v4Keys[i];
    }

    /** The stored (sign-flipped) high half of IPv6 entry {@code i}. */
    public long hi6(int i) {
        return v6Hi[i];
    }

    /** The stored (sign-flipped) low half of IPv6 entry {@code i}, which must be longer than /64. */
    public long lo6(int i) {
        return v6Lo[i - v6Start[65]];
    }

    /** Number of stored low halves (entries longer than /64). */
    public int ipv6LowHalves() {
        return v6Lo.length;
    }

    /** One IPv4 entry: its position, address (not flipped) and length. */
    @FunctionalInterface
    public interface Entry4 {
        void accept(int position, int address, int length);
    }

    /** One IPv6 entry: its position, address halves (not flipped; lo is 0 up to /64) and length. */
    @FunctionalInterface
    public interface Entry6 {
        void accept(int position, long hi, long lo, int length);
    }

    /** The entries at positions {@code from} (inclusive) to {@code to} (exclusive), in position order. */
    public void forEach(int from, int to, Entry4 v4, Entry6 v6) {
        for (int l = 0; l <= 32; l++) { // within a family the positions run in (length, address) order
            for (int p = Math.max(from, v4Start[l]); p < Math.min(to, v4Start[l + 1]); p++) {
                v4.accept(p, v4Keys[p] ^ Integer.MIN_VALUE, l);
            }
        }
        int base = v4Keys.length;
        for (int l = 0; l <= 128; l++) {
            for (int j = Math.max(from - base, v6Start[l]); j < Math.min(to - base, v6Start[l + 1]); j++) {
                long lo = l > 64 ? v6Lo[j - v6Start[65]] ^ Long.MIN_VALUE : 0;
                v6.accept(base + j, v6Hi[j] ^ Long.MIN_VALUE, lo, l);
            }
        }
    }

    // ---------------------------------------------------------------- key helpers

    public static void checkedLength(byte[] address, int length) {
        if (address == null) {
            throw new IllegalArgumentException("address is missing");
        }
        if ((length != 4 && length != 16) || address.length < length) {
            throw new IllegalArgumentException("address must be 4 or 16 bytes, got " + length
                    + " (array of " + address.length + ")");
        }
    }

    /** Whether a 16-byte address is IPv4-mapped (::ffff:a.b.c.d). */
    public static boolean isMapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    public static int mask32(int l) {
        return l == 0 ? 0 : -1 << (32 - l); // a shift by 32 is a no-op in Java, hence the special case
    }

    public static long hiMask(int l) {
        return l == 0 ? 0 : l >= 64 ? -1L : -1L << (64 - l);
    }

    public static long loMask(int l) {
        return l <= 64 ? 0 : -1L << (128 - l);
    }

    public static int readInt(byte[] a, int off) {
        return (a[off] & 0xff) << 24 | (a[off + 1] & 0xff) << 16 | (a[off + 2] & 0xff) << 8 | (a[off + 3] & 0xff);
    }

    public static long readLong(byte[] a, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (a[off + i] & 0xff);
        }
        return v;
    }

    public static String format4(int key, int l) {
        return (key >>> 24) + "." + (key >>> 16 & 0xff) + "." + (key >>> 8 & 0xff) + "." + (key & 0xff) + "/" + l;
    }

    public static String format6(long hi, long lo, int l) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return Cidr.format(b, l);
    }

    // ---------------------------------------------------------------- building (sorting entry numbers)

    public static void prefixSums(int[] start) {
        for (int i = 1; i < start.length; i++) {
            start[i] += start[i - 1];
        }
    }

    /**
     * The IPv6 keys of a table from entries in parallel arrays ({@code hi} and {@code lo} not
     * flipped, {@code len} as unsigned bytes) taken in {@code order[0..n)}, which is sorted by
     * length, then unsigned address, one entry per prefix: fills {@code start} (130 zeroes, made
     * the group bounds) and returns the stored high keys and low halves as {@code {hi, lo}}.
     */
    public static long[][] keys6(int[] order, int n, long[] hi, long[] lo, byte[] len, int[] start) {
        long[] keysHi = new long[n];
        for (int i = 0; i < n; i++) {
            int e = order[i];
            keysHi[i] = hi[e] ^ Long.MIN_VALUE;
            start[(len[e] & 0xff) + 1]++;
        }
        prefixSums(start);
        int base = start[65]; // first entry longer than /64
        long[] keysLo = new long[n - base];
        for (int i = base; i < n; i++) {
            keysLo[i - base] = lo[order[i]] ^ Long.MIN_VALUE;
        }
        return new long[][] {keysHi, keysLo};
    }

    public static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /** Compacts a sorted order to the last element of each run of equal keys; returns the new length. */
    public static int keepLast(int[] order, IntBinaryOperator cmp) {
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
    public static void stableSort(int[] a, IntBinaryOperator cmp) {
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

    // ---------------------------------------------------------------- identity

    @Override
    public boolean equals(Object o) {
        return o instanceof PrefixTable t && Arrays.equals(v4Keys, t.v4Keys) && Arrays.equals(v4Start, t.v4Start)
                && Arrays.equals(v6Hi, t.v6Hi) && Arrays.equals(v6Lo, t.v6Lo) && Arrays.equals(v6Start, t.v6Start);
    }

    @Override
    public int hashCode() {
        int h = Arrays.hashCode(v4Keys);
        h = 31 * h + Arrays.hashCode(v6Hi);
        return 31 * h + Arrays.hashCode(v6Lo);
    }

    @Override
    public String toString() {
        return "PrefixTable[ipv4=" + v4Keys.length + ", ipv6=" + v6Hi.length + "]";
    }
}
