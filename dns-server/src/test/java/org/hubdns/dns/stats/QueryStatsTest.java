package org.hubdns.dns.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Answers are counted when written and timed when their batch has left: both must agree in the totals. */
class QueryStatsTest {
    private static QueryStats.Totals totals(QueryStats s) {
        QueryStats.Totals t = new QueryStats.Totals();
        s.addTo(t);
        return t;
    }

    @Test
    void aBatchsAnswersAreTimedTogetherInOneBucket() {
        QueryStats s = new QueryStats();
        for (int i = 0; i < 3; i++) {
            s.answered(false, 1, 0);
        }
        s.timed(3, 7_000); // 7 µs each: the "le 10 µs" bucket
        QueryStats.Totals t = totals(s);
        assertThat(t.total()).isEqualTo(3);
        assertThat(t.buckets).containsExactly(0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(t.duration).containsExactly(21_000, 3);
    }

    @Test
    void aQueryTimedAloneAndBoundsAndOverflowBuckets() {
        QueryStats s = new QueryStats();
        s.answered(true, 28, 3, 2_000); // on a bound: that bucket
        s.answered(true, 28, 3, 2_001);
        s.timed(2, 30_000_000_000L); // 30 s: only +Inf
        QueryStats.Totals t = totals(s);
        assertThat(t.buckets).containsExactly(1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2);
        assertThat(t.duration).containsExactly(60_000_004_001L, 4);
        assertThat(t.byRcode(QueryStats.rcodeIndex(3))).isEqualTo(2);
    }
}
