package org.hubdns.dns.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.testsupport.DnsCase.q;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hubdns.testsupport.DnsCase;
import org.hubdns.testsupport.InProcessDns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Responses that do not fit, in process: at most 512 bytes over UDP without EDNS, at most our
 * 1232-byte payload with it, cut at an RRset boundary with TC set; whole over TCP; optional
 * additional addresses left out without TC. Each row: the question, how it is asked, and the
 * answer's shape (TC, answer and additional record counts, at most how many bytes). The socket
 * twins are {@code TruncationTest} and {@code AdditionalSectionTest}.
 */
class TruncationTableTest {
    static InProcessDns dns;

    /** big: 40 TXT of ~100 bytes (TCP only); c1 -> c2 -> mid: two CNAMEs then 8 TXT (~900 bytes); opt.: 12 NS. */
    @BeforeAll
    static void compile() {
        StringBuilder big = new StringBuilder("""
                $TTL 300
                @   IN SOA ns1.big.example. hostmaster.big.example. 1 7200 1800 1209600 300
                @   IN NS  ns1.big.example.
                ns1 IN A   192.0.2.53
                c1  IN CNAME c2
                c2  IN CNAME mid.big.example.
                """);
        for (int i = 0; i < 40; i++) {
            big.append("big IN TXT \"").append(String.format("%03d-", i)).append("b".repeat(96)).append("\"\n");
        }
        for (int i = 0; i < 8; i++) {
            big.append("mid IN TXT \"").append(String.format("%03d-", i)).append("m".repeat(96)).append("\"\n");
        }
        StringBuilder opt = new StringBuilder("""
                $TTL 300
                @ IN SOA ns00 hostmaster ( 1 7200 1800 1209600 300 )
                """);
        for (int i = 0; i < 12; i++) {
            String n = String.format("ns%02d", i);
            opt.append("@ IN NS ").append(n).append('\n');
            opt.append(n).append(" IN A 192.0.2.").append(i + 1).append('\n');
            opt.append(n).append(" IN AAAA 2001:db8::").append(i + 1).append('\n');
        }
        dns = InProcessDns.serving(Map.of("big.example.", big.toString(), "opt.example.", opt.toString()));
    }

    /** name, type, how (udp | tcp | edns N), TC, answer records, additional records (-1: some but not all), max bytes. */
    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of("big.big.example.", Type.TXT, "udp", true, 0, 0, 512),
                Arguments.of("big.big.example.", Type.TXT, "edns 4096", true, 0, 0, 1232),
                Arguments.of("big.big.example.", Type.TXT, "tcp", false, 40, 0, 65535),
                Arguments.of("mid.big.example.", Type.TXT, "udp", true, 0, 0, 512),
                Arguments.of("mid.big.example.", Type.TXT, "edns 1232", false, 8, 0, 1232),
                Arguments.of("mid.big.example.", Type.TXT, "edns 65535", false, 8, 0, 1232),
                Arguments.of("mid.big.example.", Type.TXT, "edns 600", true, 0, 0, 600),
                Arguments.of("c1.big.example.", Type.TXT, "udp", true, 2, 0, 512),
                Arguments.of("c1.big.example.", Type.TXT, "edns 1232", false, 10, 0, 1232),
                Arguments.of("c1.big.example.", Type.TXT, "tcp", false, 10, 0, 65535),
                Arguments.of("c1.big.example.", Type.CNAME, "udp", false, 1, 0, 512),
                Arguments.of("opt.example.", Type.NS, "udp", false, 12, -1, 512),
                Arguments.of("opt.example.", Type.NS, "tcp", false, 12, 24, 65535));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("shapes")
    void cutAtAnRrsetBoundary(String name, int type, String how, boolean tc, int answers, int additional, int maxBytes) {
        DnsCase c = q(name, type);
        if (how.equals("tcp")) {
            c.tcp();
        } else if (how.startsWith("edns ")) {
            c.edns(Integer.parseInt(how.substring(5)));
        }
        byte[] raw = dns.raw(c.query().toWire(), c.overTcp(), InProcessDns.LOOPBACK);
        Message r = InProcessDns.parse(raw);
        assertThat(raw.length).as("bytes").isLessThanOrEqualTo(maxBytes);
        assertThat(r.getHeader().getFlag(Flags.TC)).as("TC").isEqualTo(tc);
        assertThat(DnsCase.lines(r, Section.ANSWER)).as("answer").hasSize(answers);
        List<String> extra = DnsCase.lines(r, Section.ADDITIONAL);
        if (additional < 0) {
            assertThat(extra).as("additional: some, not all").isNotEmpty().hasSizeLessThan(24);
        } else {
            assertThat(extra).as("additional").hasSize(additional);
        }
        assertThat(r.getOPT() != null).as("OPT").isEqualTo(how.startsWith("edns"));
    }
}
