package org.hubdns.cluster.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.hubdns.cluster.coverage.Cidr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * From feeds' routes to the placement steering reads: rows of feeds (peers map, routes, stale or
 * not) and the sites the placement gives for client addresses. Rows: peers by AS and by address,
 * unmapped peers and unknown sites, each ignore rule (too long, too short, default, bogon), the
 * order of sites (origin = announcer first, then AS-path length, then name; a site once), the
 * longest prefix, several feeds, a stale feed. Then the evidence explain shows.
 */
class FeedPlacementsTableTest {

    static final Set<String> SITES = Set.of("isb", "khi", "lhe");
    static final Map<String, String> PEERS = Map.of("AS17557", "isb", "AS9541", "khi", "AS38193", "lhe",
            "192.0.2.7", "lhe", "AS64999", "nowhere", "10.0.0.1", "khi");

    /** A feed under construction: config and routes. */
    static final class F {
        final String name;
        Map<String, String> peers = PEERS;
        int max4 = 24;
        int max6 = 48;
        boolean stale;
        final FeedRoutes routes = new FeedRoutes();

        F(String name) {
            this.name = name;
        }

        /** A route on session "rs" from announcer {@code as} (address 192.0.2.{as % 250}) with {@code path}. */
        F route(String prefix, long as, long... path) {
            return routeVia(prefix, as, "198.51.100." + (as % 250), path);
        }

        F routeVia(String prefix, long as, String address, long... path) {
            Cidr c = Cidr.parse(prefix);
            routes.announce("rs", c.address(), c.prefix(), routes.size(), as, Cidr.parseAddress(address), path);
            return this;
        }

        F max(int v4, int v6) {
            max4 = v4;
            max6 = v6;
            return this;
        }

        F stale() {
            stale = true;
            return this;
        }

        F peers(Map<String, String> p) {
            peers = p;
            return this;
        }

        FeedPlacements.Feed feed() {
            return new FeedPlacements.Feed(new CoverageFeed(name, peers, max4, max6, 900), routes, stale);
        }
    }

    static F feed(String name) {
        return new F(name);
    }

    /** address, then the expected sites ("-" for not placed), then "/len" for the matched prefix length. */
    record Row(String name, List<F> feeds, List<String[]> expect) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Row row(String name, List<F> feeds, String... expect) {
        List<String[]> e = new ArrayList<>();
        for (String x : expect) {
            e.add(x.split(" "));
        }
        return new Row(name, feeds, e);
    }

    static Stream<Row> rows() {
        return Stream.of(
                row("a peer by AS places its prefix at its site",
                        List.of(feed("a").route("39.32.0.0/11", 17557, 17557)),
                        "39.40.1.2 isb /11", "39.64.0.1 -"),
                row("a peer by address wins over its AS",
                        List.of(feed("a").routeVia("39.32.0.0/11", 17557, "192.0.2.7", 17557)),
                        "39.40.1.2 lhe /11"),
                row("a next hop in special address space still maps by address",
                        List.of(feed("a").routeVia("39.32.0.0/11", 64501, "10.0.0.1", 64501)),
                        "39.40.1.2 khi /11"),
                row("a peer not in the map places nobody",
                        List.of(feed("a").route("39.32.0.0/11", 64500, 64500)),
                        "39.40.1.2 -"),
                row("a peer mapped to a site the registry does not have places nobody",
                        List.of(feed("a").route("39.32.0.0/11", 64999, 64999)),
                        "39.40.1.2 -"),
                row("longer than maxPrefixV4/V6: ignored, the shorter route places",
                        List.of(feed("a").route("39.32.0.0/24", 17557, 17557).route("39.32.0.0/25", 9541, 9541)
                                .route("39.32.0.0/16", 38193, 38193)
                                .route("2400:1000::/48", 17557, 17557).route("2400:1000::/49", 9541, 9541)),
                        "39.32.0.1 isb /24", "39.32.1.1 lhe /16", "2400:1000::1 isb /48"),
                row("a lower maxPrefixV4 of the feed",
                        List.of(feed("a").max(22, 40).route("39.32.0.0/23", 17557, 17557)
                                .route("2400:1000::/41", 17557, 17557).route("2400:1000::/40", 9541, 9541)),
                        "39.32.0.1 -", "2400:1000::1 khi /40"),
                row("shorter than /8 (IPv4) or /16 (IPv6): ignored",
                        List.of(feed("a").route("38.0.0.0/7", 17557, 17557).route("44.0.0.0/8", 9541, 9541)
                                .route("2400::/15", 17557, 17557).route("2600::/16", 9541, 9541)),
                        "38.1.1.1 -", "44.1.1.1 khi /8", "2400::1 -", "2600::1 khi /16"),
                row("default routes: ignored",
                        List.of(feed("a").route("0.0.0.0/0", 17557, 17557).route("::/0", 17557, 17557)),
                        "39.1.1.1 -", "2400::1 -"),
                row("bogon prefixes: ignored",
                        List.of(feed("a").route("10.1.0.0/16", 17557, 17557).route("192.168.1.0/24", 17557, 17557)
                                .route("192.0.2.0/24", 17557, 17557).route("100.64.1.0/24", 17557, 17557)
                                .route("172.16.0.0/12", 17557, 17557).route("224.0.0.0/8", 17557, 17557)
                                .route("2001:db8:1::/48", 17557, 17557).route("fc00::/16", 17557, 17557)
                                .route("2002::/16", 17557, 17557).route("2400:cb00::/32", 9541, 9541)),
                        "10.1.2.3 -", "192.168.1.1 -", "192.0.2.1 -", "100.64.1.1 -", "172.16.1.1 -", "224.0.0.1 -",
                        "2001:db8:1::1 -", "fc00::1 -", "2002::1 -", "2400:cb00::1 khi /32"),
                row("several sites: shorter AS path first",
                        List.of(feed("a").route("39.32.0.0/11", 17557, 17557, 3356, 45595)
                                .route("39.32.0.0/11", 9541, 9541, 45595)),
                        "39.40.1.2 khi,isb /11"),
                row("the announcer's own prefix first, even with a longer (prepended) path",
                        List.of(feed("a").route("39.32.0.0/11", 9541, 9541, 45595)
                                .route("39.32.0.0/11", 17557, 17557, 17557, 17557)),
                        "39.40.1.2 isb,khi /11"),
                row("equal rank: by site name",
                        List.of(feed("a").route("39.32.0.0/11", 38193, 38193)
                                .route("39.32.0.0/11", 9541, 9541).route("39.32.0.0/11", 17557, 17557)),
                        "39.40.1.2 isb,khi,lhe /11"),
                row("a site announced twice keeps its best route",
                        List.of(feed("a").route("39.32.0.0/11", 17557, 17557, 1, 2, 3)
                                .route("39.32.0.0/11", 9541, 9541, 45595)
                                .routeVia("39.32.0.0/11", 17557, "192.0.2.8", 17557)),
                        "39.40.1.2 isb,khi /11"),
                row("unmapped and mapped announcers of one prefix: only the mapped place",
                        List.of(feed("a").route("39.32.0.0/11", 64500, 64500).route("39.32.0.0/11", 9541, 9541, 3)),
                        "39.40.1.2 khi /11"),
                row("the longest prefix wins",
                        List.of(feed("a").route("39.32.0.0/11", 17557, 17557).route("39.40.0.0/16", 9541, 9541, 1)),
                        "39.40.1.2 khi /16", "39.41.1.2 isb /11"),
                row("the longest prefix over all feeds",
                        List.of(feed("a").route("39.32.0.0/11", 17557, 17557),
                                feed("b").route("39.40.0.0/16", 9541, 9541, 1)),
                        "39.40.1.2 khi /16", "39.41.1.2 isb /11"),
                row("the same prefix in two feeds: their sites merged in rank order",
                        List.of(feed("a").route("39.32.0.0/11", 17557, 17557, 1, 2),
                                feed("b").route("39.32.0.0/11", 9541, 9541).route("39.32.0.0/11", 38193, 38193, 4, 5, 6),
                                feed("c").route("39.32.0.0/11", 17557, 17557)),
                        "39.40.1.2 isb,khi,lhe /11"),
                row("a prefix too long for one feed still places through another",
                        List.of(feed("a").max(16, 48).route("39.32.0.0/20", 17557, 17557),
                                feed("b").route("39.32.0.0/20", 9541, 9541)),
                        "39.32.1.1 khi /20"),
                row("a feed with its own peers map",
                        List.of(feed("a").route("39.32.0.0/11", 17557, 17557),
                                feed("b").peers(Map.of("AS17557", "lhe")).route("39.40.0.0/16", 17557, 17557)),
                        "39.40.1.2 lhe /16", "39.41.1.2 isb /11"),
                row("a stale feed is left out",
                        List.of(feed("a").route("39.32.0.0/11", 17557, 17557),
                                feed("b").stale().route("39.40.0.0/16", 9541, 9541)),
                        "39.40.1.2 isb /11"),
                row("IPv6, and IPv4-mapped clients match IPv4 routes",
                        List.of(feed("a").route("2400:1000::/32", 17557, 17557).route("39.32.0.0/11", 9541, 9541)),
                        "2400:1000:1::1 isb /32", "::ffff:39.40.1.2 khi /11", "2400:2000::1 -"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void places(Row row) {
        FeedPlacement placement = FeedPlacements.build(row.feeds.stream().map(F::feed).toList(), SITES);
        for (String[] e : row.expect) {
            byte[] a = Cidr.parseAddress(e[0]);
            int i = placement.match(a, a.length);
            if (e[1].equals("-")) {
                assertThat(i).as(e[0] + " is not placed").isEqualTo(-1);
                assertThat(placement.evidence(a, a.length)).as(e[0]).isNull();
                continue;
            }
            assertThat(i).as(e[0] + " is placed").isGreaterThanOrEqualTo(0);
            assertThat(String.join(",", placement.sites(i))).as(e[0]).isEqualTo(e[1]);
            assertThat("/" + placement.matchPrefixLength(a, a.length)).as(e[0]).isEqualTo(e[2]);
            assertThat(placement.evidence(a, a.length).sites()).as(e[0]).containsExactly(e[1].split(","));
        }
    }

    @Test
    void noFeedsNoSitesOrOnlyStaleFeedsPlaceNobody() {
        F a = feed("a").route("39.32.0.0/11", 17557, 17557);
        assertThat(FeedPlacements.build(List.of(), SITES).isEmpty()).isTrue();
        assertThat(FeedPlacements.build(List.of(a.feed()), Set.of()).isEmpty()).isTrue();
        assertThat(FeedPlacements.build(List.of(a.stale().feed()), SITES).isEmpty()).isTrue();
    }

    @Test
    void evidenceNamesTheFeedPrefixBestRouteAndSiteOrder() {
        F a = feed("pk-rs").route("39.32.0.0/11", 9541, 9541, 45595)
                .routeVia("39.32.0.0/11", 17557, "192.0.2.9", 17557, 17557);
        F b = feed("pk-rs2").routeVia("39.32.0.0/11", 38193, "2001:db8::7", 38193, 4, 5);
        FeedPlacement placement = FeedPlacements.build(List.of(a.feed(), b.feed()), SITES);
        byte[] client = Cidr.parseAddress("39.40.1.2");
        FeedPlacement.Evidence e = placement.evidence(client, 4);
        assertThat(e).isEqualTo(new FeedPlacement.Evidence("pk-rs", "39.32.0.0/11", 17557, "192.0.2.9",
                List.of(17557L, 17557L), List.of("isb", "khi", "lhe")));

        // a better route learnt after the build, the best one withdrawn: explain shows the routes as they are now
        b.routeVia("39.32.0.0/11", 38193, "2001:db8::7", 38193);
        Cidr c = Cidr.parse("39.32.0.0/11");
        a.routes.withdraw("rs", c.address(), c.prefix(), 1);
        assertThat(placement.evidence(client, 4).feed()).isEqualTo("pk-rs2");
        assertThat(placement.evidence(client, 4).announcerAddress()).isEqualTo("2001:db8::7");
        assertThat(placement.evidence(Cidr.parseAddress("8.8.8.8"), 4)).isNull();
    }

    @Test
    void thePlacementDoesNotChangeWithTheRoutes() {
        F a = feed("a").route("39.32.0.0/11", 17557, 17557);
        FeedPlacement placement = FeedPlacements.build(List.of(a.feed()), SITES);
        a.routes.clear();
        byte[] client = Cidr.parseAddress("39.40.1.2");
        assertThat(placement.sites(placement.match(client, 4))).containsExactly("isb");
        assertThat(placement.evidence(client, 4)).as("the routes are gone: no evidence").isNull();
        assertThat(Arrays.asList(placement.sites(placement.match(client, 4)))).containsExactly("isb");
    }
}
