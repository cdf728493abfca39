package org.hubdns.steering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.Fallback;
import org.hubdns.cluster.model.Health;
import org.hubdns.cluster.model.HealthCheck;
import org.hubdns.cluster.model.NodeState;
import org.hubdns.cluster.model.Platform;
import org.hubdns.cluster.model.Site;
import org.hubdns.steering.Candidacy.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Why a node is (not) a candidate, as a table: the kind steering decides and the words explain, the
 * dashboard and the fallback log line show for it (the same words as before the verdict was typed).
 * In process, no socket.
 */
class CandidacyTest {
    private static final Map<String, Site> SITES = Map.of("isb", new Site("isb", "Islamabad", "PK", 33.72, 73.04));

    private static Platform platform(Boolean answerUnknown, Double spillAt) {
        return new Platform("p", List.of("p.example"), 30, 2, new Fallback("origin.example.", null), null,
                answerUnknown, spillAt, null, null);
    }

    private static CacheNode node(String id, String site, String admin, String... addresses) {
        return new CacheNode(id, "x", "p", site, List.of(addresses), 100, HealthCheck.NONE, admin);
    }

    static Stream<Arguments> cases() {
        String active = CacheNode.ACTIVE;
        String draining = CacheNode.DRAINING;
        return Stream.of(
                // site, admin, health, load, answerUnknown, spillAt: kind, verdict text, reason
                Arguments.of("isb", active, Health.UP, 0.0, null, null, Kind.IN, "in", "in"),
                Arguments.of("isb", active, Health.UP, 0.8, null, null, Kind.IN, "in", "in"),
                Arguments.of("isb", active, Health.UP, 0.9, null, null, Kind.SPILLING,
                        "in, spilling: load 0.9 above spillAt 0.8", "in, spilling: load 0.9 above spillAt 0.8"),
                Arguments.of("isb", active, Health.UP, 0.75, null, 0.5, Kind.SPILLING,
                        "in, spilling: load 0.75 above spillAt 0.5", "in, spilling: load 0.75 above spillAt 0.5"),
                Arguments.of("isb", active, Health.UP, 1.0, null, null, Kind.FULL, "out: load 1.0 (full)", "full"),
                Arguments.of("isb", active, Health.UP, 1.0, null, 1.0, Kind.FULL, "out: load 1.0 (full)", "full"),
                Arguments.of("isb", draining, Health.UP, 0.0, null, null, Kind.DRAINING, "out: draining",
                        "draining"),
                Arguments.of("isb", active, Health.DOWN, 0.0, null, null, Kind.DOWN, "out: health down",
                        "health down"),
                Arguments.of("isb", active, Health.DOWN, 0.0, true, null, Kind.DOWN, "out: health down",
                        "health down"),
                Arguments.of("isb", active, Health.UNKNOWN, 0.0, null, null, Kind.UNKNOWN,
                        "out: health unknown (answerUnknown is off)", "health unknown"),
                Arguments.of("isb", active, Health.UNKNOWN, 0.0, false, null, Kind.UNKNOWN,
                        "out: health unknown (answerUnknown is off)", "health unknown"),
                Arguments.of("isb", active, Health.UNKNOWN, 0.0, true, null, Kind.IN, "in", "in"),
                Arguments.of("nowhere", active, Health.UP, 0.0, null, null, Kind.NO_SITE,
                        "out: its site 'nowhere' does not exist", "no site"),
                // the first reason that applies wins: site, admin, health, load
                Arguments.of("nowhere", draining, Health.DOWN, 1.0, null, null, Kind.NO_SITE,
                        "out: its site 'nowhere' does not exist", "no site"),
                Arguments.of("isb", draining, Health.DOWN, 1.0, null, null, Kind.DRAINING, "out: draining",
                        "draining"),
                Arguments.of("isb", active, Health.DOWN, 1.0, null, null, Kind.DOWN, "out: health down",
                        "health down"),
                Arguments.of("isb", active, Health.UNKNOWN, 1.0, true, null, Kind.FULL, "out: load 1.0 (full)",
                        "full"));
    }

    @ParameterizedTest(name = "{0} {1} {2} load {3}: {7}")
    @MethodSource("cases")
    void kindAndWords(String site, String admin, Health health, double load, Boolean answerUnknown, Double spillAt,
            Kind kind, String text, String reason) {
        Candidacy c = PlatformSteering.candidacy(node("n1", site, admin, "10.0.0.1"), health, load,
                platform(answerUnknown, spillAt), SITES);
        assertThat(c.kind()).isEqualTo(kind);
        assertThat(c.text()).isEqualTo(text);
        assertThat(c.reason()).isEqualTo(reason);
        assertThat(c.kind().inAnswers()).isEqualTo(text.startsWith("in"));
        assertThat(c.load()).isEqualTo(load);
        assertThat(c.effectiveWeight()).isEqualTo(
                PlatformSteering.effectiveWeight(100, load, platform(answerUnknown, spillAt).effectiveSpillAt()));
    }

    @Test
    void aNodeWhoseAddressesAnotherAnswersIsOutAndTheOtherIn() {
        // a node without checks is up; a (stale) duplicate address goes to the first node by id
        PlatformSteering s = PlatformSteering.builder(platform(null, null)).sites(SITES)
                .nodes(List.of(node("b", "isb", CacheNode.ACTIVE, "10.0.0.1"), node("a", "isb", CacheNode.ACTIVE,
                        "10.0.0.1"), node("c", "isb", CacheNode.ACTIVE, "10.0.0.3")))
                .states(Map.of("c", new NodeState(Health.UP, 0.9, 0))).build();
        assertThat(s.statuses()).extracting(st -> st.id() + " " + st.candidacy().text() + " / "
                + st.candidacy().reason()).containsExactly(
                        "a in / in",
                        "b out: its addresses are answered for another node / its addresses are answered for "
                                + "another node",
                        "c in, spilling: load 0.9 above spillAt 0.8 / in, spilling: load 0.9 above spillAt 0.8");
        assertThat(s.statuses()).extracting(PlatformSteering.NodeStatus::inAnswers).containsExactly(true, false,
                true);
        assertThat(s.serving()).isTrue();
    }

    @Test
    void aPlatformWhoseNodesAreAllOutIsNotServing() {
        PlatformSteering s = PlatformSteering.builder(platform(null, null)).sites(SITES)
                .nodes(List.of(node("a", "isb", CacheNode.DRAINING, "10.0.0.1"), node("b", "gone", CacheNode.ACTIVE,
                        "10.0.0.2"))).build();
        assertThat(s.statuses()).extracting(st -> st.candidacy().kind()).containsExactly(Kind.NO_SITE,
                Kind.DRAINING); // sorted by site, then id
        assertThat(s.serving()).isFalse();
    }
}
