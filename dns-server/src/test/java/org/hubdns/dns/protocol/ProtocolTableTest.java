package org.hubdns.dns.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.testsupport.DnsCase.q;

import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.hubdns.testsupport.DnsCase;
import org.hubdns.testsupport.InProcessDns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * RFC 1035 4.1.1 header semantics of an authoritative-only server, in process: AA, RD and CD
 * copied, RA, AD and Z never set, the question echoed as sent (0x20 case, RFC 4343), opcodes other
 * than QUERY, zone transfers, classes and names we are not authoritative for. The socket twin is
 * {@code ProtocolTest}; both transports go through the same {@link QueryProcessor}, so each row is
 * asked over "UDP" and a few over "TCP".
 */
class ProtocolTableTest {
    static final String PROTO_ZONE = """
            $TTL 300
            @        IN SOA ns1.proto.example. hostmaster.proto.example. 7 7200 1800 1209600 60
            @        IN NS  ns1.proto.example.
            ns1      IN A   192.0.2.53
            www      IN A   192.0.2.10
            sub      IN NS  ns.sub.proto.example.
            ns.sub   IN A   192.0.2.99
            """;
    static final String SOA = "proto.example. 60 IN SOA ns1.proto.example. hostmaster.proto.example. 7 7200 1800 1209600 60";
    static final String WWW = "www.proto.example. 300 IN A 192.0.2.10";

    static InProcessDns dns;

    @BeforeAll
    static void compile() {
        dns = InProcessDns.serving(Map.of("proto.example.", PROTO_ZONE));
    }

    static Stream<DnsCase> header() {
        return Stream.of(
                q("www.proto.example.", Type.A).says("AA, RD copied, RA clear").answer(WWW),
                q("www.proto.example.", Type.A).tcp().answer(WWW),
                q("www.proto.example.", Type.A).queryFlags().flags("qr aa").says("RD clear stays clear").answer(WWW),
                q("www.proto.example.", Type.A).queryFlags().tcp().flags("qr aa").answer(WWW),
                q("www.proto.example.", Type.A).queryFlags(Flags.RD, Flags.CD).flags("qr aa rd cd")
                        .says("CD copied (RFC 4035 3.1.6)").answer(WWW),
                q("www.proto.example.", Type.A).queryFlags(Flags.RD, Flags.CD).tcp().flags("qr aa rd cd").answer(WWW),
                q("www.proto.example.", Type.A).queryFlags(Flags.RD, Flags.AD).says("AD not echoed").answer(WWW),
                q("www.proto.example.", Type.A).queryFlags(Flags.RD, Flags.RA).says("RA never set").answer(WWW),
                q("nope.proto.example.", Type.A).rcode(Rcode.NXDOMAIN).says("NXDOMAIN: AA, SOA at the negative TTL")
                        .ns(SOA),
                q("www.proto.example.", Type.TXT).says("NODATA: min(SOA TTL, MINIMUM)").ns(SOA),
                q("www.sub.proto.example.", Type.A).flags("qr rd").says("a referral has AA clear")
                        .ns("sub.proto.example. 300 IN NS ns.sub.proto.example.")
                        .extra("ns.sub.proto.example. 300 IN A 192.0.2.99"));
    }

    static Stream<DnsCase> case0x20() {
        return Stream.of(
                q("wWw.PrOtO.eXaMpLe.", Type.A).says("question echoed byte for byte")
                        .answer("wWw.PrOtO.eXaMpLe. 300 IN A 192.0.2.10"),
                q("wWw.PrOtO.eXaMpLe.", Type.A).tcp().answer("wWw.PrOtO.eXaMpLe. 300 IN A 192.0.2.10"),
                q("NoPe.PROTO.example.", Type.A).rcode(Rcode.NXDOMAIN)
                        .ns("PROTO.example. 60 IN SOA ns1.PROTO.example. hostmaster.PROTO.example. 7 7200 1800 1209600 60"),
                q("WwW.ElSeWhErE.NeT.", Type.A).rcode(Rcode.REFUSED).flags("qr rd"),
                q("A.b.Sub.PROTO.example.", Type.A).flags("qr rd")
                        .ns("Sub.PROTO.example. 300 IN NS ns.Sub.PROTO.example.")
                        .extra("ns.Sub.PROTO.example. 300 IN A 192.0.2.99"));
    }

    static Stream<DnsCase> opcodes() {
        Stream<DnsCase> unknown = IntStream.of(2, 3, 6, 7, 15).boxed().flatMap(op -> Stream.of(
                q("www.proto.example.", Type.A).opcode(op).rcode(Rcode.NOTIMP).flags("qr rd").noQuestion()
                        .says("unknown opcode: NOTIMP, header only, opcode copied"),
                q("www.proto.example.", Type.A).opcode(op).tcp().rcode(Rcode.NOTIMP).flags("qr rd").noQuestion()));
        Stream<DnsCase> refused = Stream.of(
                q("proto.example.", Type.SOA).opcode(Opcode.NOTIFY).queryFlags(Flags.AA).rcode(Rcode.REFUSED)
                        .flags("qr").says("NOTIFY refused"),
                q("proto.example.", Type.SOA).opcode(Opcode.UPDATE).queryFlags().rcode(Rcode.REFUSED).flags("qr")
                        .says("UPDATE refused"),
                q("proto.example.", Type.SOA).opcode(Opcode.UPDATE).queryFlags().tcp().rcode(Rcode.REFUSED).flags("qr"),
                q("proto.example.", Type.AXFR).queryFlags().rcode(Rcode.REFUSED).flags("qr").says("no transfers"),
                q("proto.example.", Type.AXFR).queryFlags().tcp().rcode(Rcode.REFUSED).flags("qr"),
                q("proto.example.", Type.IXFR).queryFlags().tcp().rcode(Rcode.REFUSED).flags("qr"));
        return Stream.concat(unknown, refused);
    }

    static Stream<DnsCase> classesAndOutside() {
        Stream<DnsCase> outside = Stream.of(".", "com.", "example.", "elsewhere.net.", "proto.example.org.",
                "xproto.example.").flatMap(n -> Stream.of(
                        q(n, Type.A).rcode(Rcode.REFUSED).flags("qr rd").says("outside: no upward referral"),
                        q(n, Type.NS).rcode(Rcode.REFUSED).flags("qr rd"),
                        q(n, Type.NS).tcp().rcode(Rcode.REFUSED).flags("qr rd")));
        Stream<DnsCase> classes = Stream.of("version.bind.", "hostname.bind.", "id.server.", "www.proto.example.")
                .map(n -> q(n, Type.TXT).qclass(DClass.CH).queryFlags().rcode(Rcode.REFUSED).flags("qr")
                        .says("CHAOS refused"));
        Stream<DnsCase> any = Stream.of(
                q("www.proto.example.", Type.A).qclass(DClass.ANY).says("QCLASS * answered from IN").answer(WWW),
                q("www.proto.example.", Type.A).qclass(DClass.HS).rcode(Rcode.REFUSED).flags("qr rd"));
        return Stream.concat(Stream.concat(outside, classes), any);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"header", "case0x20", "opcodes", "classesAndOutside"})
    void answers(DnsCase c) {
        c.check(dns);
    }

    @Test
    void responseIdEchoesTheQueryId() {
        for (int id : new int[] {0x0000, 0x0001, 0x8000, 0xFFFF, 0x1234}) {
            Message q = q("www.proto.example.", Type.A).query();
            q.getHeader().setID(id);
            assertThat(dns.ask(q).getHeader().getID()).isEqualTo(id);
        }
    }

    @Test
    void ixfrWithTheClientsSoaIsRefused() throws Exception {
        Name apex = Name.fromString("proto.example.");
        Message m = Message.newQuery(Record.newRecord(apex, Type.IXFR, DClass.IN));
        m.addRecord(new SOARecord(apex, DClass.IN, 0, Name.fromString("ns1", apex), Name.fromString("hostmaster", apex),
                1, 0, 0, 0, 0), Section.AUTHORITY);
        for (boolean tcp : new boolean[] {false, true}) {
            Message r = dns.ask(m, tcp);
            assertThat(r.getRcode()).isEqualTo(Rcode.REFUSED);
            assertThat(r.getSection(Section.ANSWER)).isEmpty();
            assertThat(r.getSection(Section.AUTHORITY)).isEmpty();
        }
    }

    @Test
    void updateWithAnUpdateSectionIsRefusedAndChangesNothing() throws Exception {
        Name apex = Name.fromString("proto.example.");
        Message m = Message.newQuery(Record.newRecord(apex, Type.SOA, DClass.IN));
        m.getHeader().setOpcode(Opcode.UPDATE);
        m.getHeader().unsetFlag(Flags.RD);
        m.addRecord(Record.fromString(Name.fromString("new", apex), Type.A, DClass.IN, 300, "192.0.2.7", apex),
                Section.AUTHORITY);
        Message r = dns.ask(m);
        assertThat(r.getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(r.getHeader().getOpcode()).isEqualTo(Opcode.UPDATE);
        q("new.proto.example.", Type.A).rcode(Rcode.NXDOMAIN).ns(SOA).check(dns);
    }
}
