package org.hubdns.dns.rrl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.dns.rrl.RrlGate.Verdict.DROP;
import static org.hubdns.dns.rrl.RrlGate.Verdict.SEND;
import static org.hubdns.dns.rrl.RrlGate.Verdict.SLIP;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.hubdns.cluster.coverage.Cidr;
import org.junit.jupiter.api.Test;

/**
 * The rate limiter's accounting in process, with a clock the test moves: client networks (IPv4 and
 * IPv6, whose sources a socket test cannot forge), response classes, burst, slip, debt and the
 * window, exempt networks, log-only, loops sharing accounts, and the table's bound under pressure.
 */
class RateLimiterTableTest {
    private static final long MS = 1_000_000L;
    private static final long T0 = System.nanoTime();

    private static RrlSettings settings(int rate, int burst, int slip, int window) {
        return new RrlSettings(rate, burst, slip, window, RrlSettings.MIN_TABLE, List.of(), false, 24, 56);
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** The verdicts on {@code n} responses of class {@code c} to {@code source}, all at {@code at} ms. */
    private static List<RrlGate.Verdict> burst(RrlGate gate, String source, ResponseClass c, int n, long atMs) {
        List<RrlGate.Verdict> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(gate.decide(ip(source), c, 7, T0 + atMs * MS));
        }
        return out;
    }

    private static long sent(List<RrlGate.Verdict> v) {
        return v.stream().filter(x -> x == SEND).count();
    }

    @Test
    void aNetworkGetsItsBurstThenEverySlipthLimitedResponseIsSlippedAndTheRestDropped() {
        RrlGate gate = new ResponseRateLimiter(settings(10, 20, 2, 15)).gate();
        List<RrlGate.Verdict> v = burst(gate, "192.0.2.1", ResponseClass.POSITIVE, 30, 0);
        assertThat(v.subList(0, 20)).containsOnly(SEND);
        assertThat(v.subList(20, 30)).containsExactly(DROP, SLIP, DROP, SLIP, DROP, SLIP, DROP, SLIP, DROP, SLIP);
    }

    @Test
    void slipZeroDropsEveryLimitedResponseAndSlipOneSlipsEvery() {
        assertThat(burst(new ResponseRateLimiter(settings(1, 1, 0, 15)).gate(), "192.0.2.1", ResponseClass.NXDOMAIN,
                6, 0).subList(1, 6)).containsOnly(DROP);
        assertThat(burst(new ResponseRateLimiter(settings(1, 1, 1, 15)).gate(), "192.0.2.1", ResponseClass.NXDOMAIN,
                6, 0).subList(1, 6)).containsOnly(SLIP);
    }

    @Test
    void addressesOfOneSlash24ShareAnAccountAndAnotherSlash24HasItsOwn() {
        RrlGate gate = new ResponseRateLimiter(settings(1, 4, 1, 15)).gate();
        burst(gate, "198.51.100.1", ResponseClass.NXDOMAIN, 2, 0);
        burst(gate, "198.51.100.200", ResponseClass.NXDOMAIN, 2, 0);
        assertThat(burst(gate, "198.51.100.77", ResponseClass.NXDOMAIN, 1, 0)).containsExactly(SLIP);
        assertThat(burst(gate, "198.51.101.1", ResponseClass.NXDOMAIN, 4, 0)).containsOnly(SEND);
    }

    @Test
    void theIpv4PrefixIsConfigurable() {
        RrlGate gate = new ResponseRateLimiter(new RrlSettings(1, 2, 1, 15, RrlSettings.MIN_TABLE, List.of(), false, 16,
                56)).gate();
        burst(gate, "198.51.1.1", ResponseClass.ERROR, 2, 0);
        assertThat(burst(gate, "198.51.200.9", ResponseClass.ERROR, 1, 0)).as("same /16").containsExactly(SLIP);
    }

    @Test
    void ipv6SourcesAreCountedPerSlash56() {
        RrlGate gate = new ResponseRateLimiter(settings(1, 2, 1, 15)).gate();
        burst(gate, "2001:db8:0:1::1", ResponseClass.NXDOMAIN, 1, 0);
        burst(gate, "2001:db8:0:ff:1234::2", ResponseClass.NXDOMAIN, 1, 0);
        assertThat(burst(gate, "2001:db8:0:42::3", ResponseClass.NXDOMAIN, 1, 0)).as("2001:db8:0:0::/56 again")
                .containsExactly(SLIP);
        assertThat(burst(gate, "2001:db8:0:100::1", ResponseClass.NXDOMAIN, 2, 0)).as("2001:db8:0:100::/56")
                .containsOnly(SEND);
        assertThat(burst(gate, "2001:db8:1::1", ResponseClass.NXDOMAIN, 2, 0)).containsOnly(SEND);
    }

    @Test
    void theIpv6PrefixIsConfigurableUpTo64() {
        RrlGate gate = new ResponseRateLimiter(new RrlSettings(1, 1, 1, 15, RrlSettings.MIN_TABLE, List.of(), false, 24,
                64)).gate();
        burst(gate, "2001:db8:0:1::1", ResponseClass.NXDOMAIN, 1, 0);
        assertThat(burst(gate, "2001:db8:0:1:ffff::2", ResponseClass.NXDOMAIN, 1, 0)).containsExactly(SLIP);
        assertThat(burst(gate, "2001:db8:0:2::1", ResponseClass.NXDOMAIN, 1, 0)).as("another /64").containsExactly(SEND);
    }

    @Test
    void eachResponseClassHasItsOwnAccountAndPositiveAnswersOneEachName() {
        RrlGate gate = new ResponseRateLimiter(settings(1, 2, 1, 15)).gate();
        for (ResponseClass c : ResponseClass.values()) {
            assertThat(burst(gate, "203.0.113.5", c, 3, 0)).as(c.name()).containsExactly(SEND, SEND, SLIP);
        }
        InetAddress a = ip("203.0.113.5");
        assertThat(gate.decide(a, ResponseClass.POSITIVE, 8, T0)).as("another name").isEqualTo(SEND);
        assertThat(gate.decide(a, ResponseClass.NXDOMAIN, 8, T0)).as("NXDOMAIN ignores the name").isEqualTo(SLIP);
    }

    @Test
    void aClientAtTheRateIsNeverLimited() {
        RrlGate gate = new ResponseRateLimiter(settings(10, 20, 2, 15)).gate();
        for (long ms = 0; ms < 30_000; ms += 100) { // 10 a second for 30 s
            assertThat(gate.decide(ip("192.0.2.9"), ResponseClass.POSITIVE, 1, T0 + ms * MS)).isEqualTo(SEND);
        }
    }

    @Test
    void aFlooderStaysLimitedWhileItFloodsAndIsServedAgainWithinTheWindowAfterItStops() {
        assertThat(afterFlood(4_000)).as("4 s after: still in debt").isNotEqualTo(SEND);
        assertThat(afterFlood(5_000)).as("the 5 s window after").isEqualTo(SEND);
    }

    /** The verdict {@code pauseMs} after 10 s of 1000 responses a second at a rate of 10 and a 5 s window. */
    private static RrlGate.Verdict afterFlood(long pauseMs) {
        RrlGate gate = new ResponseRateLimiter(settings(10, 20, 2, 5)).gate();
        long ms = 0;
        long sent = 0;
        for (; ms < 10_000; ms++) {
            if (gate.decide(ip("192.0.2.1"), ResponseClass.POSITIVE, 1, T0 + ms * MS) == SEND) {
                sent++;
            }
        }
        assertThat(sent).as("the burst, then (with debt) nothing while it floods").isEqualTo(20);
        return gate.decide(ip("192.0.2.1"), ResponseClass.POSITIVE, 1, T0 + (ms + pauseMs) * MS);
    }

    @Test
    void eventLoopsShareTheAccountsSoAFloodSpreadOverLoopsIsLimitedOnce() {
        ResponseRateLimiter limiter = new ResponseRateLimiter(settings(10, 20, 0, 15));
        RrlGate a = limiter.gate();
        RrlGate b = limiter.gate();
        int sent = 0;
        for (int i = 0; i < 40; i++) {
            if ((i % 2 == 0 ? a : b).decide(ip("192.0.2.1"), ResponseClass.POSITIVE, 1, T0) == SEND) {
                sent++;
            }
        }
        assertThat(sent).as("one burst for the member, not one per loop").isEqualTo(20);
        assertThat(limiter.dropped()).isEqualTo(20);
    }

    @Test
    void exemptNetworksAreNeverLimited() {
        RrlGate gate = new ResponseRateLimiter(new RrlSettings(1, 1, 0, 15, RrlSettings.MIN_TABLE,
                List.of(Cidr.parse("192.0.2.0/25"), Cidr.parse("2001:db8:aa::/48")), false, 24, 56)).gate();
        assertThat(burst(gate, "192.0.2.100", ResponseClass.ERROR, 50, 0)).containsOnly(SEND);
        assertThat(burst(gate, "2001:db8:aa:1::1", ResponseClass.ERROR, 50, 0)).containsOnly(SEND);
        assertThat(burst(gate, "192.0.2.200", ResponseClass.ERROR, 3, 0)).as("outside the /25")
                .containsExactly(SEND, DROP, DROP);
        assertThat(burst(gate, "2001:db8:ab::1", ResponseClass.ERROR, 2, 0)).containsExactly(SEND, DROP);
    }

    @Test
    void logOnlyLimitsNothingButCountsWhatItWouldHave() {
        ResponseRateLimiter limiter = new ResponseRateLimiter(new RrlSettings(1, 2, 2, 15, RrlSettings.MIN_TABLE,
                List.of(), true, 24, 56));
        assertThat(burst(limiter.gate(), "192.0.2.1", ResponseClass.NXDOMAIN, 10, 0)).containsOnly(SEND);
        assertThat(limiter.logged()).isEqualTo(8);
        assertThat(limiter.slipped() + limiter.dropped()).isZero();
        assertThat(limiter.minuteReport()).contains("would have limited 8 responses").contains("192.0.2.0/24 (8)");
    }

    @Test
    void theMinuteReportNamesTheBusiestLimitedNetworksOnce() {
        ResponseRateLimiter limiter = new ResponseRateLimiter(settings(1, 1, 2, 15));
        RrlGate gate = limiter.gate();
        burst(gate, "192.0.2.1", ResponseClass.NXDOMAIN, 101, 0);
        burst(gate, "2001:db8:5:1::1", ResponseClass.NXDOMAIN, 11, 0);
        assertThat(limiter.minuteReport()).contains("limited 110 responses")
                .contains("192.0.2.0/24 (100), 2001:db8:5::/56 (10)");
        assertThat(limiter.minuteReport()).as("nothing new: no line").isNull();
    }

    @Test
    void theTableStaysWithinItsSizeAndForgetsQuietNetworksBeforeAFlooder() {
        ResponseRateLimiter limiter = new ResponseRateLimiter(settings(5, 10, 0, 15));
        RrlGate gate = limiter.gate();
        burst(gate, "10.0.0.1", ResponseClass.POSITIVE, 100, 0); // a flooder in debt
        for (int n = 0; n < 65_000; n++) { // 65,000 other /24s, once each
            InetAddress a = ip("10." + (1 + n / 256) + "." + (n % 256) + ".1");
            assertThat(gate.decide(a, ResponseClass.POSITIVE, 1, T0 + MS)).isEqualTo(SEND);
            if (n % 1000 == 0) {
                assertThat(gate.decide(ip("10.0.0.1"), ResponseClass.POSITIVE, 7, T0 + MS))
                        .as("the flooder is still remembered after %d networks", n).isEqualTo(DROP);
            }
        }
        assertThat(limiter.tableCapacity()).isEqualTo(RrlSettings.MIN_TABLE);
        assertThat(limiter.tableEntries()).isLessThanOrEqualTo(RrlSettings.MIN_TABLE).isGreaterThan(900);
    }

    @Test
    void settingsNameTheFlagThatIsWrong() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RrlSettings.of(-1, null, 2, 15, 1 << 20, List.of(),
                false, 24, 56)).hasMessageContaining("--rrl-rate");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RrlSettings.of(10, null, 11, 15, 1 << 20, List.of(),
                false, 24, 56)).hasMessageContaining("--rrl-slip");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RrlSettings.of(10, null, 2, 15, 1 << 20, List.of(),
                false, 24, 96)).hasMessageContaining("--rrl-ipv6-prefix");
        assertThat(RrlSettings.of(20, null, 2, 15, 1 << 20, List.of(), false, 24, 56).burst()).isEqualTo(40);
    }
}
