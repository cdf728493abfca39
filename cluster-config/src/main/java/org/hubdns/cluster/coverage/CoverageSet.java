package org.hubdns.cluster.coverage;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.zip.CRC32;

/**
 * An immutable longest-prefix-match table from address prefixes to site names: a
 * {@link PrefixTable} (which holds the layout, the lookups and the reasons for both) with a
 * parallel {@code char[]} of site indices, so an IPv4 prefix costs an int plus a char (6 bytes)
 * and an IPv6 prefix up to /64 a long plus a char.
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
    private final PrefixTable table;
    private final char[] siteIndex; // by table position: IPv4 entries, then IPv6 ones

    /** Trusts its arguments: the builder and {@link #decode} produce them sorted, unique and canonical. */
    CoverageSet(String[] sites, int[] v4Keys, char[] v4Sites, int[] v4Start,
                long[] v6Hi, long[] v6Lo, char[] v6Sites, int[] v6Start) {
        this.sites = sites;
        this.siteList = List.of(sites);
        this.table = new PrefixTable(v4Keys, v4Start, v6Hi, v6Lo, v6Start);
        this.siteIndex = Arrays.copyOf(v4Sites, v4Sites.length + v6Sites.length);
        System.arraycopy(v6Sites, 0, siteIndex, v4Sites.length, v6Sites.length);
    }

    /** Number of prefixes (after duplicates were resolved). */
    public int size() {
        return table.size();
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    public int ipv4Size() {
        return table.ipv4Size();
    }

    public int ipv6Size() {
        return table.ipv6Size();
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
        long b = table.estimatedBytes() + 2L * siteIndex.length;
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
        int pos = table.find(address, address == null ? 0 : address.length);
        return pos < 0 ? null : new Match(table.cidrAt(pos), sites[siteIndex[pos]]);
    }

    /**
     * The hot-path lookup: the index into {@link #sites()} of the longest covering prefix, or -1.
     * Reads the first {@code length} bytes (4 or 16) of {@code address}, so a reused buffer works.
     */
    public int matchSiteIndex(byte[] address, int length) {
        int pos = table.find(address, length);
        return pos < 0 ? -1 : siteIndex[pos];
    }

    /** As {@link PrefixTable#matchPrefixLength}. */
    public int matchPrefixLength(byte[] address, int length) {
        return table.matchPrefixLength(address, length);
    }

    /** As {@link PrefixTable#longestWithin}. */
    public int longestWithin(byte[] address, int length, int prefix) {
        return table.longestWithin(address, length, prefix);
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
        table.forEach(from, to,
                (p, key, l) -> cidrAndSite.accept(PrefixTable.format4(key, l), sites[siteIndex[p]]),
                (p, hi, lo, l) -> cidrAndSite.accept(PrefixTable.format6(hi, lo, l), sites[siteIndex[p]]));
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
        table.forEach(0, ipv4Size(), (p, key, l) -> sink.accept(key, l, siteIndex[p]), null);
    }

    void forEachRaw6(RawEntry6 sink) {
        table.forEach(ipv4Size(), size(), null, (p, hi, lo, l) -> sink.accept(hi, lo, l, siteIndex[p]));
    }

    @FunctionalInterface
    interface RawEntry4 {
        void accept(int key, int length, int site);
    }

    @FunctionalInterface
    interface RawEntry6 {
        void accept(long hi, long lo, int length, int site);
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
        writeVarint(out, table.ipv4Size());
        writeVarint(out, table.ipv4Groups());
        for (int l = 0; l <= 32; l++) {
            int from = table.start4(l);
            int to = table.start4(l + 1);
            if (from == to) {
                continue;
            }
            out.write(l);
            writeVarint(out, to - from);
            long prev = 0;
            for (int p = from; p < to; p++) {
                long k = l == 0 ? 0 : Integer.toUnsignedLong(table.key4(p) ^ Integer.MIN_VALUE) >>> (32 - l);
                writeVarint(out, p == from ? k : k - prev);
                writeVarint(out, siteIndex[p]);
                prev = k;
            }
        }
        writeVarint(out, table.ipv6Size());
        writeVarint(out, table.ipv6Groups());
        for (int l = 0; l <= 128; l++) {
            int from = table.start6(l);
            int to = table.start6(l + 1);
            if (from == to) {
                continue;
            }
            out.write(l);
            writeVarint(out, to - from);
            long prevHi = 0;
            long prevLo = 0;
            for (int p = from; p < to; p++) {
                long hi = table.hi6(p) ^ Long.MIN_VALUE;
                if (l <= 64) {
                    long k = l == 0 ? 0 : hi >>> (64 - l);
                    writeVarint(out, p == from ? k : k - prevHi);
                    prevHi = k;
                } else {
                    long lo = (table.lo6(p) ^ Long.MIN_VALUE) >>> (128 - l);
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
                writeVarint(out, siteIndex[table.ipv4Size() + p]);
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
        if ((int) crc.getValue() != PrefixTable.readInt(data, end)) {
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
        return o instanceof CoverageSet c && Arrays.equals(sites, c.sites) && table.equals(c.table)
                && Arrays.equals(siteIndex, c.siteIndex);
    }

    @Override
    public int hashCode() {
        int h = Arrays.hashCode(sites);
        h = 31 * h + table.hashCode();
        return 31 * h + Arrays.hashCode(siteIndex);
    }

    @Override
    public String toString() {
        return "CoverageSet[ipv4=" + ipv4Size() + ", ipv6=" + ipv6Size() + ", sites=" + sites.length + "]";
    }
}
