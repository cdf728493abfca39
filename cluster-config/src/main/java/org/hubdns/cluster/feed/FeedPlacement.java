package org.hubdns.cluster.feed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntBinaryOperator;
import org.hubdns.cluster.coverage.Cidr;
import org.hubdns.cluster.coverage.PrefixTable;

/**
 * Where the exchange's BGP routes place client networks, as steering reads it: the longest route
 * prefix over every feed that is not stale, and the sites that announce it, best first (shortest
 * AS path first; a route whose origin is the announcing member itself before others). Built off the
 * query path from the feeds' route tables ({@link FeedPlacements#build}); immutable; a lookup
 * allocates nothing.
 *
 * <p>The table is a {@link PrefixTable} (the layout of a
 * {@link org.hubdns.cluster.coverage.CoverageSet}, whose lookups it shares) with a parallel
 * {@code int[]}: each prefix maps to the index of its site order. Orders are few (the orders of a
 * handful of sites), yet with many sites they may exceed a coverage set's 65,536 site indices, and
 * the table is built straight from sorted primitive arrays: a million prefixes take about 8 bytes
 * each and are built in a fraction of a second.
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

    private final PrefixTable table;
    private final int[] orderIndex; // by table position: IPv4 entries, then IPv6 ones
    private final String[][] orders;
    private final EvidenceSource evidence;

    private FeedPlacement(int[] v4Keys, int[] v4Orders, int[] v4Start, long[] v6Hi, long[] v6Lo, int[] v6Orders,
            int[] v6Start, String[][] orders, EvidenceSource evidence) {
        this.table = new PrefixTable(v4Keys, v4Start, v6Hi, v6Lo, v6Start);
        this.orderIndex = Arrays.copyOf(v4Orders, v4Orders.length + v6Orders.length);
        System.arraycopy(v6Orders, 0, orderIndex, v4Orders.length, v6Orders.length);
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
        return table.size();
    }

    /** Hot path: the index of the sites that announce the longest matching prefix, or -1. */
    public int match(byte[] address, int length) {
        if (isEmpty()) {
            return -1;
        }
        int pos = table.find(address, length);
        return pos < 0 ? -1 : orderIndex[pos];
    }

    /** The matching prefix's length, or -1 (the ECS scope of a feed placement; IPv4 length for a mapped address). */
    public int matchPrefixLength(byte[] address, int length) {
        return isEmpty() ? -1 : table.matchPrefixLength(address, length);
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
        return isEmpty() ? -1 : table.longestWithin(address, length, prefix);
    }

    /** The route evidence for {@code address}, or null when no feed places it. */
    public Evidence evidence(byte[] address, int length) {
        return match(address, length) < 0 ? null : evidence.explain(address, length);
    }

    /** Approximate heap of the lookup arrays and the site orders. */
    public long estimatedBytes() {
        // the figure reported before PrefixTable: 16 bytes counted per IPv6 high key and its order (12 in the arrays)
        long b = table.estimatedBytes() + 4L * orderIndex.length + 4L * table.ipv6Size();
        for (String[] o : orders) {
            b += 16 + 4L * o.length;
        }
        return b;
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
                add4(PrefixTable.readInt(a, 0), prefix.prefix(), order);
            } else if (prefix.prefix() >= 96 && PrefixTable.isMapped(a)) {
                add4(PrefixTable.readInt(a, 12), prefix.prefix() - 96, order);
            } else {
                add6(PrefixTable.readLong(a, 0), PrefixTable.readLong(a, 8), prefix.prefix(), order);
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
            PrefixTable bt = base.table;
            int bn4 = bt.ipv4Size();
            // IPv4: merge each length's run of the base with the changes of that length
            int[] keys = new int[bn4 + t.keys4.length];
            int[] ords = new int[keys.length];
            int[] start = new int[34];
            int n = 0;
            int ci = 0;
            for (int l = 0; l <= 32; l++) {
                int p = bt.start4(l);
                int end = bt.start4(l + 1);
                int cend = t.start4[l + 1];
                while (p < end || ci < cend) {
                    int c = p >= end ? 1 : ci >= cend ? -1 : Integer.compare(bt.key4(p), t.keys4[ci]);
                    if (c < 0) {
                        keys[n] = bt.key4(p);
                        ords[n++] = base.orderIndex[p++];
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
            long[] hi = new long[bt.ipv6Size() + t.hi6.length];
            long[] lo = new long[bt.ipv6LowHalves() + t.lo6.length];
            int[] ords6 = new int[hi.length];
            int[] start6 = new int[130];
            int tBase = t.start6[65];
            n = 0;
            int nLo = 0;
            ci = 0;
            for (int l = 0; l <= 128; l++) {
                int p = bt.start6(l);
                int end = bt.start6(l + 1);
                int cend = t.start6[l + 1];
                while (p < end || ci < cend) {
                    int c;
                    if (p >= end) {
                        c = 1;
                    } else if (ci >= cend) {
                        c = -1;
                    } else {
                        c = Long.compare(bt.hi6(p), t.hi6[ci]);
                        if (c == 0 && l > 64) {
                            c = Long.compare(bt.lo6(p), t.lo6[ci - tBase]);
                        }
                    }
                    if (c < 0) {
                        hi[n] = bt.hi6(p);
                        if (l > 64) {
                            lo[nLo++] = bt.lo6(p);
                        }
                        ords6[n++] = base.orderIndex[bn4 + p++];
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
            PrefixTable.prefixSums(start4);

            int[] idx = PrefixTable.identity(n6);
            IntBinaryOperator cmp6 = this::compare6;
            PrefixTable.stableSort(idx, cmp6);
            int u6 = PrefixTable.keepLast(idx, cmp6);
            int[] start6 = new int[130];
            long[][] keys6 = PrefixTable.keys6(idx, u6, hi6, lo6, len6, start6);
            int[] orders6 = new int[u6];
            for (int i = 0; i < u6; i++) {
                orders6[i] = o6[idx[i]];
            }
            return new Sorted(keys4, orders4, start4, keys6[0], keys6[1], orders6, start6);
        }

        /** By (length, unsigned address); the stable sort keeps equal prefixes in the order added, so the last added ends their run. */
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
