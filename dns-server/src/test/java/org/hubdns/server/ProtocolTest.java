package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.server.RawDns.AA;
import static org.hubdns.server.RawDns.AD;
import static org.hubdns.server.RawDns.CD;
import static org.hubdns.server.RawDns.CLASS_CH;
import static org.hubdns.server.RawDns.CLASS_IN;
import static org.hubdns.server.RawDns.NOERROR;
import static org.hubdns.server.RawDns.NOTAUTH;
import static org.hubdns.server.RawDns.NOTIMP;
import static org.hubdns.server.RawDns.NXDOMAIN;
import static org.hubdns.server.RawDns.QR;
import static org.hubdns.server.RawDns.RA;
import static org.hubdns.server.RawDns.RD;
import static org.hubdns.server.RawDns.REFUSED;
import static org.hubdns.server.RawDns.TC;
import static org.hubdns.server.RawDns.TYPE_A;
import static org.hubdns.server.RawDns.TYPE_AXFR;
import static org.hubdns.server.RawDns.TYPE_NS;
import static org.hubdns.server.RawDns.TYPE_SOA;
import static org.hubdns.server.RawDns.TYPE_TXT;
import static org.hubdns.server.RawDns.concat;
import static org.hubdns.server.RawDns.header;
import static org.hubdns.server.RawDns.query;
import static org.hubdns.server.RawDns.question;

import java.util.Map;
import java.util.stream.Stream;
import org.hubdns.server.RawDns.Msg;
import org.hubdns.server.RawDns.Rr;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * RFC 1035 4.1.1 header semantics of an authoritative-only server: AA, RD and CD handling, RA
 * never offered (RFC 1034 4.3.1), the question echoed unchanged (including 0x20 case, RFC 4343),
 * opcodes other than QUERY, zone transfers, and names or classes the server is not authoritative for.
 */
class ProtocolTest {
    private static final String PROTO_ZONE = """
            $TTL 300
            @        IN SOA ns1.proto.example. hostmaster.proto.example. 7 7200 1800 1209600 60
            @        IN NS  ns1.proto.example.
            ns1      IN A   192.0.2.53
            www      IN A   192.0.2.10
            sub      IN NS  ns.sub.proto.example.
            ns.sub   IN A   192.0.2.99
            """;

    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(true, Map.of("proto.example.zone", PROTO_ZONE), null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static int nextId = 0x4100;

    private static synchronized int id() {
        return nextId++ & 0xFFFF;
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void authoritativeAnswerHasAaSetAndRaClear(boolean tcp) throws Exception {
        byte[] q = query(id(), "www.pk-hub.example.", TYPE_A);
        Msg r = RawDns.ask(server, q, tcp);
        assertThat(r.flag(QR)).isTrue();
        assertThat(r.rcode()).isEqualTo(NOERROR);
        assertThat(r.flag(AA)).as("AA for data from a zone we are authoritative for").isTrue();
        assertThat(r.flag(RA)).as("RA: an authoritative-only server offers no recursion").isFalse();
        assertThat(r.flag(TC)).isFalse();
        assertThat(r.flag(AD)).isFalse();
        assertThat(r.section(1)).singleElement().satisfies(rr -> {
            assertThat(rr.type()).isEqualTo(TYPE_A);
            assertThat(rr.rdata()).containsExactly(192, 0, 2, 80);
        });
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void nameErrorIsAuthoritativeWithSoaInAuthority(boolean tcp) throws Exception {
        Msg r = RawDns.ask(server, query(id(), "nope.pk-hub.example.", TYPE_A), tcp);
        assertThat(r.rcode()).isEqualTo(NXDOMAIN);
        assertThat(r.flag(AA)).isTrue();
        assertThat(r.flag(RA)).isFalse();
        assertThat(r.ancount()).isZero();
        assertThat(r.section(2)).singleElement().satisfies(rr -> {
            assertThat(rr.type()).isEqualTo(TYPE_SOA);
            assertThat(rr.name()).isEqualTo("pk-hub.example.");
        });
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void referralToAChildZoneHasAaClear(boolean tcp) throws Exception {
        Msg r = RawDns.ask(server, query(id(), "www.sub.proto.example.", TYPE_A), tcp);
        assertThat(r.rcode()).isEqualTo(NOERROR);
        assertThat(r.flag(AA)).as("AA on a referral (RFC 1034 4.3.2 step 3b)").isFalse();
        assertThat(r.ancount()).isZero();
        assertThat(r.section(2)).singleElement().satisfies(rr -> {
            assertThat(rr.type()).isEqualTo(TYPE_NS);
            assertThat(rr.name()).isEqualTo("sub.proto.example.");
        });
        assertThat(r.section(3)).singleElement().satisfies(rr -> {
            assertThat(rr.name()).isEqualTo("ns.sub.proto.example.");
            assertThat(rr.rdata()).containsExactly(192, 0, 2, 99);
        });
    }

    static Stream<Arguments> rdAndTransport() {
        return Stream.of(Arguments.of(false, false), Arguments.of(false, true), Arguments.of(true, false),
                Arguments.of(true, true));
    }

    @ParameterizedTest(name = "rd={0} tcp={1}")
    @MethodSource("rdAndTransport")
    void recursionDesiredIsCopiedAndRecursionAvailableNeverSet(boolean rd, boolean tcp) throws Exception {
        byte[] q = concat(header(id(), 0, rd ? RD : 0, 1, 0, 0, 0), question("www.pk-hub.example.", TYPE_A, CLASS_IN));
        Msg r = RawDns.ask(server, q, tcp);
        assertThat(r.rcode()).isEqualTo(NOERROR);
        assertThat(r.flag(RD)).as("RD copied from the query (RFC 1035 4.1.1)").isEqualTo(rd);
        assertThat(r.flag(RA)).isFalse();
        assertThat(r.flag(AA)).isTrue();
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void checkingDisabledIsCopied(boolean tcp) throws Exception {
        byte[] withCd = concat(header(id(), 0, RD | CD, 1, 0, 0, 0),
                question("www.pk-hub.example.", TYPE_A, CLASS_IN));
        Msg r = RawDns.ask(server, withCd, tcp);
        assertThat(r.flag(CD)).as("CD copied into the response (RFC 4035 3.1.6)").isTrue();
        assertThat(r.rcode()).isEqualTo(NOERROR);

        byte[] withoutCd = query(id(), "www.pk-hub.example.", TYPE_A);
        assertThat(RawDns.ask(server, withoutCd, tcp).flag(CD)).isFalse();
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void authenticatedDataAndZBitsOfTheQueryAreNotEchoed(boolean tcp) throws Exception {
        byte[] q = concat(header(id(), 0, RD | AD | 0x0040, 1, 0, 0, 0),
                question("www.pk-hub.example.", TYPE_A, CLASS_IN));
        Msg r = RawDns.ask(server, q, tcp);
        assertThat(r.flag(AD)).as("AD: the server validates nothing").isFalse();
        assertThat(r.flags() & 0x0040).as("Z must be zero in all responses (RFC 1035 4.1.1)").isZero();
    }

    static Stream<Arguments> mixedCaseQuestions() {
        return Stream.of(
                Arguments.of("wWw.Pk-HuB.eXaMpLe.", TYPE_A, NOERROR, false),
                Arguments.of("wWw.Pk-HuB.eXaMpLe.", TYPE_A, NOERROR, true),
                Arguments.of("NoPe.PK-HUB.example.", TYPE_A, NXDOMAIN, false),
                Arguments.of("NoPe.PK-HUB.example.", TYPE_A, NXDOMAIN, true),
                Arguments.of("WWW.pk-hub.EXAMPLE.", TYPE_TXT, NOERROR, false),
                Arguments.of("WwW.ElSeWhErE.NeT.", TYPE_A, REFUSED, false),
                Arguments.of("WwW.ElSeWhErE.NeT.", TYPE_A, REFUSED, true),
                Arguments.of("A.b.Sub.PROTO.example.", TYPE_A, NOERROR, false));
    }

    @ParameterizedTest(name = "{0} type {1} -> rcode {2}, tcp={3}")
    @MethodSource("mixedCaseQuestions")
    void questionSectionIsEchoedByteForByteIncludingCase(String name, int type, int rcode, boolean tcp)
            throws Exception {
        byte[] q = query(id(), name, type);
        Msg r = RawDns.ask(server, q, tcp);
        assertThat(r.rcode()).isEqualTo(rcode);
        assertThat(r.qdcount()).isEqualTo(1);
        assertThat(r.questionBytes()).as("question of the response vs the query (0x20 case preserved)")
                .containsExactly(RawDns.questionOf(q));
    }

    static Stream<Arguments> unknownOpcodes() {
        return Stream.of(2, 3, 6, 7, 15).flatMap(op -> Stream.of(Arguments.of(op, false), Arguments.of(op, true)));
    }

    @ParameterizedTest(name = "opcode {0} tcp={1}")
    @MethodSource("unknownOpcodes")
    void unknownOpcodeGetsNotImpWithTheOpcodeCopied(int opcode, boolean tcp) throws Exception {
        byte[] q = concat(header(id(), opcode, RD, 1, 0, 0, 0), question("www.pk-hub.example.", TYPE_A, CLASS_IN));
        Msg r = RawDns.ask(server, q, tcp);
        assertThat(r.flag(QR)).isTrue();
        assertThat(r.rcode()).isEqualTo(NOTIMP);
        assertThat(r.opcode()).as("opcode copied into the response (RFC 1035 4.1.1)").isEqualTo(opcode);
        assertThat(r.flag(AA)).isFalse();
        assertThat(r.ancount() + r.nscount()).isZero();
    }

    static Stream<Arguments> notifyAndUpdate() {
        return Stream.of(4, 5).flatMap(op -> Stream.of(Arguments.of(op, false), Arguments.of(op, true)));
    }

    @ParameterizedTest(name = "opcode {0} tcp={1}")
    @MethodSource("notifyAndUpdate")
    void notifyAndUpdateAreRefused(int opcode, boolean tcp) throws Exception {
        // NOTIFY (RFC 1996) names the zone's SOA; UPDATE (RFC 2136) has the zone in its ZOCOUNT section
        byte[] q = concat(header(id(), opcode, opcode == 4 ? AA : 0, 1, 0, 0, 0),
                question("pk-hub.example.", TYPE_SOA, CLASS_IN));
        Msg r = RawDns.ask(server, q, tcp);
        assertThat(r.rcode()).isEqualTo(REFUSED);
        assertThat(r.opcode()).isEqualTo(opcode);
        assertThat(r.ancount() + r.nscount()).isZero();
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void updateWithAnUpdateSectionIsRefused(boolean tcp) throws Exception {
        // zone pk-hub.example. SOA IN; update section: add "new 300 IN A 192.0.2.7" (RFC 2136 2.5.1)
        byte[] update = concat(RawDns.name("new.pk-hub.example."), RawDns.u16(TYPE_A), RawDns.u16(CLASS_IN),
                RawDns.bytes(0, 0, 1, 44), RawDns.u16(4), RawDns.bytes(192, 0, 2, 7));
        byte[] q = concat(header(id(), 5, 0, 1, 0, 1, 0), question("pk-hub.example.", TYPE_SOA, CLASS_IN), update);
        Msg r = RawDns.ask(server, q, tcp);
        assertThat(r.rcode()).isEqualTo(REFUSED);
        assertThat(r.opcode()).isEqualTo(5);
        // and nothing changed
        assertThat(RawDns.ask(server, query(id(), "new.pk-hub.example.", TYPE_A), tcp).rcode()).isEqualTo(NXDOMAIN);
    }

    static Stream<Arguments> transfers() {
        return Stream.of("pk-hub.example.", "proto.example.")
                .flatMap(z -> Stream.of(Arguments.of(z, false), Arguments.of(z, true)));
    }

    @ParameterizedTest(name = "AXFR {0} tcp={1}")
    @MethodSource("transfers")
    void zoneTransferAxfrIsRefused(String zone, boolean tcp) throws Exception {
        byte[] q = concat(header(id(), 0, 0, 1, 0, 0, 0), question(zone, TYPE_AXFR, CLASS_IN));
        Msg r = RawDns.ask(server, q, tcp);
        assertThat(r.rcode()).isIn(REFUSED, NOTAUTH);
        assertThat(r.ancount()).as("no zone content").isZero();
        assertThat(r.nscount()).isZero();
    }

    @ParameterizedTest(name = "IXFR {0} tcp={1}")
    @MethodSource("transfers")
    void incrementalZoneTransferIxfrIsRefused(String zone, boolean tcp) throws Exception {
        Name apex = Name.fromString(zone);
        Message m = Message.newQuery(Record.newRecord(apex, Type.IXFR, DClass.IN));
        m.getHeader().unsetFlag(org.xbill.DNS.Flags.RD);
        m.getHeader().setID(id());
        m.addRecord(new SOARecord(apex, DClass.IN, 0, Name.fromString("ns1", apex),
                Name.fromString("hostmaster", apex), 1, 0, 0, 0, 0), Section.AUTHORITY);
        Msg r = RawDns.ask(server, m.toWire(), tcp);
        assertThat(r.rcode()).isIn(REFUSED, NOTAUTH);
        assertThat(r.ancount()).as("no zone content").isZero();
    }

    static Stream<Arguments> outsideNames() {
        return Stream.of(".", "com.", "example.", "elsewhere.net.", "pk-hub.example.org.", "xpk-hub.example.")
                .flatMap(n -> Stream.of(Arguments.of(n, false), Arguments.of(n, true)));
    }

    @ParameterizedTest(name = "{0} tcp={1}")
    @MethodSource("outsideNames")
    void nameOutsideEveryZoneIsRefusedWithoutUpwardReferral(String name, boolean tcp) throws Exception {
        for (int type : new int[] {TYPE_A, TYPE_NS}) {
            Msg r = RawDns.ask(server, query(id(), name, type), tcp);
            assertThat(r.rcode()).as("%s type %d", name, type).isEqualTo(REFUSED);
            assertThat(r.flag(AA)).isFalse();
            assertThat(r.records()).as("no records at all, in particular no root NS referral").isEmpty();
            assertThat(r.qdcount()).isEqualTo(1);
        }
    }

    static Stream<Arguments> chaosQuestions() {
        return Stream.of("version.bind.", "hostname.bind.", "id.server.", "www.pk-hub.example.")
                .flatMap(n -> Stream.of(Arguments.of(n, false), Arguments.of(n, true)));
    }

    @ParameterizedTest(name = "{0} CH tcp={1}")
    @MethodSource("chaosQuestions")
    void chaosClassIsRefused(String name, boolean tcp) throws Exception {
        byte[] q = concat(header(id(), 0, 0, 1, 0, 0, 0), question(name, TYPE_TXT, CLASS_CH));
        Msg r = RawDns.ask(server, q, tcp);
        assertThat(r.rcode()).isEqualTo(REFUSED);
        assertThat(r.records()).isEmpty();
        assertThat(r.questionBytes()).containsExactly(RawDns.questionOf(q));
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void qclassAnyIsAnsweredFromTheInData(boolean tcp) throws Exception {
        byte[] q = concat(header(id(), 0, 0, 1, 0, 0, 0), question("www.pk-hub.example.", TYPE_A, 255));
        Msg r = RawDns.ask(server, q, tcp);
        assertThat(r.rcode()).isEqualTo(0);
        assertThat(r.records()).hasSize(1);
        assertThat(r.questionBytes()).containsExactly(RawDns.questionOf(q));
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void responseIdEchoesTheQueryId(boolean tcp) throws Exception {
        for (int qid : new int[] {0x0000, 0x0001, 0x8000, 0xFFFF, 0x1234}) {
            Msg r = RawDns.ask(server, query(qid, "www.pk-hub.example.", TYPE_A), tcp);
            assertThat(r.id()).isEqualTo(qid);
        }
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void noDataAnswerHasSoaWithNegativeTtl(boolean tcp) throws Exception {
        Msg r = RawDns.ask(server, query(id(), "www.proto.example.", TYPE_TXT), tcp);
        assertThat(r.rcode()).isEqualTo(NOERROR);
        assertThat(r.flag(AA)).isTrue();
        assertThat(r.ancount()).isZero();
        Rr soa = r.section(2).get(0);
        assertThat(soa.type()).isEqualTo(TYPE_SOA);
        assertThat(soa.ttl()).as("min(SOA TTL, MINIMUM) per RFC 2308 3").isEqualTo(60);
    }
}
