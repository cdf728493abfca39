package org.hubdns.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.hubdns.cluster.model.Health;
import org.hubdns.cluster.store.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The health vote and the rule for when a verdict counts, as tables: no cluster, no clock. */
class HealthVoteTest {
    private static final long NOW = 1_000_000_000_000L;
    private static final long WINDOW = HealthVote.windowNanos(1000); // 3 s for a node probed every second

    static Stream<Arguments> counting() {
        return Stream.of(
                // published, in cluster, own, last beat seen (ns before now; null: never), counts
                Arguments.of("a fresh peer's verdict", true, true, false, 1_000_000L, true),
                Arguments.of("a beat exactly 3 intervals old", true, true, false, WINDOW, true),
                Arguments.of("a beat older than 3 intervals", true, true, false, WINDOW + 1, false),
                Arguments.of("a peer never heard beating", true, true, false, null, false),
                Arguments.of("a peer that left the cluster", true, false, false, 0L, false),
                Arguments.of("no verdict published", false, true, false, 0L, false),
                Arguments.of("this member's own, without a beat", true, true, true, null, true),
                Arguments.of("this member's own, with a stale beat", true, true, true, WINDOW * 10, true),
                Arguments.of("this member's own, unpublished", false, true, true, 0L, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("counting")
    void whenAVerdictCounts(String what, boolean published, boolean inCluster, boolean own, Long beatAgo,
            boolean counts) {
        Long lastBeat = beatAgo == null ? null : NOW - beatAgo;
        assertThat(HealthVote.counts(published, inCluster, own, lastBeat, NOW, WINDOW)).as(what).isEqualTo(counts);
    }

    static Stream<Arguments> votes() {
        return Stream.of(
                // up, down, last health (null: none yet), outcome
                Arguments.of(0, 0, null, Health.UNKNOWN),
                Arguments.of(0, 0, Health.UP, Health.UNKNOWN), // no counting vote forgets the last health
                Arguments.of(0, 0, Health.DOWN, Health.UNKNOWN),
                Arguments.of(1, 0, null, Health.UP),
                Arguments.of(0, 1, null, Health.DOWN),
                Arguments.of(2, 1, Health.DOWN, Health.UP),
                Arguments.of(1, 2, Health.UP, Health.DOWN),
                Arguments.of(3, 0, Health.UNKNOWN, Health.UP),
                Arguments.of(1, 1, Health.UP, Health.UP), // a tie keeps the last
                Arguments.of(1, 1, Health.DOWN, Health.DOWN),
                Arguments.of(2, 2, Health.UNKNOWN, Health.UNKNOWN),
                Arguments.of(1, 1, null, Health.UNKNOWN)); // a tie with nothing to keep
    }

    @ParameterizedTest(name = "{0} up, {1} down, last {2}: {3}")
    @MethodSource("votes")
    void theMajorityOfTheCountingVerdicts(int up, int down, Health last, Health outcome) {
        assertThat(HealthVote.outcome(up, down, last)).isEqualTo(outcome);
    }

    @Test
    void theWindowIsThreeIntervals() {
        assertThat(HealthVote.windowNanos(2000)).isEqualTo(6_000_000_000L);
    }

    @Test
    void healthIsStoredAndRenderedAsTheLowerCaseWord() {
        Verdict v = new Verdict("n1", "m1", "127.0.0.1:5701", Health.DOWN, 42);
        assertThat(Json.write(v)).isEqualTo(
                "{\"node\":\"n1\",\"member\":\"m1\",\"address\":\"127.0.0.1:5701\",\"health\":\"down\",\"sinceMillis\":42}");
        // what an older member wrote still reads back
        assertThat(Json.read("{\"node\":\"n1\",\"member\":\"m1\",\"health\":\"up\",\"sinceMillis\":1}", Verdict.class)
                .health()).isEqualTo(Health.UP);
        assertThat(List.of(Health.values()).stream().map(Health::toString)).containsExactly("up", "down", "unknown");
        assertThatThrownBy(() -> Json.read("{\"health\":\"sideways\"}", Verdict.class))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
