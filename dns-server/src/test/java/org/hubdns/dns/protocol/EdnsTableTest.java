package org.hubdns.dns.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.testsupport.DnsCase.q;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hubdns.testsupport.DnsCase;
import org.hubdns.testsupport.InProcessDns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSIDOption;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * EDNS (RFC 6891) in process: an OPT only when asked, our 1232-byte payload, BADVERS, FORMERR for
 * two OPTs or a bad option, DO echoed, client subnet (RFC 7871) echoed with scope 0 for static data,
 * cookies (RFC 7873) and NSID (RFC 5001). The socket twin is {@code EdnsTest}.
 */
class EdnsTableTest {
    static final String ZONE = """
            $TTL 300
            @    IN SOA ns1.edns.example. hostmaster.edns.example. 1 7200 1800 1209600 300
            @    IN NS  ns1.edns.example.
            ns1  IN A   192.0.2.53
            www  IN A   192.0.2.80
            """;
    static final String WWW = "www.edns.example. 300 IN A 192.0.2.80";
    static final String SOA = "edns.example. 300 IN SOA ns1.edns.example. hostmaster.edns.example. 1 7200 1800 1209600 300";

    static InProcessDns dns;

    @BeforeAll
    static void compile() {
        dns = InProcessDns.serving(Map.of("edns.example.", ZONE), Map.of(), "test-ns1");
    }

    static EDNSOption raw(int code, int... data) {
        byte[] b = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            b[i] = (byte) data[i];
        }
        return new GenericEDNSOption(code, b);
    }

    static Stream<DnsCase> optPresence() {
        return Stream.of(
                q("www.edns.example.", Type.A).says("no OPT asked, none sent").answer(WWW),
                q("nope.edns.example.", Type.A).rcode(Rcode.NXDOMAIN).ns(SOA),
                q("elsewhere.net.", Type.A).rcode(Rcode.REFUSED).flags("qr rd"),
                q("www.edns.example.", Type.A).edns(4096).says("one OPT advertising 1232").answer(WWW),
                q("www.edns.example.", Type.A).edns(4096).tcp().answer(WWW),
                q("nope.edns.example.", Type.A).edns(1232).rcode(Rcode.NXDOMAIN).ns(SOA),
                q("elsewhere.net.", Type.A).edns(1232).rcode(Rcode.REFUSED).flags("qr rd"),
                q("edns.example.", Type.SOA).opcode(Opcode.NOTIFY).edns(1232).rcode(Rcode.REFUSED).flags("qr rd")
                        .says("NOTIFY with EDNS: REFUSED with an OPT"),
                q("www.edns.example.", Type.A).opcode(2).edns(1232).rcode(Rcode.NOTIMP).flags("qr rd").noQuestion()
                        .says("NOTIMP with an OPT (RFC 6891 7)"),
                q("www.edns.example.", Type.A).opcode(15).dnssecOk().rcode(Rcode.NOTIMP).flags("qr rd").noQuestion(),
                q("www.edns.example.", Type.A).edns(100).says("a payload below 512 is 512").answer(WWW));
    }

    static Stream<DnsCase> versionsFlagsOptions() {
        return Stream.of(
                q("www.edns.example.", Type.A).ednsVersion(1).edns(1232).rcode(Rcode.BADVERS).flags("qr rd")
                        .says("BADVERS, no data"),
                q("www.edns.example.", Type.A).ednsVersion(255).edns(1232).rcode(Rcode.BADVERS).flags("qr rd"),
                q("www.edns.example.", Type.A).dnssecOk().says("DO echoed").answer(WWW),
                q("nope.edns.example.", Type.A).dnssecOk().rcode(Rcode.NXDOMAIN).ns(SOA),
                q("www.edns.example.", Type.A).option(raw(65001, 1, 2, 3)).says("unknown options ignored").answer(WWW),
                q("www.edns.example.", Type.A).clientSubnet("192.0.2.0", 24).ecs("192.0.2.0/24/0")
                        .says("ECS echoed, scope 0 for static data").answer(WWW),
                q("www.edns.example.", Type.A).clientSubnet("198.51.100.128", 25).ecs("198.51.100.128/25/0")
                        .answer(WWW),
                q("www.edns.example.", Type.A).clientSubnet("2001:db8::", 56).ecs("2001:db8:0:0:0:0:0:0/56/0")
                        .answer(WWW),
                q("www.edns.example.", Type.A).clientSubnet("0.0.0.0", 0).ecs("0.0.0.0/0/0").answer(WWW),
                q("nope.edns.example.", Type.A).clientSubnet("192.0.2.0", 24).ecs("192.0.2.0/24/0")
                        .rcode(Rcode.NXDOMAIN).ns(SOA),
                q("www.edns.example.", Type.A).option(raw(8, 0, 3, 0, 0)).rcode(Rcode.FORMERR).flags("qr rd")
                        .says("ECS of an unknown family: FORMERR, OPT without the option"),
                q("www.edns.example.", Type.A).option(raw(8, 0, 1, 24, 0, 192, 0)).rcode(Rcode.FORMERR).flags("qr rd")
                        .says("ECS address shorter than its prefix"),
                q("www.edns.example.", Type.A).option(raw(8, 0, 1, 23, 0, 192, 0, 3)).rcode(Rcode.FORMERR)
                        .flags("qr rd").says("ECS bits set past the prefix"),
                q("www.edns.example.", Type.A).option(raw(10, 1, 2, 3, 4, 5, 6, 7)).rcode(Rcode.FORMERR)
                        .flags("qr rd").says("cookie of 7 bytes"),
                q("www.edns.example.", Type.A).option(raw(10, new int[41])).rcode(Rcode.FORMERR).flags("qr rd"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"optPresence", "versionsFlagsOptions"})
    void answers(DnsCase c) {
        c.check(dns);
    }

    @Test
    void twoOptRecordsGetFormerrWithoutAnOpt() {
        DnsCase c = q("www.edns.example.", Type.A).edns(1232).rcode(Rcode.FORMERR).flags("qr rd").opt(false);
        Message q = c.query();
        q.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        c.check(q, dns.ask(q));
    }

    @Test
    void nsidIsSentOnlyWhenRequested() {
        Message asked = q("www.edns.example.", Type.A).option(new NSIDOption(new byte[0])).query();
        List<EDNSOption> nsid = dns.ask(asked).getOPT().getOptions(EDNSOption.Code.NSID);
        assertThat(nsid).singleElement().satisfies(o ->
                assertThat(new String(data(o), StandardCharsets.US_ASCII)).isEqualTo("test-ns1"));
        Message plain = q("www.edns.example.", Type.A).edns(1232).query();
        assertThat(dns.ask(plain).getOPT().getOptions(EDNSOption.Code.NSID)).isEmpty();
        InProcessDns without = InProcessDns.serving(Map.of("edns.example.", ZONE));
        assertThat(without.ask(asked).getOPT().getOptions(EDNSOption.Code.NSID)).isEmpty();
    }

    @Test
    void aClientCookieGetsAServerCookieThatDependsOnIt() {
        byte[] one = cookieAnswer(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        byte[] two = cookieAnswer(new byte[] {8, 7, 6, 5, 4, 3, 2, 1});
        assertThat(one).hasSize(8 + 16);
        assertThat(Arrays.copyOf(one, 8)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(Arrays.copyOfRange(one, 8, 24)).isNotEqualTo(Arrays.copyOfRange(two, 8, 24));
        assertThat(cookieAnswer(null)).as("no cookie asked, none sent").isNull();
    }

    @Test
    void aQueryWithNoQuestionGetsAServerCookieOrFormerr() {
        Message withCookie = new Message();
        withCookie.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(raw(10, 1, 2, 3, 4, 5, 6, 7, 8))),
                Section.ADDITIONAL);
        Message r = dns.ask(withCookie);
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getOPT().getOptions(EDNSOption.Code.COOKIE)).hasSize(1);
        Message bare = new Message();
        bare.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        assertThat(dns.ask(bare).getRcode()).isEqualTo(Rcode.FORMERR);
    }

    /** An option's data, without its code and length. */
    private static byte[] data(EDNSOption o) {
        byte[] wire = o.toWire();
        return Arrays.copyOfRange(wire, 4, wire.length);
    }

    /** The COOKIE option's bytes in the answer to a query for www with {@code client} (null: none). */
    private static byte[] cookieAnswer(byte[] client) {
        DnsCase c = q("www.edns.example.", Type.A).edns(1232);
        if (client != null) {
            c.option(new GenericEDNSOption(10, client));
        }
        Message r = dns.ask(c.query());
        List<EDNSOption> cookies = r.getOPT().getOptions(EDNSOption.Code.COOKIE);
        return cookies.isEmpty() ? null : data(cookies.get(0));
    }
}
