package org.hubdns.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The API limiter's token buckets, in process, on a clock the test moves. */
class RateTableTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstPassesThenEachRequestWaitsForItsRefill() {
        RateTable t = new RateTable(1024, 5, 10);
        long now = 1_000 * SECOND;
        for (int i = 0; i < 10; i++) {
            assertThat(t.take(42, now)).as("request %d of the burst", i).isZero();
        }
        long wait = t.take(42, now);
        assertThat(wait).isEqualTo(SECOND / 5); // one request's refill at 5 a second
        assertThat(t.take(42, now + wait - 1)).isPositive();
        assertThat(t.take(42, now + wait)).isZero();
        // refused requests cost nothing: after a second, five more pass
        long later = now + wait + SECOND;
        for (int i = 0; i < 5; i++) {
            assertThat(t.take(42, later)).isZero();
        }
        assertThat(t.take(42, later)).isPositive();
        // never more than the burst, however long the quiet
        long muchLater = later + 3600 * SECOND;
        for (int i = 0; i < 10; i++) {
            assertThat(t.take(42, muchLater)).isZero();
        }
        assertThat(t.take(42, muchLater)).isPositive();
    }

    @Test
    void clientsAreApartAndARefundGivesOneBack() {
        RateTable t = new RateTable(1024, 1, 2);
        long now = SECOND;
        assertThat(t.take(1, now)).isZero();
        assertThat(t.take(1, now)).isZero();
        assertThat(t.take(1, now)).isPositive();
        assertThat(t.take(2, now)).as("another client").isZero();
        t.refund(1);
        assertThat(t.take(1, now)).as("refunded").isZero();
        assertThat(t.take(1, now)).isPositive();
        t.refund(99); // unknown: nothing happens
        t.refund(2);
        t.refund(2);
        assertThat(t.take(2, now)).isZero();
        assertThat(t.take(2, now)).isZero();
        assertThat(t.take(2, now)).as("a refund never goes above the burst").isPositive();
    }

    @Test
    void aFloodOfNewClientsForgetsQuietOnesNeverABusyOne() {
        RateTable t = new RateTable(256, 1, 3);
        assertThat(t.capacity()).isEqualTo(256);
        long now = SECOND;
        long busy = 7;
        for (int i = 0; i < 3; i++) {
            t.take(busy, now);
        }
        assertThat(t.take(busy, now)).isPositive();
        for (long k = 1_000; k < 101_000; k++) {
            t.take(k * 0x9E3779B97F4A7C15L, now); // 100,000 clients through 256 slots
        }
        assertThat(t.entries(now)).isLessThanOrEqualTo(256);
        assertThat(t.take(busy, now)).as("the busy client is still limited").isPositive();
    }
}
