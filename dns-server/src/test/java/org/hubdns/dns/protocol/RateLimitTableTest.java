package org.hubdns.dns.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hubdns.dns.rrl.ResponseRateLimiter;
import org.hubdns.dns.rrl.RrlSettings;
import org.hubdns.dns.stats.QueryLog;
import org.hubdns.dns.stats.QueryStats;
import org.hubdns.testsupport.InProcessDns;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Response rate limiting on the query path in process: what a slipped response looks like (TC=1
 * and the question only; BADCOOKIE with a fresh server cookie for a client that sent a cookie),
 * that valid server cookies and TCP are never limited, and that each response class is counted on
 * its own. Rate 1, burst 1, slip 1: the second response of a kind is limited and slipped. The
 * socket twin is {@code RateLimitTest}.
 */
class RateLimitTableTest {
    static final String ZONE = """
            $TTL 300
            @    IN SOA ns1.rrl.example. hostmaster.rrl.example. 1 7200 1800 1209600 300
            @    IN NS  ns1.rrl.example.
            ns1  IN A   192.0.2.53
            www  IN A   192.0.2.80
            www  IN A   192.0.2.81
            """;
    static final InetAddress CLIENT = InProcessDns.address("192.0.2.10");
    static final byte[] CLIENT_COOKIE = {1, 2, 3, 4, 5, 6, 7, 8};

    QueryProcessor processor;
    QueryStats stats;
    ResponseRateLimiter limiter;
    final byte[] out = new byte[65535 + 512];

    @BeforeEach
    void start() {
        limiter = new ResponseRateLimiter(new RrlSettings(1, 1, 1, 15, RrlSettings.MIN_TABLE, List.of(), false, 24, 56));
        stats = new QueryStats();
        processor = new QueryProcessor(InProcessDns.serving(Map.of("rrl.example.", ZONE)).snapshots(), null,
                new ServerCookies(new byte[16]), stats, QueryLog.OFF, limiter.gate());
    }

    static Message query(String name, int type, EDNSOption... options) {
        try {
            Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, 1));
            if (options.length > 0) {
                q.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(options)), Section.ADDITIONAL);
            }
            return q;
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    byte[] ask(Message q, boolean tcp) {
        byte[] wire = q.toWire();
        int n = processor.process(wire, wire.length, out, tcp, CLIENT);
        return n == QueryProcessor.DROP ? null : Arrays.copyOf(out, n);
    }

    static byte[] cookieOf(Message m) {
        Optional<EDNSOption> o = m.getOPT().getOptions(EDNSOption.Code.COOKIE).stream().findFirst();
        CookieOption c = (CookieOption) o.orElseThrow();
        byte[] server = c.getServerCookie().orElseThrow();
        byte[] all = Arrays.copyOf(c.getClientCookie(), 8 + server.length);
        System.arraycopy(server, 0, all, 8, server.length);
        return all;
    }

    @Test
    void aSlippedResponseIsTruncatedWithTheQuestionOnly() {
        Message q = query("www.rrl.example.", Type.A);
        Message first = InProcessDns.parse(ask(q, false));
        assertThat(first.getSection(Section.ANSWER)).hasSize(2);
        byte[] raw = ask(q, false);
        Message slipped = InProcessDns.parse(raw);
        assertThat(slipped.getHeader().getID()).isEqualTo(q.getHeader().getID());
        assertThat(slipped.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(slipped.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(slipped.getHeader().getFlag(Flags.AA)).isFalse();
        assertThat(slipped.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(slipped.getQuestion()).isEqualTo(q.getQuestion());
        assertThat(slipped.getSection(Section.ANSWER)).isEmpty();
        assertThat(slipped.getSection(Section.AUTHORITY)).isEmpty();
        assertThat(slipped.getSection(Section.ADDITIONAL)).isEmpty();
        assertThat(raw).hasSize(q.toWire().length).as("no bigger than the query");
        assertThat(limiter.slipped()).isEqualTo(1);
    }

    @Test
    void slipOfNothingDropsAndTheDropIsNotABadPacket() {
        limiter = new ResponseRateLimiter(new RrlSettings(1, 1, 0, 15, RrlSettings.MIN_TABLE, List.of(), false, 24, 56));
        processor = new QueryProcessor(InProcessDns.serving(Map.of("rrl.example.", ZONE)).snapshots(), null,
                new ServerCookies(new byte[16]), stats, QueryLog.OFF, limiter.gate());
        Message q = query("www.rrl.example.", Type.A);
        ask(q, false);
        assertThat(ask(q, false)).isNull();
        assertThat(limiter.dropped()).isEqualTo(1);
        QueryStats.Totals t = new QueryStats.Totals();
        stats.addTo(t);
        assertThat(t.dropped[0]).as("hubdns_dns_dropped{transport=udp}").isZero();
    }

    @Test
    void aClientCookieOnlyIsSlippedAsBadcookieWithAFreshServerCookie() {
        Message q = query("www.rrl.example.", Type.A, new CookieOption(CLIENT_COOKIE));
        ask(q, false);
        Message slipped = InProcessDns.parse(ask(q, false));
        assertThat(slipped.getRcode()).isEqualTo(Rcode.BADCOOKIE);
        assertThat(slipped.getSection(Section.ANSWER)).isEmpty();
        byte[] cookie = cookieOf(slipped);
        assertThat(Arrays.copyOf(cookie, 8)).containsExactly(CLIENT_COOKIE);
        assertThat(cookie).hasSize(24);

        // and with the server cookie it learnt, it is never limited
        Message again = query("www.rrl.example.", Type.A,
                new CookieOption(CLIENT_COOKIE, Arrays.copyOfRange(cookie, 8, 24)));
        for (int i = 0; i < 50; i++) {
            Message r = InProcessDns.parse(ask(again, false));
            assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(r.getSection(Section.ANSWER)).hasSize(2);
        }
    }

    @Test
    void aServerCookieThatIsNotOursIsLimitedLikeNone() {
        byte[] forged = new byte[16];
        forged[0] = 1;
        Message q = query("www.rrl.example.", Type.A, new CookieOption(CLIENT_COOKIE, forged));
        ask(q, false);
        Message r = InProcessDns.parse(ask(q, false));
        assertThat(r.getRcode()).isEqualTo(Rcode.BADCOOKIE);
        assertThat(Arrays.copyOfRange(cookieOf(r), 8, 24)).isNotEqualTo(forged);
    }

    @Test
    void tcpIsNeverLimited() {
        Message q = query("www.rrl.example.", Type.A);
        for (int i = 0; i < 50; i++) {
            assertThat(InProcessDns.parse(ask(q, true)).getSection(Section.ANSWER)).hasSize(2);
        }
        assertThat(limiter.slipped() + limiter.dropped()).isZero();
    }

    @Test
    void eachClassAndEachAnsweredNameIsCountedOnItsOwn() {
        String[] names = {"www.rrl.example.", "ns1.rrl.example.", "nope.rrl.example.", "www.rrl.example.",
            "other.example."};
        int[] types = {Type.A, Type.A, Type.A, Type.TXT, Type.A};
        for (int i = 0; i < names.length; i++) {
            Message first = InProcessDns.parse(ask(query(names[i], types[i]), false));
            assertThat(first.getHeader().getFlag(Flags.TC)).as(names[i] + " first").isFalse();
        }
        for (int i = 0; i < names.length; i++) {
            Message second = InProcessDns.parse(ask(query(names[i], types[i]), false));
            assertThat(second.getHeader().getFlag(Flags.TC)).as(names[i] + " second").isTrue();
        }
        assertThat(limiter.slipped()).isEqualTo(names.length);
    }
}
