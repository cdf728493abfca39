package org.hubdns.cluster.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A synthetic route server view, loaded the way a table dump arrives (grouped by prefix, every peer's
 * route for a prefix in a row), then the placement built from it and a batch of live updates. Prints
 * heap (live, after GC), and the CPU time of load, build and update; asserts correctness on a sample, never time.
 *
 * <p>In the suite it is small (2 peers, 60,000 prefixes). The scale (20 peers with a full
 * table each, about 24 M routes) runs by hand:
 * <pre>
 * mvn -B -q -pl cluster-config test -Dtest=FeedScaleTest -Dfeed.scale.peers=20 \
 *     -Dfeed.scale.v4=1000000 -Dfeed.scale.v6=200000
 * </pre>
 * The data: prefix i (a distinct /24, or /48 for IPv6, a seventh of them a /22 or /40) belongs to
 * one of 75,000 origin ASes, or (one in 40) to one of the peers; peer k reaches origin o over a path
 * of 2-6 ASes that depends on (k, o), its own prefixes over 1, and one prefix in ten is prepended
 * once more. The 20 peers are members at 5 sites.
 */
class FeedScaleTest {
    static final int PEERS = Integer.getInteger("feed.scale.peers", 2);
    static final int V4 = Integer.getInteger("feed.scale.v4", 50_000);
    static final int V6 = Integer.getInteger("feed.scale.v6", 10_000);
    static final int ORIGINS = 75_000;
    /** A live batch (beyond an eighth of the prefixes the updater builds in full: keep the small run a patch). */
    static final int UPDATES = Math.min(10_000, (V4 + V6) / 20);
    static final String[] SITES = {"isb", "khi", "lhe", "pew", "qta"};
    static final int MUL = 0x9E3779 | 1;

    static long peerAs(int k) {
        return 17_000 + 13L * k;
    }

    /** One prefix in 40 is a peer's own; the rest belong to 75,000 other origins. */
    static long origin(int i) {
        return i % 40 == 0 ? peerAs(i / 40 % PEERS) : 100_000 + Math.floorMod(FeedRoutes.mix(i * 31 + 7), ORIGINS);
    }

    /** Peer k's path to prefix i: 1 to its own, else 2 to 6; one prefix in ten prepended once more. */
    static int pathLength(int k, long origin, int i) {
        int n = origin == peerAs(k) ? 1 : 2 + Math.floorMod(FeedRoutes.mix(k * 1_000_003 + (int) origin), 5);
        return n + (i % 10 == 3 ? 1 : 0);
    }

    static void prefix(int i, boolean v6, byte[] out) {
        if (!v6) {
            int net = ((i * MUL) & 0xFFFFFF) ^ 0x5A5A5A;
            int len = i % 7 == 0 ? 22 : 24;
            int a = (net << 8) & (-1 << (32 - len));
            FeedRoutes.write(out, Integer.toUnsignedLong(a), 0);
        } else {
            long hi = 0x2400_0000_0000_0000L | ((long) ((i * MUL) & 0xFFFFFF) << 24);
            FeedRoutes.write(out, hi, 0);
        }
    }

    static int prefixLength(int i, boolean v6) {
        return v6 ? (i % 7 == 0 ? 40 : 48) : (i % 7 == 0 ? 22 : 24);
    }

    /**
     * This thread's CPU time: the build machine is shared, and wall time there measures the
     * neighbours. GC threads are not counted (the figures are heap-light).
     */
    static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    /** Loads the view: every prefix, every peer's route for it in a row (the order of an MRT RIB record). */
    static void load(FeedRoutes routes, long[][] paths) {
        byte[] p4 = new byte[4];
        byte[] p6 = new byte[16];
        byte[][] addr = new byte[PEERS][];
        String[] session = new String[PEERS];
        for (int k = 0; k < PEERS; k++) {
            addr[k] = new byte[] {(byte) 192, 0, 2, (byte) (k + 1)};
            session[k] = "peer-" + k;
        }
        for (int i = 0; i < V4 + V6; i++) {
            boolean v6 = i >= V4;
            int j = v6 ? i - V4 : i;
            byte[] p = v6 ? p6 : p4;
            prefix(j, v6, p);
            int len = prefixLength(j, v6);
            long o = origin(i);
            for (int k = 0; k < PEERS; k++) {
                int n = pathLength(k, o, i);
                long[] path = paths[n];
                path[0] = peerAs(k);
                for (int x = 1; x < n - 1; x++) {
                    path[x] = o == peerAs(k) ? o : 3356 + x;
                }
                path[n - 1] = o;
                routes.announce(session[k], p, len, 0, peerAs(k), addr[k], path);
            }
        }
    }

    @Test
    void fullTablesFromManyPeers() {
        long[][] paths = new long[8][];
        for (int n = 0; n < paths.length; n++) {
            paths[n] = new long[n];
        }
        Map<String, String> peers = new HashMap<>();
        for (int k = 0; k < PEERS; k++) {
            peers.put("AS" + peerAs(k), SITES[k % SITES.length]);
        }
        CoverageFeed config = new CoverageFeed("scale", peers, 24, 48, 900);

        long before = usedAfterGc();
        FeedRoutes routes = new FeedRoutes();
        long t0 = cpu();
        load(routes, paths);
        long t1 = cpu();
        long untrimmed = usedAfterGc() - before;
        long tt = cpu();
        routes.trim(); // what the store does after a dump
        long trimMs = (cpu() - tt) / 1_000_000;
        long heap = usedAfterGc() - before;
        int n = routes.size();
        assertThat(n).isEqualTo(PEERS * (V4 + V6) - 0); // distinct prefixes: every route kept
        assertThat(routes.ipv6Routes()).isEqualTo(PEERS * V6);

        List<FeedPlacements.Feed> feeds = List.of(new FeedPlacements.Feed(config, routes, false));
        Set<String> sites = Set.of(SITES);
        FeedPlacements.build(feeds, sites); // warm-up
        long t2 = cpu();
        FeedPlacement placement = FeedPlacements.build(feeds, sites);
        long t3 = cpu();
        long withPlacement = usedAfterGc() - before;
        FeedPlacements.Updater updater = new FeedPlacements.Updater();
        updater.update(feeds, sites); // the first update builds in full

        // a live batch: UPDATES changes (half new paths, half withdrawals), then a rebuild and a patch
        byte[] p4 = new byte[4];
        long t4 = cpu();
        for (int u = 0; u < UPDATES; u++) {
            int i = (u * 7919) % V4;
            prefix(i, false, p4);
            int k = u % PEERS;
            if (u % 2 == 0) {
                routes.announce("peer-" + k, p4, prefixLength(i, false), 0, peerAs(k),
                        new byte[] {(byte) 192, 0, 2, (byte) (k + 1)}, new long[] {peerAs(k), 1, 2, origin(i)});
            } else {
                routes.withdraw("peer-" + k, p4, prefixLength(i, false), 0);
            }
        }
        long t5 = cpu();
        FeedPlacement after = FeedPlacements.build(feeds, sites);
        long t6 = cpu();
        FeedPlacement patched = updater.update(feeds, sites);
        long t7 = cpu();
        assertThat(updater.counts()).containsExactly(1, 1);
        assertThat(patched.size()).isEqualTo(after.size());
        for (int u = 0; u < UPDATES; u += 7) {
            prefix((u * 7919) % V4, false, p4);
            int m = patched.match(p4, 4);
            int full = after.match(p4, 4);
            assertThat(m < 0 ? null : List.of(patched.sites(m))).isEqualTo(full < 0 ? null : List.of(after.sites(full)));
        }

        // spot checks against the generator: the sites of a prefix in rank order
        byte[] a = new byte[4];
        for (int i = 1; i < V4; i += Math.max(1, V4 / 1000)) {
            prefix(i, false, a);
            if (FeedRoutes.isBogonAddress(a) || (i * 7919) % V4 == i) {
                continue;
            }
            int m = placement.match(a, 4);
            assertThat(m).as("prefix %d", i).isGreaterThanOrEqualTo(0);
            assertThat(placement.sites(m)).as("prefix %d", i).containsExactly(expectedSites(i));
        }
        System.out.printf("feed scale: %d peers, %,d routes (%,d v4 + %,d v6) on %,d prefixes: load %,d ms "
                        + "(%.0f routes/s), heap %.1f MB, trimmed in %,d ms to %.1f MB (%.2f B/route; estimate %.1f MB); "
                        + "placement of %,d prefixes "
                        + "in %,d ms, heap with it %.1f MB; %,d updates %,d ms, then a full build %,d ms or a patch %,d ms%n",
                PEERS, n, routes.ipv4Routes(), routes.ipv6Routes(), routes.prefixes(), (t1 - t0) / 1_000_000,
                n / ((t1 - t0) / 1e9), untrimmed / 1e6, trimMs, heap / 1e6, (double) heap / n, routes.estimatedBytes() / 1e6,
                placement.size(), (t3 - t2) / 1_000_000, withPlacement / 1e6, UPDATES, (t5 - t4) / 1_000_000,
                (t6 - t5) / 1_000_000, (t7 - t6) / 1_000_000);
        assertThat(after.size()).isGreaterThan(0);
    }

    /** The generator's site order for v4 prefix i: own-origin routes first, then path length, then name. */
    static String[] expectedSites(int i) {
        long o = origin(i);
        Map<String, Integer> best = new HashMap<>();
        for (int k = 0; k < PEERS; k++) {
            int len = pathLength(k, o, i);
            int rank = (o == peerAs(k) ? 0 : 1 << 24) | len << 16;
            best.merge(SITES[k % SITES.length], rank, Math::min);
        }
        List<String> s = new ArrayList<>(best.keySet());
        s.sort((x, y) -> best.get(x).equals(best.get(y)) ? x.compareTo(y) : Integer.compare(best.get(x), best.get(y)));
        return s.toArray(String[]::new);
    }
}
