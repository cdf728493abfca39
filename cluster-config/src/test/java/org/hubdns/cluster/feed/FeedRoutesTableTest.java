package org.hubdns.cluster.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.hubdns.cluster.coverage.Cidr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A feed's route table as the readers drive it through {@link RouteSink}: rows of operations and
 * the routes left, as {@code session prefix#pathId announcer first..origin/length}. Rows: implicit
 * withdraw, withdraw, session down, ADD-PATH paths counted apart, clear, the same prefix from
 * several sessions, and the statistics.
 */
class FeedRoutesTableTest {

    record Case(String name, Consumer<FeedRoutes> ops, List<String> routes) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Consumer<FeedRoutes> ann(String session, String prefix, long pathId, long as, String address, long... path) {
        Cidr c = Cidr.parse(prefix);
        return r -> r.announce(session, c.address(), c.prefix(), pathId, as,
                address == null ? null : Cidr.parseAddress(address), path);
    }

    static Consumer<FeedRoutes> wd(String session, String prefix, long pathId) {
        Cidr c = Cidr.parse(prefix);
        return r -> r.withdraw(session, c.address(), c.prefix(), pathId);
    }

    static Consumer<FeedRoutes> down(String session) {
        return r -> r.sessionDown(session);
    }

    @SafeVarargs
    static Case row(String name, List<String> routes, Consumer<FeedRoutes>... ops) {
        return new Case(name, r -> Arrays.stream(ops).forEach(o -> o.accept(r)), routes);
    }

    static List<String> dump(FeedRoutes r) {
        List<String> out = new ArrayList<>();
        r.forEach((s, prefix, len, pathId, as, addr, first, origin, pathLen) -> out.add(s + " "
                + Cidr.of(prefix, len) + "#" + pathId + " AS" + as + "/" + (addr == null ? "-" : Cidr.formatAddress(addr))
                + " " + first + ".." + origin + "/" + pathLen));
        out.sort(null);
        return out;
    }

    static Stream<Case> rows() {
        return Stream.of(
                row("an announcement is kept", List.of("rs1 10.1.0.0/16#0 AS17557/192.0.2.1 17557..17557/1"),
                        ann("rs1", "10.1.0.0/16", 0, 17557, "192.0.2.1", 17557)),
                row("a second announcement of the same prefix and path id replaces the first (implicit withdraw)",
                        List.of("rs1 10.1.0.0/16#0 AS9541/192.0.2.2 9541..45595/2"),
                        ann("rs1", "10.1.0.0/16", 0, 17557, "192.0.2.1", 17557),
                        ann("rs1", "10.1.0.0/16", 0, 9541, "192.0.2.2", 9541, 45595)),
                row("ADD-PATH: another path id is another route",
                        List.of("rs1 10.1.0.0/16#1 AS17557/192.0.2.1 17557..17557/1",
                                "rs1 10.1.0.0/16#2 AS9541/192.0.2.2 9541..45595/2"),
                        ann("rs1", "10.1.0.0/16", 1, 17557, "192.0.2.1", 17557),
                        ann("rs1", "10.1.0.0/16", 2, 9541, "192.0.2.2", 9541, 45595)),
                row("the same prefix from two sessions: two routes",
                        List.of("rs1 10.1.0.0/16#0 AS17557/192.0.2.1 17557..17557/1",
                                "rs2 10.1.0.0/16#0 AS17557/192.0.2.1 17557..17557/1"),
                        ann("rs1", "10.1.0.0/16", 0, 17557, "192.0.2.1", 17557),
                        ann("rs2", "10.1.0.0/16", 0, 17557, "192.0.2.1", 17557)),
                row("withdraw removes the session's route with that path id only",
                        List.of("rs1 10.1.0.0/16#2 AS9541/192.0.2.2 9541..9541/1",
                                "rs2 10.1.0.0/16#1 AS9541/192.0.2.2 9541..9541/1"),
                        ann("rs1", "10.1.0.0/16", 1, 9541, "192.0.2.2", 9541),
                        ann("rs1", "10.1.0.0/16", 2, 9541, "192.0.2.2", 9541),
                        ann("rs2", "10.1.0.0/16", 1, 9541, "192.0.2.2", 9541),
                        wd("rs1", "10.1.0.0/16", 1)),
                row("withdrawing what is not there changes nothing",
                        List.of("rs1 10.1.0.0/16#0 AS9541/192.0.2.2 9541..9541/1"),
                        ann("rs1", "10.1.0.0/16", 0, 9541, "192.0.2.2", 9541),
                        wd("rs1", "10.2.0.0/16", 0), wd("rs9", "10.1.0.0/16", 0), wd("rs1", "10.1.0.0/16", 7)),
                row("session down removes every route heard on it, and only those",
                        List.of("rs2 2001:db8::/32#0 AS9541/2001:db8::2 9541..9541/1"),
                        ann("rs1", "10.1.0.0/16", 0, 17557, "192.0.2.1", 17557),
                        ann("rs1", "10.2.0.0/16", 3, 17557, "192.0.2.1", 17557),
                        ann("rs1", "2001:db8::/32", 0, 17557, "192.0.2.1", 17557),
                        ann("rs2", "2001:db8::/32", 0, 9541, "2001:db8::2", 9541),
                        down("rs1")),
                row("a route may come back after session down",
                        List.of("rs1 10.1.0.0/16#0 AS17557/192.0.2.1 17557..17557/1"),
                        ann("rs1", "10.1.0.0/16", 0, 17557, "192.0.2.1", 17557), down("rs1"),
                        ann("rs1", "10.1.0.0/16", 0, 17557, "192.0.2.1", 17557)),
                row("clear forgets everything", List.of(),
                        ann("rs1", "10.1.0.0/16", 0, 17557, "192.0.2.1", 17557), FeedRoutes::clear),
                row("an empty AS path: the announcer originated it",
                        List.of("rs1 10.1.0.0/16#0 AS64500/192.0.2.9 0..64500/0"),
                        ann("rs1", "10.1.0.0/16", 0, 64500, "192.0.2.9")),
                row("no announcer address, 4-byte ASes and prepending",
                        List.of("rs1 10.1.0.0/16#4294967295 AS4200000001/- 4200000001..4294967294/4"),
                        ann("rs1", "10.1.0.0/16", 0xFFFF_FFFFL, 4_200_000_001L, null,
                                4_200_000_001L, 4_200_000_001L, 64512, 4_294_967_294L)),
                row("an IPv4-mapped announcer address is its IPv4 address",
                        List.of("rs1 10.1.0.0/16#0 AS1/192.0.2.1 1..1/1"),
                        ann("rs1", "10.1.0.0/16", 0, 1, "::ffff:192.0.2.1", 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void routes(Case c) {
        FeedRoutes r = new FeedRoutes();
        c.ops.accept(r);
        assertThat(dump(r)).isEqualTo(c.routes);
        assertThat(r.size()).isEqualTo(c.routes.size());
        assertThat(dump(r.copy())).as("a copy holds the same routes").isEqualTo(c.routes);
    }

    @Test
    void statisticsCountRoutesPerFamilyAndPerAnnouncer() {
        FeedRoutes r = new FeedRoutes();
        Stream.of(ann("rs1", "10.1.0.0/16", 0, 17557, "192.0.2.1", 17557),
                ann("rs1", "10.2.0.0/16", 0, 17557, "192.0.2.1", 17557),
                ann("rs1", "2001:db8::/32", 0, 17557, "192.0.2.1", 17557),
                ann("rs2", "10.1.0.0/16", 0, 9541, "192.0.2.2", 9541),
                ann("rs2", "10.3.0.0/16", 0, 9541, null, 9541),
                ann("rs2", "10.4.0.0/16", 0, 64500, "192.0.2.3", 64500),
                wd("rs2", "10.4.0.0/16", 0)).forEach(o -> o.accept(r));
        assertThat(r.ipv4Routes()).isEqualTo(4);
        assertThat(r.ipv6Routes()).isEqualTo(1);
        assertThat(r.prefixes()).isEqualTo(4);
        assertThat(r.peers()).containsExactly(
                new FeedRoutes.Peer(9541, null, 1),
                new FeedRoutes.Peer(9541, "192.0.2.2", 1),
                new FeedRoutes.Peer(17557, "192.0.2.1", 3));
        assertThat(r.peers().get(2).key()).isEqualTo("AS17557");
    }

    @Test
    void changesMoveWithChangesOnly() {
        FeedRoutes r = new FeedRoutes();
        Consumer<FeedRoutes> a = ann("rs1", "10.1.0.0/16", 0, 17557, "192.0.2.1", 17557);
        a.accept(r);
        long after = r.changes();
        a.accept(r);
        wd("rs1", "10.9.0.0/16", 0).accept(r);
        down("rs9").accept(r);
        assertThat(r.changes()).as("a repeat, a withdraw of nothing, an unknown session down").isEqualTo(after);
        ann("rs1", "10.1.0.0/16", 0, 17557, "192.0.2.1", 17557, 17557).accept(r);
        assertThat(r.changes()).as("a new path").isGreaterThan(after);
        after = r.changes();
        down("rs1").accept(r);
        assertThat(r.changes()).isGreaterThan(after);
    }

    @Test
    void putReloadsWhatForEachStreamsOut() {
        FeedRoutes r = new FeedRoutes();
        ann("rs1", "10.1.0.0/16", 5, 17557, "192.0.2.1", 17557, 3356, 45595).accept(r);
        ann("rs1", "2400::/12", 0, 9541, "2001:db8::2", 9541).accept(r);
        FeedRoutes back = new FeedRoutes();
        r.forEach(back::put);
        assertThat(dump(back)).isEqualTo(dump(r));
    }

    /** Many changes to few prefixes: compaction keeps the table small and the routes right. */
    @Test
    void churnIsCompactedAway() {
        FeedRoutes r = new FeedRoutes();
        byte[] p = new byte[4];
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < 20_000; i++) {
                p[0] = 20;
                p[1] = (byte) (i >>> 8);
                p[2] = (byte) i;
                r.announce("rs" + (i % 3), p, 24, 0, 100 + round, null, new long[] {100 + round, i});
                if (i % 2 == 0) {
                    r.withdraw("rs" + (i % 3), p, 24, 0);
                }
            }
        }
        assertThat(r.size()).isEqualTo(10_000);
        List<String> routes = dump(r);
        assertThat(routes).hasSize(10_000).allMatch(s -> s.contains(" AS149/- 149.."));
        assertThat(r.estimatedBytes()).isLessThan(3_000_000);
    }
}
