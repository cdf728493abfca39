package org.hubdns.cluster.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.hubdns.cluster.coverage.Cidr;
import org.junit.jupiter.api.Test;

/**
 * The updater's patched placements answer exactly as a placement built from scratch, through
 * random batches of announcements, withdrawals, sessions going down, clears, a feed turning stale
 * and back, and a changed peers map; and most updates are patches.
 */
class FeedPlacementsUpdaterTest {

    static final Set<String> SITES = Set.of("isb", "khi", "lhe");
    static final Map<String, String> PEERS = Map.of("AS100", "isb", "AS200", "khi", "AS300", "lhe", "AS400", "isb",
            "198.51.100.5", "khi");

    @Test
    void patchesAnswerAsFullBuilds() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        List<Cidr> prefixes = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            boolean v6 = r.nextInt(4) == 0;
            byte[] a = new byte[v6 ? 16 : 4];
            r.nextBytes(a);
            a[0] = v6 ? 0x24 : (byte) 39;
            a[1] = (byte) r.nextInt(4);
            prefixes.add(Cidr.of(a, v6 ? 16 + r.nextInt(40) : 8 + r.nextInt(20)));
        }
        FeedRoutes[] routes = {new FeedRoutes(), new FeedRoutes(), new FeedRoutes()};
        CoverageFeed[] configs = new CoverageFeed[3];
        boolean[] stale = new boolean[3];
        for (int f = 0; f < 3; f++) {
            configs[f] = new CoverageFeed("f" + f, PEERS, 24, 48, 900);
        }
        FeedPlacements.Updater updater = new FeedPlacements.Updater();
        for (int batch = 0; batch < 400; batch++) {
            int ops = 1 + r.nextInt(r.nextInt(10) == 0 ? 300 : 20);
            for (int o = 0; o < ops; o++) {
                FeedRoutes t = routes[r.nextInt(3)];
                Cidr c = prefixes.get(r.nextInt(prefixes.size()));
                String session = "s" + r.nextInt(3);
                int x = r.nextInt(100);
                if (x < 60) {
                    long as = 100 * (1 + r.nextInt(5));
                    long[] path = new long[1 + r.nextInt(4)];
                    path[0] = as;
                    for (int k = 1; k < path.length; k++) {
                        path[k] = r.nextBoolean() ? as : 64_500 + r.nextInt(3);
                    }
                    byte[] addr = {(byte) 198, 51, 100, (byte) (1 + r.nextInt(6))};
                    t.announce(session, c.address(), c.prefix(), r.nextInt(2), as, addr, path);
                } else if (x < 95) {
                    t.withdraw(session, c.address(), c.prefix(), r.nextInt(2));
                } else if (x < 99) {
                    t.sessionDown(session);
                } else if (r.nextInt(4) == 0) {
                    t.clear();
                }
            }
            if (r.nextInt(40) == 0) {
                int f = r.nextInt(3);
                stale[f] = !stale[f];
            }
            if (r.nextInt(60) == 0) {
                configs[1] = new CoverageFeed("f1", r.nextBoolean() ? PEERS : Map.of("AS100", "lhe"), 24, 48, 900);
            }
            List<FeedPlacements.Feed> feeds = new ArrayList<>();
            for (int f = 0; f < 3; f++) {
                feeds.add(new FeedPlacements.Feed(configs[f], routes[f], stale[f]));
            }
            FeedPlacement patched = updater.update(feeds, SITES);
            FeedPlacement full = FeedPlacements.build(feeds, SITES);
            String why = "seed " + seed + " batch " + batch;
            assertThat(patched.size()).as(why).isEqualTo(full.size());
            for (Cidr c : prefixes) {
                byte[] a = c.address();
                for (int probe = 0; probe < 2; probe++) {
                    if (probe == 1) {
                        a[a.length - 1] ^= 1;
                    }
                    int m = patched.match(a, a.length);
                    int n = full.match(a, a.length);
                    assertThat(m < 0 ? null : Arrays.asList(patched.sites(m))).as(why + " " + c)
                            .isEqualTo(n < 0 ? null : Arrays.asList(full.sites(n)));
                    assertThat(patched.matchPrefixLength(a, a.length)).as(why + " " + c)
                            .isEqualTo(full.matchPrefixLength(a, a.length));
                }
            }
        }
        long[] counts = updater.counts();
        assertThat(counts[1]).as("patches (full builds %d)", counts[0]).isGreaterThan(counts[0]);
    }
}
