package org.hubdns.cluster.coverage;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.zip.CRC32;

/**
 * An immutable longest-prefix-match table from address prefixes to site names.
 *
 * <p>Layout: per family, the prefixes are grouped by prefix length; each group is a sorted run in
 * one flat primitive array of masked keys, with a parallel {@code char[]} of site indices. A
 * lookup masks the address for each present length, longest first, and binary-searches that
 * group. Flat primitive arrays rather than a trie because a million prefixes must cost a few bytes
 * each (an IPv4 prefix is an int plus a char: 6 bytes; an IPv6 prefix up to /64 is a long plus a
 * char, a longer one adds a second long) and because a lookup must not allocate. Keys are stored
 * with the sign bit flipped so that {@link Arrays#binarySearch} (signed) orders them as unsigned.
 *
 * <p>IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are looked up as IPv4, and the builder stores
 * mapped prefixes (::ffff:0:0/96 and longer) as IPv4. A consequence worth knowing: an IPv6 prefix
 * shorter than /96 that spans the mapped range (::/0, for instance) never matches a mapped address.
 *
 * <p>At most 65,536 distinct sites (the index is a {@code char}), kept in sorted order so that two
 * sets with the same entries are equal and encode to the same bytes whatever order they were built in.
 *
 * <p>Thread-safe: every field is final and no array is written after construction.
 */
public final class CoverageSet {

    public static final CoverageSet EMPTY = new CoverageSet(new String[0], new int[0], new char[0], new int[34],
            new long[0], new long[0], new char[0], new int[130]);

    /** One answer: the covering prefix in canonical form and its site. */
    public record Match(String cidr, String site) {
    }

    static final int MAX_SITES = 65_536;
    private static final byte[] MAGIC = {'H', 'C', 'O', 'V'};
    private static final int VERSION = 1;

    private final String[] sites;
    private final List<String> siteList;

    // IPv4: keys are (masked address ^ MIN_VALUE); group of length L is [v4Start[L], v4Start[L+1]).
    private final int[] v4Keys;
    private final char[] v4Sites;
    private final int[] v4Start;
    private final int[] v4Lengths; // present lengths, longest first

    // IPv6: high 64 bits of every key in v6Hi; groups longer than /64 sit at the end (groups are in
    // length order), so only they have a low half, stored in v6Lo at (position - v6Start[65]).
    private final long[] v6Hi;
    private final long[] v6Lo;
    private final char[] v6Sites;
    private final int[] v6Start;
    private final int[] v6Lengths;

    /** Trusts its arguments: the builder and {@link #decode} produce them sorted, unique and canonical. */
    CoverageSet(String[] sites, int[] v4Keys, char[] v4Sites, int[] v4Start,
                long[] v6Hi, long[] v6Lo, char[] v6Sites, int[] v6Start) {
        this.sites = sites;
        this.siteList = List.of(sites);
        this.v4Keys = v4Keys;
        this.v4Sites = v4Sites;
        this.v4Start = v4Start;
        this.v4Lengths = presentLengths(v4Start);
        this.v6Hi = v6Hi;
        this.v6Lo = v6Lo;
        this.v6Sites = v6Sites;
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

    /** Number of prefixes (after duplicates were resolved). */
    public int size() {
        return v4Keys.length + v6Hi.length;
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    public int ipv4Size() {
        return v4Keys.length;
    }

    public int ipv6Size() {
        return v6Hi.length;
    }

    /** The distinct site names the prefixes refer to, sorted; {@link #matchSiteIndex} indexes this list. */
    public List<String> sites() {
        return siteList;
    }

    /** The site at an index returned by {@link #matchSiteIndex}. */
    public String site(int index) {
        return sites[index];
    }

    /**
     * Approximate heap taken by the lookup arrays (payload only, not object headers): what
     * "bytes per prefix" budgets are measured against.
     */
    public long estimatedBytes() {
        long b = 4L * v4Keys.length + 2L * v4Sites.length + 8L * v6Hi.length + 8L * v6Lo.length
                + 2L * v6Sites.length + 4L * (v4Start.length + v6Start.length);
        for (String s : sites) {
            b += s.length() + 40;
        }
        return b;
    }

    /**
     * The longest prefix covering {@code address} (4 or 16 bytes), or null when none does. Allocates
     * only the returned match.
     */
    public Match match(byte[] address) {
        int len = checkedLength(address, address == null ? 0 : address.length);
        if (len == 4 || isMapped(address)) {
            int off = len == 4 ? 0 : 12;
            int pos = find4(readInt(address, off));
            if (pos < 0) {
                return null;
            }
            int l = groupOf(v4Start, v4Lengths, pos);
            return new Match(format4(v4Keys[pos] ^ Integer.MIN_VALUE, l), sites[v4Sites[pos]]);
        }
        int pos = find6(readLong(address, 0), readLong(address, 8));
        if (pos < 0) {
            return null;
        }
        int l = groupOf(v6Start, v6Lengths, pos);
        long lo = l > 64 ? v6Lo[pos - v6Start[65]] ^ Long.MIN_VALUE : 0;
        return new Match(format6(v6Hi[pos] ^ Long.MIN_VALUE, lo, l), sites[v6Sites[pos]]);
    }

    /**
     * The hot-path lookup: the index into {@link #sites()} of the longest covering prefix, or -1.
     * Reads the first {@code length} bytes (4 or 16) of {@code address}, so a reused buffer works.
     */
    public int matchSiteIndex(byte[] address, int length) {
        checkedLength(address, length);
        if (length == 4 || isMapped(address)) {
            int pos = find4(readInt(address, length == 4 ? 0 : 12));
            return pos < 0 ? -1 : v4Sites[pos];
        }
        int pos = find6(readLong(address, 0), readLong(address, 8));
        return pos < 0 ? -1 : v6Sites[pos];
    }

    /**
     * The length of the longest covering prefix, or -1 (for an IPv4-mapped address, the IPv4
     * length: that is what matched). Useful for an ECS scope prefix length.
     */
    public int matchPrefixLength(byte[] address, int length) {
        checkedLength(address, length);
        if (length == 4 || isMapped(address)) {
            int pos = find4(readInt(address, length == 4 ? 0 : 12));
            return pos < 0 ? -1 : groupOf(v4Start, v4Lengths, pos);
        }
        int pos = find6(readLong(address, 0), readLong(address, 8));
        return pos < 0 ? -1 : groupOf(v6Start, v6Lengths, pos);
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
            int a = readInt(address, length == 4 ? 0 : 12);
            int low = a & mask32(prefix);
            int high = low | ~mask32(prefix);
            for (int l : v4Lengths) {
                if (l <= prefix) {
                    break;
                }
                int from = v4Start[l];
                int to = v4Start[l + 1];
                int pos = lowerBound(v4Keys, from, to, low ^ Integer.MIN_VALUE);
                if (pos < to && v4Keys[pos] <= (high ^ Integer.MIN_VALUE)) {
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
                long highHi = lowHi | ~hiMask(prefix);
                int pos = lowerBound(v6Hi, from, to, lowHi ^ Long.MIN_VALUE);
                if (pos < to && v6Hi[pos] <= (highHi ^ Long.MIN_VALUE)) {
                    return l;
                }
            } else {
                // inside the block: the same high half, a low half between these two
                long lowLo = lo & loMask(prefix);
                long highLo = lowLo | ~loMask(prefix);
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

    /**
     * Every entry as (canonical CIDR, site): IPv4 before IPv6, then by prefix length, then by
     * address. For listing and export; allocates a string per entry.
     */
    public void forEach(BiConsumer<String, String> cidrAndSite) {
        forEach(0, size(), cidrAndSite);
    }

    /**
     * Entries {@code from} (inclusive) to {@code to} (exclusive) in {@link #forEach(BiConsumer)}'s
     * order, so that a large set can be written out a slice at a time without a copy.
     */
    public void forEach(int from, int to, BiConsumer<String, String> cidrAndSite) {
        if (from < 0 || to > size() || from > to) {
            throw new IndexOutOfBoundsException("entries " + from + " to " + to + " of " + size());
        }
        for (int l = 0; l <= 32; l++) { // within a family the positions run in (length, address) order
            for (int p = Math.max(from, v4Start[l]); p < Math.min(to, v4Start[l + 1]); p++) {
                cidrAndSite.accept(format4(v4Keys[p] ^ Integer.MIN_VALUE, l), sites[v4Sites[p]]);
            }
        }
        int base = v4Keys.length;
        for (int l = 0; l <= 128; l++) {
            for (int p = Math.max(from - base, v6Start[l]); p < Math.min(to - base, v6Start[l + 1]); p++) {
                long lo = l > 64 ? v6Lo[p - v6Start[65]] ^ Long.MIN_VALUE : 0;
                cidrAndSite.accept(format6(v6Hi[p] ^ Long.MIN_VALUE, lo, l), sites[v6Sites[p]]);
            }
        }
    }

    /**
     * A new set with {@code cidr} mapped to {@code site}, replacing the entry for the same prefix if
     * any. Rebuilds the whole table (O(n log n)): meant for an operator's single edit, not for bulk
     * loading, which belongs in {@link CoverageSetBuilder}.
     */
    public CoverageSet with(String cidr, String site) {
        CoverageSetBuilder b = CoverageSetBuilder.copyOf(this);
        b.add(cidr, site);
        return b.build();
    }

    // Package-private raw access for the builder's copyOf: avoids a string round trip per entry.
    String[] siteArray() {
        return sites;
    }

    void forEachRaw4(RawEntry4 sink) {
        for (int l = 0; l <= 32; l++) {
            for (int p = v4Start[l]; p < v4Start[l + 1]; p++) {
                sink.accept(v4Keys[p] ^ Integer.MIN_VALUE, l, v4Sites[p]);
            }
        }
    }

    void forEachRaw6(RawEntry6 sink) {
        for (int l = 0; l <= 128; l++) {
            for (int p = v6Start[l]; p < v6Start[l + 1]; p++) {
                long lo = l > 64 ? v6Lo[p - v6Start[65]] ^ Long.MIN_VALUE : 0;
                sink.accept(v6Hi[p] ^ Long.MIN_VALUE, lo, l, v6Sites[p]);
            }
        }
    }

    @FunctionalInterface
    interface RawEntry4 {
        void accept(int key, int length, int site);
    }

    @FunctionalInterface
    interface RawEntry6 {
        void accept(long hi, long lo, int length, int site);
    }

    // ---------------------------------------------------------------- lookup

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
            int pos;
            if (l <= 64) {
                pos = Arrays.binarySearch(v6Hi, from, to, h);
            } else {
                pos = search128(from, to, h, (lo & loMask(l)) ^ Long.MIN_VALUE);
            }
            if (pos >= 0) {
                return pos;
            }
        }
        return -1;
    }

    private int search128(int from, int to, long h, long l) {
        int base = v6Start[65];
        int lowIdx = from;
        int high = to - 1;
        while (lowIdx <= high) {
            int mid = (lowIdx + high) >>> 1;
            long mh = v6Hi[mid];
            int c = Long.compare(mh, h);
            if (c == 0) {
                c = Long.compare(v6Lo[mid - base], l);
            }
            if (c < 0) {
                lowIdx = mid + 1;
            } else if (c > 0) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    private static int groupOf(int[] start, int[] lengths, int pos) {
        for (int l : lengths) {
            if (pos >= start[l] && pos < start[l + 1]) {
                return l;
            }
        }
        throw new IllegalStateException("position " + pos + " in no group");
    }

    private static int checkedLength(byte[] address, int length) {
        if (address == null) {
            throw new IllegalArgumentException("address is missing");
        }
        if ((length != 4 && length != 16) || address.length < length) {
            throw new IllegalArgumentException("address must be 4 or 16 bytes, got " + length
                    + " (array of " + address.length + ")");
        }
        return length;
    }

    static boolean isMapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    static int mask32(int l) {
        return l == 0 ? 0 : -1 << (32 - l); // a shift by 32 is a no-op in Java, hence the special case
    }

    static long hiMask(int l) {
        return l == 0 ? 0 : l >= 64 ? -1L : -1L << (64 - l);
    }

    static long loMask(int l) {
        return l <= 64 ? 0 : -1L << (128 - l);
    }

    static int readInt(byte[] a, int off) {
        return (a[off] & 0xff) << 24 | (a[off + 1] & 0xff) << 16 | (a[off + 2] & 0xff) << 8 | (a[off + 3] & 0xff);
    }

    static long readLong(byte[] a, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (a[off + i] & 0xff);
        }
        return v;
    }

    static String format4(int key, int l) {
        return (key >>> 24) + "." + (key >>> 16 & 0xff) + "." + (key >>> 8 & 0xff) + "." + (key & 0xff) + "/" + l;
    }

    static String format6(long hi, long lo, int l) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return Cidr.format(b, l);
    }

    // ---------------------------------------------------------------- encoding

    /**
     * Version 1 format, everything big-endian, "varint" = unsigned LEB128:
     * <pre>
     *   "HCOV" 0x01
     *   varint siteCount, then per site: varint byteLength, ASCII name     (sorted, each referenced)
     *   IPv4: varint total, varint groupCount, per group (ascending length):
     *         u8 length, varint count, per entry: key, varint site
     *   IPv6: the same, lengths 0-128
     *   u32 CRC-32 of everything before it
     * </pre>
     * A key is the prefix shifted right to drop its host bits, so consecutive prefixes differ by
     * small numbers: the first key of a group is written whole, each later one as the (positive)
     * difference from its predecessor. IPv6 keys longer than /64 are two numbers: the high half
     * (delta-coded) and the shifted low half, delta-coded only when the high half repeated.
     */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + size() * 3);
        out.writeBytes(MAGIC);
        out.write(VERSION);
        writeVarint(out, sites.length);
        for (String s : sites) {
            byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            writeVarint(out, b.length);
            out.writeBytes(b);
        }
        writeVarint(out, v4Keys.length);
        writeVarint(out, v4Lengths.length);
        for (int l = 0; l <= 32; l++) {
            int from = v4Start[l];
            int to = v4Start[l + 1];
            if (from == to) {
                continue;
            }
            out.write(l);
            writeVarint(out, to - from);
            long prev = 0;
            for (int p = from; p < to; p++) {
                long k = l == 0 ? 0 : Integer.toUnsignedLong(v4Keys[p] ^ Integer.MIN_VALUE) >>> (32 - l);
                writeVarint(out, p == from ? k : k - prev);
                writeVarint(out, v4Sites[p]);
                prev = k;
            }
        }
        writeVarint(out, v6Hi.length);
        writeVarint(out, v6Lengths.length);
        for (int l = 0; l <= 128; l++) {
            int from = v6Start[l];
            int to = v6Start[l + 1];
            if (from == to) {
                continue;
            }
            out.write(l);
            writeVarint(out, to - from);
            long prevHi = 0;
            long prevLo = 0;
            for (int p = from; p < to; p++) {
                long hi = v6Hi[p] ^ Long.MIN_VALUE;
                if (l <= 64) {
                    long k = l == 0 ? 0 : hi >>> (64 - l);
                    writeVarint(out, p == from ? k : k - prevHi);
                    prevHi = k;
                } else {
                    long lo = (v6Lo[p - v6Start[65]] ^ Long.MIN_VALUE) >>> (128 - l);
                    if (p == from) {
                        writeVarint(out, hi);
                        writeVarint(out, lo);
                    } else {
                        writeVarint(out, hi - prevHi);
                        writeVarint(out, hi == prevHi ? lo - prevLo : lo);
                    }
                    prevHi = hi;
                    prevLo = lo;
                }
                writeVarint(out, v6Sites[p]);
            }
        }
        CRC32 crc = new CRC32();
        crc.update(out.toByteArray());
        int c = (int) crc.getValue();
        out.write(c >>> 24);
        out.write(c >>> 16);
        out.write(c >>> 8);
        out.write(c);
        return out.toByteArray();
    }

    /**
     * Reads {@link #encode()}'s output. Anything else (truncated, corrupted, another version, or
     * valid-looking but not canonical, e.g. unsorted or with unreferenced sites) is rejected with an
     * IllegalArgumentException, so a decoded set always re-encodes to the same bytes.
     */
    public static CoverageSet decode(byte[] data) {
        if (data == null) {
            throw new IllegalArgumentException("coverage set encoding is missing");
        }
        if (data.length < MAGIC.length + 1 + 4) {
            throw new IllegalArgumentException("coverage set encoding too short (" + data.length + " bytes)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (data[i] != MAGIC[i]) {
                throw new IllegalArgumentException("not a coverage set encoding (bad magic)");
            }
        }
        if (data[4] != VERSION) {
            throw new IllegalArgumentException("unsupported coverage set encoding version " + (data[4] & 0xff)
                    + " (this build reads version " + VERSION + ")");
        }
        int end = data.length - 4;
        CRC32 crc = new CRC32();
        crc.update(data, 0, end);
        if ((int) crc.getValue() != readInt(data, end)) {
            throw new IllegalArgumentException("coverage set encoding is corrupt (CRC mismatch)");
        }
        return new Decoder(data, 5, end).decode();
    }

    private static final class Decoder {
        private final byte[] data;
        private int pos;
        private final int end;

        Decoder(byte[] data, int pos, int end) {
            this.data = data;
            this.pos = pos;
            this.end = end;
        }

        CoverageSet decode() {
            int siteCount = count("site count", MAX_SITES, 2);
            String[] sites = new String[siteCount];
            for (int i = 0; i < siteCount; i++) {
                int n = count("site name length", 63, 1);
                if (n == 0) {
                    throw fail("empty site name");
                }
                String s = new String(data, pos, n, StandardCharsets.US_ASCII);
                pos += n;
                if (!CoverageSetBuilder.SITE_NAME.matcher(s).matches()) {
                    throw fail("invalid site name '" + s + "'");
                }
                if (i > 0 && sites[i - 1].compareTo(s) >= 0) {
                    throw fail("site names not sorted and distinct at '" + s + "'");
                }
                sites[i] = s;
            }
            boolean[] used = new boolean[siteCount];

            int n4 = count("IPv4 entry count", Integer.MAX_VALUE, 2);
            int[] keys4 = new int[n4];
            char[] sites4 = new char[n4];
            int[] start4 = new int[34];
            int groups = count("IPv4 group count", 33, 4);
            int p = 0;
            int prevLen = -1;
            for (int g = 0; g < groups; g++) {
                int l = u8();
                if (l <= prevLen || l > 32) {
                    throw fail("IPv4 prefix length " + l + " out of order or range");
                }
                fill(start4, prevLen + 1, l + 1, p);
                prevLen = l;
                int c = count("IPv4 group size", n4 - p, 2);
                if (c == 0) {
                    throw fail("empty IPv4 group /" + l);
                }
                long limit = 1L << l;
                long prev = 0;
                for (int i = 0; i < c; i++) {
                    long v = varint();
                    long k;
                    if (i == 0) {
                        k = v;
                    } else {
                        if (v <= 0 || v >= limit - prev) {
                            throw fail("IPv4 /" + l + " keys not strictly increasing or out of range");
                        }
                        k = prev + v;
                    }
                    if (k < 0 || k >= limit) {
                        throw fail("IPv4 /" + l + " key out of range");
                    }
                    prev = k;
                    keys4[p] = (l == 0 ? 0 : (int) (k << (32 - l))) ^ Integer.MIN_VALUE;
                    sites4[p] = site(used);
                    p++;
                }
            }
            fill(start4, prevLen + 1, 34, p);
            if (p != n4) {
                throw fail("IPv4 groups hold " + p + " entries, header says " + n4);
            }

            int n6 = count("IPv6 entry count", Integer.MAX_VALUE, 2);
            long[] hi6 = new long[n6];
            char[] sites6 = new char[n6];
            int[] start6 = new int[130];
            groups = count("IPv6 group count", 129, 4);
            p = 0;
            prevLen = -1;
            long[] lo6 = null;
            int base = 0;
            for (int g = 0; g < groups; g++) {
                int l = u8();
                if (l <= prevLen || l > 128) {
                    throw fail("IPv6 prefix length " + l + " out of order or range");
                }
                fill(start6, prevLen + 1, l + 1, p);
                prevLen = l;
                int c = count("IPv6 group size", n6 - p, 2);
                if (c == 0) {
                    throw fail("empty IPv6 group /" + l);
                }
                if (l > 64 && lo6 == null) {
                    base = p;
                    lo6 = new long[n6 - p];
                }
                long prevHi = 0;
                long prevLo = 0;
                for (int i = 0; i < c; i++) {
                    long hi;
                    long lo = 0;
                    if (l <= 64) {
                        long v = varint();
                        long k;
                        if (i == 0) {
                            k = v;
                        } else {
                            k = prevHi + v;
                            if (v == 0 || Long.compareUnsigned(k, prevHi) <= 0) {
                                throw fail("IPv6 /" + l + " keys not strictly increasing");
                            }
                        }
                        if (l < 64 && Long.compareUnsigned(k, 1L << l) >= 0) {
                            throw fail("IPv6 /" + l + " key out of range");
                        }
                        prevHi = k;
                        hi = l == 0 ? 0 : k << (64 - l);
                    } else {
                        long v = varint();
                        long w = varint();
                        long loKey;
                        if (i == 0) {
                            hi = v;
                            loKey = w;
                        } else if (v == 0) {
                            hi = prevHi;
                            loKey = prevLo + w;
                            if (w == 0 || Long.compareUnsigned(loKey, prevLo) <= 0) {
                                throw fail("IPv6 /" + l + " keys not strictly increasing");
                            }
                        } else {
                            hi = prevHi + v;
                            if (Long.compareUnsigned(hi, prevHi) <= 0) {
                                throw fail("IPv6 /" + l + " keys not strictly increasing");
                            }
                            loKey = w;
                        }
                        if (l < 128 && Long.compareUnsigned(loKey, 1L << (l - 64)) >= 0) {
                            throw fail("IPv6 /" + l + " key out of range");
                        }
                        prevHi = hi;
                        prevLo = loKey;
                        lo = loKey << (128 - l);
                        if (l >= 96 && hi == 0 && (lo >>> 32) == 0xffffL) {
                            throw fail("IPv4-mapped prefix stored as IPv6 (must be IPv4)");
                        }
                        lo6[p - base] = lo ^ Long.MIN_VALUE;
                    }
                    hi6[p] = hi ^ Long.MIN_VALUE;
                    sites6[p] = site(used);
                    p++;
                }
            }
            fill(start6, prevLen + 1, 130, p);
            if (p != n6) {
                throw fail("IPv6 groups hold " + p + " entries, header says " + n6);
            }
            if (lo6 == null) {
                lo6 = new long[0];
            }
            if (pos != end) {
                throw fail((end - pos) + " unexpected trailing bytes");
            }
            for (int i = 0; i < siteCount; i++) {
                if (!used[i]) {
                    throw fail("site '" + sites[i] + "' is not referenced by any prefix");
                }
            }
            return new CoverageSet(sites, keys4, sites4, start4, hi6, lo6, sites6, start6);
        }

        private static void fill(int[] start, int from, int to, int value) {
            for (int i = from; i < to; i++) {
                start[i] = value;
            }
        }

        private char site(boolean[] used) {
            long s = varint();
            if (s < 0 || s >= used.length) {
                throw fail("site index " + s + " out of range (" + used.length + " sites)");
            }
            used[(int) s] = true;
            return (char) s;
        }

        /** A count, also bounded by the bytes left (each counted item takes at least minBytes), so corrupt counts cannot force huge allocations. */
        private int count(String what, int max, int minBytes) {
            long v = varint();
            if (v < 0 || v > max || v > (long) (end - pos) / minBytes) {
                throw fail(what + " " + Long.toUnsignedString(v) + " impossible here");
            }
            return (int) v;
        }

        private int u8() {
            if (pos >= end) {
                throw fail("truncated");
            }
            return data[pos++] & 0xff;
        }

        private long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = u8();
                if (shift == 63 && (b & 0xfe) != 0) {
                    throw fail("varint overflows 64 bits");
                }
                v |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    if (b == 0 && shift > 0) { // padded varints would let two encodings mean one set
                        throw fail("overlong varint");
                    }
                    return v;
                }
            }
            throw fail("varint too long");
        }

        private IllegalArgumentException fail(String why) {
            return new IllegalArgumentException("corrupt coverage set encoding at byte " + pos + ": " + why);
        }
    }

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    // ---------------------------------------------------------------- identity

    @Override
    public boolean equals(Object o) {
        return o instanceof CoverageSet c && Arrays.equals(sites, c.sites)
                && Arrays.equals(v4Keys, c.v4Keys) && Arrays.equals(v4Sites, c.v4Sites) && Arrays.equals(v4Start, c.v4Start)
                && Arrays.equals(v6Hi, c.v6Hi) && Arrays.equals(v6Lo, c.v6Lo) && Arrays.equals(v6Sites, c.v6Sites)
                && Arrays.equals(v6Start, c.v6Start);
    }

    @Override
    public int hashCode() {
        int h = Arrays.hashCode(sites);
        h = 31 * h + Arrays.hashCode(v4Keys);
        h = 31 * h + Arrays.hashCode(v4Sites);
        h = 31 * h + Arrays.hashCode(v6Hi);
        h = 31 * h + Arrays.hashCode(v6Lo);
        return 31 * h + Arrays.hashCode(v6Sites);
    }

    @Override
    public String toString() {
        return "CoverageSet[ipv4=" + v4Keys.length + ", ipv6=" + v6Hi.length + ", sites=" + sites.length + "]";
    }
}
