package org.hubdns.cluster.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.hubdns.cluster.coverage.Cidr;
import org.hubdns.cluster.coverage.CoverageSet;
import org.hubdns.cluster.coverage.CoverageSetBuilder;
import org.junit.jupiter.api.Test;

/**
 * The placement's own longest-prefix table answers exactly as a {@link CoverageSet} with the same
 * prefixes does (match, matched length, the ECS floor of nested prefixes), on random prefixes of
 * every length in both families, IPv4-mapped clients included.
 */
class FeedPlacementTest {

    @Test
    void answersAsACoverageSetWithTheSamePrefixes() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        String[] sites = {"isb", "khi", "lhe", "pew"};
        FeedPlacement.Builder fb = FeedPlacement.builder();
        CoverageSetBuilder cb = new CoverageSetBuilder();
        for (int i = 0; i < 5_000; i++) {
            boolean v6 = r.nextInt(4) == 0;
            byte[] a = new byte[v6 ? 16 : 4];
            r.nextBytes(a);
            if (v6 && r.nextBoolean()) {
                a[0] = 0x24; // clustered, so prefixes nest
            } else if (!v6) {
                a[0] = (byte) (39 + r.nextInt(3));
            }
            int len = v6 ? r.nextInt(129) : r.nextInt(33);
            Cidr c = Cidr.of(a, len);
            String site = sites[r.nextInt(sites.length)];
            fb.add(c, List.of(site, "zzz"));
            cb.add(c, site);
        }
        fb.add(Cidr.parse("::ffff:40.0.0.0/104"), List.of("khi")); // a mapped prefix is the IPv4 prefix
        cb.add(Cidr.parse("::ffff:40.0.0.0/104"), "khi");
        FeedPlacement p = fb.build();
        CoverageSet set = cb.build();
        assertThat(p.size()).isEqualTo(set.size());
        for (int q = 0; q < 50_000; q++) {
            int kind = r.nextInt(3);
            byte[] a = new byte[kind == 0 ? 4 : 16];
            r.nextBytes(a);
            if (kind == 0) {
                a[0] = (byte) (39 + r.nextInt(3));
            } else if (kind == 1) {
                a[0] = 0x24;
            } else {
                java.util.Arrays.fill(a, 0, 10, (byte) 0);
                a[10] = (byte) 0xff;
                a[11] = (byte) 0xff;
                a[12] = (byte) (39 + r.nextInt(3));
            }
            String why = "seed " + seed + " " + Cidr.formatAddress(a);
            int m = p.match(a, a.length);
            int s = set.matchSiteIndex(a, a.length);
            assertThat(m < 0 ? null : p.sites(m)[0]).as(why).isEqualTo(s < 0 ? null : set.site(s));
            assertThat(p.matchPrefixLength(a, a.length)).as(why).isEqualTo(set.matchPrefixLength(a, a.length));
            int within = kind == 0 || kind == 2 ? r.nextInt(33) : r.nextInt(129);
            assertThat(p.longestWithin(a, a.length, within)).as(why + " within /" + within)
                    .isEqualTo(set.longestWithin(a, a.length, within));
        }
    }

    @Test
    void theLastOrderForAPrefixWinsAndOrdersAreShared() {
        FeedPlacement p = FeedPlacement.builder()
                .add(Cidr.parse("39.32.0.0/11"), List.of("isb"))
                .add(Cidr.parse("2400::/12"), List.of("khi", "isb"))
                .add(Cidr.parse("39.32.0.0/11"), List.of("khi", "isb"))
                .build();
        byte[] a = Cidr.parseAddress("39.40.0.1");
        byte[] b = Cidr.parseAddress("2400::1");
        assertThat(p.sites(p.match(a, 4))).containsExactly("khi", "isb");
        assertThat(p.match(a, 4)).isEqualTo(p.match(b, 16));
        assertThat(p.size()).isEqualTo(2);
        assertThat(FeedPlacement.EMPTY.match(a, 4)).isEqualTo(-1);
        assertThat(FeedPlacement.EMPTY.evidence(a, 4)).isNull();
        assertThatThrownBy(() -> p.match(a, 5)).isInstanceOf(IllegalArgumentException.class);
    }
}
