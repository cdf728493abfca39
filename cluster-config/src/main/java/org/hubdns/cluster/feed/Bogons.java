package org.hubdns.cluster.feed;

import java.util.List;
import org.hubdns.cluster.coverage.PrefixTable;
import org.hubdns.cluster.model.SpecialAddresses;

/**
 * Whether a route's prefix lies in special-purpose address space ({@link SpecialAddresses}:
 * private, shared, documentation, multicast, IPv6 outside 2000::/3 ...): such a route places
 * nobody. The most specific block that holds the whole prefix decides, so 2001:db8::/32 is a bogon
 * although 2000::/3 is ordinary, and a prefix merely covering a special block (8.0.0.0/7) is not.
 * The blocks are compiled once into primitive arrays: a feed checks every new prefix.
 */
final class Bogons {
    private static final int[] V4_KEY;
    private static final int[] V4_LEN;
    private static final boolean[] V4_SPECIAL;
    private static final long[] V6_HI;
    private static final long[] V6_LO;
    private static final int[] V6_LEN;
    private static final boolean[] V6_SPECIAL;

    static {
        List<SpecialAddresses.Block> blocks = SpecialAddresses.blocks();
        int n4 = 0;
        for (SpecialAddresses.Block b : blocks) {
            n4 += b.cidr().isIpv4() ? 1 : 0;
        }
        V4_KEY = new int[n4];
        V4_LEN = new int[n4];
        V4_SPECIAL = new boolean[n4];
        V6_HI = new long[blocks.size() - n4];
        V6_LO = new long[V6_HI.length];
        V6_LEN = new int[V6_HI.length];
        V6_SPECIAL = new boolean[V6_HI.length];
        int i4 = 0;
        int i6 = 0;
        for (SpecialAddresses.Block b : blocks) {
            byte[] a = b.cidr().address();
            boolean special = b.use() != SpecialAddresses.Use.ORDINARY;
            if (a.length == 4) {
                V4_KEY[i4] = FeedRoutes.readInt(a);
                V4_LEN[i4] = b.cidr().prefix();
                V4_SPECIAL[i4++] = special;
            } else {
                V6_HI[i6] = PrefixTable.readLong(a, 0);
                V6_LO[i6] = PrefixTable.readLong(a, 8);
                V6_LEN[i6] = b.cidr().prefix();
                V6_SPECIAL[i6++] = special;
            }
        }
    }

    private Bogons() {
    }

    /** {@code hi} holds an IPv4 prefix's address in its low 32 bits. */
    static boolean isBogon(boolean v6, long hi, long lo, int len) {
        int best = -1;
        int bestLen = -1;
        if (!v6) {
            int a = (int) hi;
            for (int i = 0; i < V4_KEY.length; i++) {
                int l = V4_LEN[i];
                if (l <= len && l > bestLen && (a & PrefixTable.mask32(l)) == V4_KEY[i]) {
                    best = i;
                    bestLen = l;
                }
            }
            return best >= 0 && V4_SPECIAL[best];
        }
        for (int i = 0; i < V6_HI.length; i++) {
            int l = V6_LEN[i];
            if (l <= len && l > bestLen && (hi & PrefixTable.hiMask(l)) == V6_HI[i] && (lo & PrefixTable.loMask(l)) == V6_LO[i]) {
                best = i;
                bestLen = l;
            }
        }
        return best >= 0 && V6_SPECIAL[best];
    }
}
