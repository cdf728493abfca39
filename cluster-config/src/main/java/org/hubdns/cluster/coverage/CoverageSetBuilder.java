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
 * <p>Entries go into growable primitive arrays (11 bytes per IPv4 entry, 23 per IPv6, with the
 * line each came from) rather than an object per entry, so a million-line import costs tens of
 * megabytes, not hundreds; building adds two int index arrays and the final table.
 *
 * <p>When the same prefix is added more than once, {@link #build()} keeps the last one: a single
 * edit ({@link CoverageSet#with}) replaces an entry. An upload must not let a later line silently
 * override an earlier one, so it asks {@link #check} first, which finds each prefix given two
 * different sites (a clash, naming both lines) and counts harmless repeats (same prefix, same site).
 * IPv4-mapped IPv6 prefixes (::ffff:0:0/96 and longer) are stored as the IPv4 prefixes they denote,
 * since mapped addresses are looked up as IPv4; so ::ffff:10.0.0.0/104 repeats 10.0.0.0/8.
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
    private int[] line4 = new int[16];
    private int n4;

    private long[] hi6 = new long[4];
    private long[] lo6 = new long[4];
    private byte[] len6 = new byte[4];
    private char[] site6 = new char[4];
    private int[] line6 = new int[4];
    private int n6;

    // the (length, address) order of the entries, kept between check() and build() while nothing is added
    private int[] sorted4;
    private int[] sorted6;

    /** A prefix given two different sites: the first entry of the prefix, and the first with another site. */
    public record Clash(String cidr, String site, int line, String otherSite, int otherLine) {
    }

    /**
     * What an upload would store: distinct prefixes per family, the entries that repeat a prefix
     * with the same site (kept once), and the clashes (the first {@code limit}, in the order of
     * their second line) out of {@code clashCount}.
     */
    public record Check(int ipv4, int ipv6, int repeats, List<Clash> clashes, int clashCount) {
        public int count() {
            return ipv4 + ipv6;
        }
    }

    /**
     * Adds {@code cidr -> site}. Throws IllegalArgumentException naming the bad value: malformed or
     * non-literal address, prefix length out of range, host bits set (with the canonical form), or
     * a site name not matching {@code [a-z0-9][a-z0-9-]{0,62}}.
     */
    public CoverageSetBuilder add(String cidr, String site) {
        return add(cidr, site, size());
    }

    /** As {@link #add(String, String)}, remembering {@code line} (the caller's numbering) for {@link #check}. */
    public CoverageSetBuilder add(String cidr, String site, int line) {
        Cidr c = Cidr.parse(cidr); // first, so a bad line does not register its site
        return add(c, siteId(site), line);
    }

    public CoverageSetBuilder add(Cidr cidr, String site) {
        if (cidr == null) {
            throw new IllegalArgumentException("CIDR is missing");
        }
        return add(cidr, siteId(site), size());
    }

    /** Entries added so far, counting repeats of a prefix (the built set holds each prefix once). */
    public int size() {
        return n4 + n6;
    }

    private CoverageSetBuilder add(Cidr c, int siteId, int line) {
        byte[] a = c.address();
        if (a.length == 4) {
            add4(PrefixTable.readInt(a, 0), c.prefix(), siteId, line);
        } else if (c.prefix() >= 96 && PrefixTable.isMapped(a)) {
            add4(PrefixTable.readInt(a, 12), c.prefix() - 96, siteId, line);
        } else {
            add6(PrefixTable.readLong(a, 0), PrefixTable.readLong(a, 8), c.prefix(), siteId, line);
        }
        return this;
    }

    /** The distinct site names added so far, in the order first seen. */
    public List<String> sites() {
        return List.copyOf(siteNames);
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

    private void add4(int key, int len, int site, int line) {
        if (n4 == k4.length) {
            int cap = grow(n4);
            k4 = Arrays.copyOf(k4, cap);
            len4 = Arrays.copyOf(len4, cap);
            site4 = Arrays.copyOf(site4, cap);
            line4 = Arrays.copyOf(line4, cap);
        }
        k4[n4] = key;
        len4[n4] = (byte) len;
        site4[n4] = (char) site;
        line4[n4] = line;
        n4++;
        sorted4 = null;
    }

    private void add6(long hi, long lo, int len, int site, int line) {
        if (n6 == hi6.length) {
            int cap = grow(n6);
            hi6 = Arrays.copyOf(hi6, cap);
            lo6 = Arrays.copyOf(lo6, cap);
            len6 = Arrays.copyOf(len6, cap);
            site6 = Arrays.copyOf(site6, cap);
            line6 = Arrays.copyOf(line6, cap);
        }
        hi6[n6] = hi;
        lo6[n6] = lo;
        len6[n6] = (byte) len; // 128 wraps to -128: always read back with & 0xff
        site6[n6] = (char) site;
        line6[n6] = line;
        n6++;
        sorted6 = null;
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
        b.line4 = new int[b.k4.length];
        b.hi6 = new long[set.ipv6Size() + 1];
        b.lo6 = new long[b.hi6.length];
        b.len6 = new byte[b.hi6.length];
        b.site6 = new char[b.hi6.length];
        b.line6 = new int[b.hi6.length];
        set.forEachRaw4((key, len, site) -> b.add4(key, len, site, 0));
        set.forEachRaw6((hi, lo, len, site) -> b.add6(hi, lo, len, site, 0));
        return b;
    }

    private IntBinaryOperator cmp4() {
        return (a, b) -> {
            int c = Integer.compare(len4[a], len4[b]);
            return c != 0 ? c : Integer.compareUnsigned(k4[a], k4[b]);
        };
    }

    private IntBinaryOperator cmp6() {
        return (a, b) -> {
            int c = Integer.compare(len6[a] & 0xff, len6[b] & 0xff);
            if (c == 0) {
                c = Long.compareUnsigned(hi6[a], hi6[b]);
            }
            return c != 0 ? c : Long.compareUnsigned(lo6[a], lo6[b]);
        };
    }

    /** The entries in (length, address) order; a stable sort keeps repeats in the order they were added. */
    private int[] sorted4() {
        if (sorted4 == null) {
            sorted4 = PrefixTable.identity(n4);
            PrefixTable.stableSort(sorted4, cmp4());
        }
        return sorted4;
    }

    private int[] sorted6() {
        if (sorted6 == null) {
            sorted6 = PrefixTable.identity(n6);
            PrefixTable.stableSort(sorted6, cmp6());
        }
        return sorted6;
    }

    /**
     * Finds the prefixes given more than one site and counts the repeats, without building. At most
     * {@code limit} clashes are described; all are counted. The sort it needs is kept for {@link #build()}.
     */
    public Check check(int limit) {
        // clashes as pairs of entries: IPv4 entry i as i, IPv6 entry i as ~i
        int[][] pairs = {new int[8], new int[8]};
        int[] found = {0};
        int[] repeats = {0};
        int u4 = scan(sorted4(), cmp4(), site4, pairs, found, repeats, false);
        int u6 = scan(sorted6(), cmp6(), site6, pairs, found, repeats, true);
        int n = found[0];
        Integer[] byLine = new Integer[n]; // boxing is fine here: clashes are few in any upload worth storing
        for (int i = 0; i < n; i++) {
            byLine[i] = i;
        }
        Arrays.sort(byLine, (a, b) -> Integer.compare(lineOf(pairs[1][a]), lineOf(pairs[1][b])));
        List<Clash> clashes = new ArrayList<>();
        for (int i = 0; i < Math.min(n, limit); i++) {
            int first = pairs[0][byLine[i]];
            int other = pairs[1][byLine[i]];
            clashes.add(new Clash(cidrOf(first), siteOf(first), lineOf(first), siteOf(other), lineOf(other)));
        }
        return new Check(u4, u6, repeats[0], List.copyOf(clashes), n);
    }

    /** Walks the runs of equal prefixes in {@code order}; returns the number of distinct prefixes. */
    private static int scan(int[] order, IntBinaryOperator cmp, char[] sites, int[][] pairs, int[] found,
            int[] repeats, boolean v6) {
        int distinct = 0;
        for (int i = 0; i < order.length; ) {
            int j = i + 1;
            int clash = -1;
            while (j < order.length && cmp.applyAsInt(order[i], order[j]) == 0) {
                if (sites[order[j]] == sites[order[i]]) {
                    repeats[0]++; // a repeat is the same prefix with the same site; another site is a clash
                } else if (clash < 0) {
                    clash = order[j];
                }
                j++;
            }
            distinct++;
            if (clash >= 0) {
                if (found[0] == pairs[0].length) {
                    pairs[0] = Arrays.copyOf(pairs[0], grow(found[0]));
                    pairs[1] = Arrays.copyOf(pairs[1], pairs[0].length);
                }
                pairs[0][found[0]] = v6 ? ~order[i] : order[i];
                pairs[1][found[0]] = v6 ? ~clash : clash;
                found[0]++;
            }
            i = j;
        }
        return distinct;
    }

    private int lineOf(int entry) {
        return entry >= 0 ? line4[entry] : line6[~entry];
    }

    private String siteOf(int entry) {
        return siteNames.get(entry >= 0 ? site4[entry] : site6[~entry]);
    }

    private String cidrOf(int entry) {
        if (entry >= 0) {
            return PrefixTable.format4(k4[entry], len4[entry]);
        }
        int e = ~entry;
        return PrefixTable.format6(hi6[e], lo6[e], len6[e] & 0xff);
    }

    public CoverageSet build() {
        // order by (length, unsigned key); the sort is stable, so the last of each run of repeats is
        // the one added last. keepLast compacts in place: work on a copy of the kept sort.
        int[] order4 = sorted4().clone();
        int u4 = PrefixTable.keepLast(order4, cmp4());
        int[] order6 = sorted6().clone();
        int u6 = PrefixTable.keepLast(order6, cmp6());

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
        PrefixTable.prefixSums(start4);

        int[] start6 = new int[130];
        long[][] keys6 = PrefixTable.keys6(order6, u6, hi6, lo6, len6, start6);
        char[] sites6 = new char[u6];
        for (int i = 0; i < u6; i++) {
            sites6[i] = remap[site6[order6[i]]];
        }
        return new CoverageSet(sites, keys4, sites4, start4, keys6[0], keys6[1], sites6, start6);
    }
}
