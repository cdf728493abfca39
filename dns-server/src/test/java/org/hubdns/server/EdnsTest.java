package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.server.RawDns.CLASS_IN;
import static org.hubdns.server.RawDns.DO;
import static org.hubdns.server.RawDns.FORMERR;
import static org.hubdns.server.RawDns.NOERROR;
import static org.hubdns.server.RawDns.NOTIMP;
import static org.hubdns.server.RawDns.NXDOMAIN;
import static org.hubdns.server.RawDns.OPT_COOKIE;
import static org.hubdns.server.RawDns.OPT_ECS;
import static org.hubdns.server.RawDns.OPT_NSID;
import static org.hubdns.server.RawDns.RD;
import static org.hubdns.server.RawDns.REFUSED;
import static org.hubdns.server.RawDns.TC;
import static org.hubdns.server.RawDns.TYPE_A;
import static org.hubdns.server.RawDns.TYPE_SOA;
import static org.hubdns.server.RawDns.TYPE_TXT;
import static org.hubdns.server.RawDns.bytes;
import static org.hubdns.server.RawDns.concat;
import static org.hubdns.server.RawDns.ecs;
import static org.hubdns.server.RawDns.ednsQuery;
import static org.hubdns.server.RawDns.header;
import static org.hubdns.server.RawDns.opt;
import static org.hubdns.server.RawDns.option;
import static org.hubdns.server.RawDns.query;
import static org.hubdns.server.RawDns.question;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.hubdns.server.RawDns.Msg;
import org.hubdns.server.RawDns.Option;
import org.hubdns.server.RawDns.Rr;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * EDNS(0) (RFC 6891) and the options the server implements: DNS Cookies (RFC 7873, server cookie
 * format of RFC 9018), NSID (RFC 5001) and Client Subnet (RFC 7871).
 */
class EdnsTest {
    private static final String WWW = "www.pk-hub.example.";
    private static final byte[] CLIENT_COOKIE = bytes(0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF);

    /** Three TXT records of 100 characters: a response of about 380 bytes, between 100 and 512. */
    private static final String EDNS_ZONE = """
            $TTL 300
            @   IN SOA ns1.edns.example. hostmaster.edns.example. 1 7200 1800 1209600 300
            @   IN NS  ns1.edns.example.
            ns1 IN A   192.0.2.53
            txt IN TXT "%1$s1"
            txt IN TXT "%1$s2"
            txt IN TXT "%1$s3"
            """.formatted("x".repeat(99));

    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(true, Map.of("edns.example.zone", EDNS_ZONE), "test-ns1");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static int nextId = 0x2200;

    private static synchronized int id() {
        return nextId++ & 0xFFFF;
    }

    // --------------------------------------------------------------------------------------------
    // OPT presence, payload size, version, flags

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void responseToAQueryWithoutOptHasNoOpt(boolean tcp) throws Exception {
        for (String name : new String[] {WWW, "nope.pk-hub.example.", "elsewhere.net."}) {
            Msg r = RawDns.ask(server, query(id(), name, TYPE_A), tcp);
            assertThat(r.opts()).as("OPT in the response to %s without EDNS (RFC 6891 7)", name).isEmpty();
            assertThat(r.arcount()).isZero();
        }
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void responseToAQueryWithOptHasOneOptAdvertising1232(boolean tcp) throws Exception {
        for (String name : new String[] {WWW, "nope.pk-hub.example.", "elsewhere.net."}) {
            Msg r = RawDns.ask(server, ednsQuery(id(), name, TYPE_A, 4096, 0), tcp);
            Rr opt = r.opt();
            assertThat(opt).as("OPT in the response to %s with EDNS", name).isNotNull();
            assertThat(opt.section()).isEqualTo(3);
            assertThat(opt.name()).isEqualTo(".");
            assertThat(opt.payload()).as("our UDP payload size").isEqualTo(1232);
            assertThat(opt.version()).isZero();
            assertThat(opt.extendedRcode()).isZero();
        }
    }

    static Stream<Arguments> responsesOfEveryKind() {
        // name, qtype, opcode, expected rcode
        return Stream.of(
                Arguments.of(WWW, TYPE_A, 0, NOERROR),
                Arguments.of("nope.pk-hub.example.", TYPE_A, 0, NXDOMAIN),
                Arguments.of("elsewhere.net.", TYPE_A, 0, REFUSED),
                Arguments.of("pk-hub.example.", TYPE_SOA, 4, REFUSED),
                Arguments.of(WWW, TYPE_A, 2, NOTIMP),
                Arguments.of(WWW, TYPE_A, 3, NOTIMP),
                Arguments.of(WWW, TYPE_A, 15, NOTIMP))
                .flatMap(a -> Stream.of(Arguments.of(a.get()[0], a.get()[1], a.get()[2], a.get()[3], false),
                        Arguments.of(a.get()[0], a.get()[1], a.get()[2], a.get()[3], true)));
    }

    @ParameterizedTest(name = "{0} type {1} opcode {2} -> rcode {3}, tcp={4}")
    @MethodSource("responsesOfEveryKind")
    void everyResponseToAnEdnsQueryCarriesAnOpt(String name, int type, int opcode, int rcode, boolean tcp)
            throws Exception {
        // RFC 6891 7: "If an OPT record is present in a received request, compliant responders
        // MUST include an OPT record in their respective responses." (the ISC EDNS compliance
        // test sends opcode 15 with EDNS and expects NOTIMP with an OPT)
        byte[] q = concat(header(id(), opcode, RD, 1, 0, 0, 1), question(name, type, CLASS_IN),
                opt(1232, 0, 0, 0));
        Msg r = RawDns.ask(server, q, tcp);
        assertThat(r.rcode()).isEqualTo(rcode);
        assertThat(r.opcode()).isEqualTo(opcode);
        assertThat(r.opts()).as("OPT in the %s response to an EDNS query", rcode).hasSize(1);
    }

    @ParameterizedTest(name = "version {0} tcp={1}")
    @MethodSource("badVersions")
    void unsupportedVersionGetsBadvers(int version, boolean tcp) throws Exception {
        byte[] q = concat(header(id(), 0, RD, 1, 0, 0, 1), question(WWW, TYPE_A, CLASS_IN),
                opt(1232, 0, version, 0));
        Msg r = RawDns.ask(server, q, tcp);
        Rr opt = r.opt();
        assertThat(opt).as("BADVERS travels in the OPT").isNotNull();
        assertThat(r.rcode()).as("lower four bits of BADVERS (16) in the header").isZero();
        assertThat(opt.extendedRcode()).as("upper eight bits of BADVERS in the OPT").isEqualTo(1);
        assertThat(r.extendedRcode()).isEqualTo(16);
        assertThat(opt.version()).as("the highest version we implement (RFC 6891 6.1.3)").isZero();
        assertThat(r.ancount()).isZero();
    }

    static Stream<Arguments> badVersions() {
        return Stream.of(1, 2, 255).flatMap(v -> Stream.of(Arguments.of(v, false), Arguments.of(v, true)));
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void twoOptRecordsGetFormerr(boolean tcp) throws Exception {
        byte[] q = concat(header(id(), 0, RD, 1, 0, 0, 2), question(WWW, TYPE_A, CLASS_IN), opt(1232, 0, 0, 0),
                opt(1232, 0, 0, 0));
        Msg r = RawDns.ask(server, q, tcp);
        assertThat(r.rcode()).as("RFC 6891 6.1.1: more than one OPT -> FORMERR").isEqualTo(FORMERR);
        assertThat(r.ancount()).isZero();
    }

    static Stream<Arguments> badlyFormattedOptions() {
        return Stream.of(
                Arguments.of("option length past the RDATA", bytes(0, 10, 0, 8, 1, 2, 3, 4)),
                Arguments.of("unknown option, length past the RDATA", bytes(0xFD, 0xE9, 0, 5, 1)),
                Arguments.of("half an option header", bytes(0, 10, 0)),
                Arguments.of("a good option, then half an option header", concat(option(OPT_NSID, new byte[0]),
                        bytes(0))),
                Arguments.of("COOKIE of 12 octets", option(OPT_COOKIE, new byte[12])),
                Arguments.of("ECS family 3", ecs(3, 24, 0, bytes(192, 0, 2))))
                .flatMap(a -> Stream.of(Arguments.of(a.get()[0], a.get()[1], false),
                        Arguments.of(a.get()[0], a.get()[1], true)));
    }

    @ParameterizedTest(name = "{0} tcp={2}")
    @MethodSource("badlyFormattedOptions")
    void badlyFormattedOptionGetsFormerrWithAnOpt(String what, byte[] rdata, boolean tcp) throws Exception {
        // RFC 6891 7: "If there is a problem with processing the OPT record itself, such as an option
        // value that is badly formatted [...], a FORMERR MUST be returned. If this occurs, the
        // response MUST include an OPT record."
        byte[] q = concat(header(id(), 0, RD, 1, 0, 0, 1), question(WWW, TYPE_A, CLASS_IN),
                opt(1232, 0, 0, 0, rdata));
        Msg r = RawDns.ask(server, q, tcp);
        assertThat(r.rcode()).as(what).isEqualTo(FORMERR);
        assertThat(r.ancount()).isZero();
        assertThat(r.opts()).as("OPT in the FORMERR response to %s", what).hasSize(1);
        assertThat(r.opt().options()).as("nothing from a malformed OPT is echoed").isEmpty();
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void optNotOwnedByTheRootGetsFormerr(boolean tcp) throws Exception {
        byte[] badOpt = concat(RawDns.name("x."), Arrays.copyOfRange(opt(1232, 0, 0, 0), 1, 11));
        byte[] q = concat(header(id(), 0, RD, 1, 0, 0, 1), question(WWW, TYPE_A, CLASS_IN), badOpt);
        Msg r = RawDns.ask(server, q, tcp);
        assertThat(r.rcode()).as("RFC 6891 6.1.2: the OPT's NAME must be the root").isEqualTo(FORMERR);
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void optInTheAnswerSectionGetsFormerr(boolean tcp) throws Exception {
        byte[] q = concat(header(id(), 0, RD, 1, 1, 0, 0), question(WWW, TYPE_A, CLASS_IN), opt(1232, 0, 0, 0));
        assertThat(RawDns.ask(server, q, tcp).rcode()).isEqualTo(FORMERR);
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void unknownOptionsAreIgnored(boolean tcp) throws Exception {
        byte[] q = ednsQuery(id(), WWW, TYPE_A, 1232, 0, option(65001, bytes(1, 2, 3, 4, 5)), option(100, new byte[0]),
                option(26946, bytes(0xFF)));
        Msg r = RawDns.ask(server, q, tcp);
        assertThat(r.rcode()).isEqualTo(NOERROR);
        assertThat(r.ancount()).isEqualTo(1);
        assertThat(r.opt().options()).as("unknown options are not echoed").isEmpty();
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void unknownEdnsFlagsAreIgnoredAndNotEchoed(boolean tcp) throws Exception {
        Msg r = RawDns.ask(server, ednsQuery(id(), WWW, TYPE_A, 1232, 0x7FFF), tcp);
        assertThat(r.rcode()).isEqualTo(NOERROR);
        assertThat(r.ancount()).isEqualTo(1);
        assertThat(r.opt().ednsFlags()).as("Z flags: set to zero by senders (RFC 6891 6.1.4)").isZero();
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void dnssecOkIsCopied(boolean tcp) throws Exception {
        Msg withDo = RawDns.ask(server, ednsQuery(id(), WWW, TYPE_A, 1232, DO), tcp);
        assertThat(withDo.opt().ednsFlags()).as("DO copied (RFC 3225 3)").isEqualTo(DO);
        Msg withoutDo = RawDns.ask(server, ednsQuery(id(), WWW, TYPE_A, 1232, 0), tcp);
        assertThat(withoutDo.opt().ednsFlags() & DO).isZero();
        Msg doAndZ = RawDns.ask(server, ednsQuery(id(), WWW, TYPE_A, 1232, 0xFFFF), tcp);
        assertThat(doAndZ.opt().ednsFlags()).isEqualTo(DO);
    }

    @ParameterizedTest(name = "payload {0}")
    @ValueSource(ints = {0, 1, 100, 300})
    void requestedPayloadBelow512IsTreatedAs512(int payload) throws Exception {
        // the answer is ~380 bytes: it would be truncated if the small value were taken literally
        Msg r = RawDns.ask(server, ednsQuery(id(), "txt.edns.example.", TYPE_TXT, payload, 0), false);
        assertThat(r.size()).isGreaterThan(payload).isLessThanOrEqualTo(512);
        assertThat(r.flag(TC)).as("RFC 6891 6.2.3: values below 512 are treated as 512").isFalse();
        assertThat(r.rcode()).isEqualTo(NOERROR);
        assertThat(r.ancount()).isEqualTo(3);
    }

    // --------------------------------------------------------------------------------------------
    // COOKIE (RFC 7873, RFC 9018)

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void clientCookieGetsAServerCookie(boolean tcp) throws Exception {
        long before = System.currentTimeMillis() / 1000;
        Msg r = RawDns.ask(server, ednsQuery(id(), WWW, TYPE_A, 1232, 0, option(OPT_COOKIE, CLIENT_COOKIE)), tcp);
        long after = System.currentTimeMillis() / 1000;
        assertThat(r.rcode()).isEqualTo(NOERROR);
        assertThat(r.ancount()).isEqualTo(1);
        byte[] cookie = cookieOf(r);
        assertThat(cookie).as("client cookie (8) + server cookie (16)").hasSize(24);
        assertThat(Arrays.copyOfRange(cookie, 0, 8)).as("the client cookie comes back").containsExactly(CLIENT_COOKIE);
        assertThat(cookie[8]).as("RFC 9018 server cookie version").isEqualTo((byte) 1);
        assertThat(Arrays.copyOfRange(cookie, 9, 12)).as("reserved").containsExactly(0, 0, 0);
        long timestamp = RawDns.u16(cookie, 12) * 65536L + RawDns.u16(cookie, 14);
        assertThat(timestamp).as("RFC 9018 timestamp: now").isBetween(before - 1, after + 1);
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void serverCookieDependsOnTheClientCookie(boolean tcp) throws Exception {
        byte[] other = bytes(0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10);
        byte[] a = cookieOf(RawDns.ask(server, ednsQuery(id(), WWW, TYPE_A, 1232, 0, option(OPT_COOKIE, CLIENT_COOKIE)),
                tcp));
        byte[] b = cookieOf(RawDns.ask(server, ednsQuery(id(), WWW, TYPE_A, 1232, 0, option(OPT_COOKIE, other)), tcp));
        assertThat(Arrays.copyOfRange(b, 0, 8)).containsExactly(other);
        assertThat(Arrays.copyOfRange(a, 16, 24)).as("hash part for two different client cookies")
                .isNotEqualTo(Arrays.copyOfRange(b, 16, 24));
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void clientAndServerCookieGetAFreshServerCookie(boolean tcp) throws Exception {
        byte[] first = cookieOf(RawDns.ask(server,
                ednsQuery(id(), WWW, TYPE_A, 1232, 0, option(OPT_COOKIE, CLIENT_COOKIE)), tcp));
        // the full cookie we were given, and one with a server part the server never made
        byte[] forged = first.clone();
        forged[23] ^= 0x5A;
        for (byte[] sent : new byte[][] {first, forged}) {
            Msg r = RawDns.ask(server, ednsQuery(id(), WWW, TYPE_A, 1232, 0, option(OPT_COOKIE, sent)), tcp);
            assertThat(r.rcode()).isEqualTo(NOERROR);
            assertThat(r.ancount()).isEqualTo(1);
            byte[] again = cookieOf(r);
            assertThat(again).hasSize(24);
            assertThat(Arrays.copyOfRange(again, 0, 8)).containsExactly(CLIENT_COOKIE);
            assertThat(again[8]).isEqualTo((byte) 1);
        }
    }

    @Test
    void serverCookieIsTheSameForTheSameClientCookieAddressAndSecondOverUdpAndTcp() throws Exception {
        // RFC 9018 4.2: the server cookie is a function of client cookie, version, timestamp and client IP
        byte[] q = ednsQuery(id(), WWW, TYPE_A, 1232, 0, option(OPT_COOKIE, CLIENT_COOKIE));
        for (int attempt = 0; attempt < 5; attempt++) {
            byte[] udp = cookieOf(RawDns.ask(server, q, false));
            byte[] tcp = cookieOf(RawDns.ask(server, q, true));
            if (Arrays.equals(udp, 12, 16, tcp, 12, 16)) {
                assertThat(tcp).as("same inputs, same server cookie").containsExactly(udp);
                return;
            }
        }
        throw new AssertionError("five UDP/TCP pairs of queries each straddled a second boundary");
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void queryWithoutCookieGetsNoCookie(boolean tcp) throws Exception {
        Msg r = RawDns.ask(server, ednsQuery(id(), WWW, TYPE_A, 1232, 0), tcp);
        assertThat(r.opt().option(OPT_COOKIE)).isNull();
    }

    static Stream<Arguments> badCookieLengths() {
        return Stream.of(0, 1, 5, 7, 9, 12, 15, 41, 48)
                .flatMap(n -> Stream.of(Arguments.of(n, false), Arguments.of(n, true)));
    }

    @ParameterizedTest(name = "length {0} tcp={1}")
    @MethodSource("badCookieLengths")
    void cookieOfWrongLengthGetsFormerr(int length, boolean tcp) throws Exception {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) (0x30 + i);
        }
        Msg r = RawDns.ask(server, ednsQuery(id(), WWW, TYPE_A, 1232, 0, option(OPT_COOKIE, data)), tcp);
        assertThat(r.rcode()).as("RFC 7873 5.2.2: COOKIE of length %d", length).isEqualTo(FORMERR);
        assertThat(r.ancount()).isZero();
    }

    @ParameterizedTest(name = "length {0}")
    @ValueSource(ints = {16, 24, 40})
    void cookieOfEveryValidLengthIsAccepted(int length) throws Exception {
        byte[] data = new byte[length];
        System.arraycopy(CLIENT_COOKIE, 0, data, 0, 8);
        Msg r = RawDns.ask(server, ednsQuery(id(), WWW, TYPE_A, 1232, 0, option(OPT_COOKIE, data)), false);
        assertThat(r.rcode()).isEqualTo(NOERROR);
        assertThat(cookieOf(r)).hasSize(24);
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void queryWithNoQuestionButAClientCookieGetsAServerCookie(boolean tcp) throws Exception {
        // RFC 7873 5.4: QDCOUNT=0 with a COOKIE option asks for a server cookie only
        byte[] q = concat(header(id(), 0, 0, 0, 0, 0, 1), opt(1232, 0, 0, 0, option(OPT_COOKIE, CLIENT_COOKIE)));
        Msg r = RawDns.ask(server, q, tcp);
        assertThat(r.rcode()).isEqualTo(NOERROR);
        assertThat(r.qdcount()).isZero();
        assertThat(r.ancount() + r.nscount()).isZero();
        byte[] cookie = cookieOf(r);
        assertThat(cookie).hasSize(24);
        assertThat(Arrays.copyOfRange(cookie, 0, 8)).containsExactly(CLIENT_COOKIE);
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void queryWithNoQuestionAndNoCookieGetsFormerr(boolean tcp) throws Exception {
        byte[] q = concat(header(id(), 0, 0, 0, 0, 0, 1), opt(1232, 0, 0, 0));
        assertThat(RawDns.ask(server, q, tcp).rcode()).isEqualTo(FORMERR);
        byte[] plain = header(id(), 0, 0, 0, 0, 0, 0);
        assertThat(RawDns.ask(server, plain, tcp).rcode()).isEqualTo(FORMERR);
    }

    private static byte[] cookieOf(Msg r) {
        Rr opt = r.opt();
        assertThat(opt).as("OPT in the response").isNotNull();
        Option c = opt.option(OPT_COOKIE);
        assertThat(c).as("COOKIE option in the response").isNotNull();
        return c.data();
    }

    // --------------------------------------------------------------------------------------------
    // NSID (RFC 5001)

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void nsidRequestGetsTheConfiguredIdentifier(boolean tcp) throws Exception {
        Msg r = RawDns.ask(server, ednsQuery(id(), WWW, TYPE_A, 1232, 0, option(OPT_NSID, new byte[0])), tcp);
        assertThat(r.rcode()).isEqualTo(NOERROR);
        Option nsid = r.opt().option(OPT_NSID);
        assertThat(nsid).isNotNull();
        assertThat(new String(nsid.data(), StandardCharsets.UTF_8)).isEqualTo("test-ns1");
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void nsidIsOnlySentWhenRequested(boolean tcp) throws Exception {
        Msg r = RawDns.ask(server, ednsQuery(id(), WWW, TYPE_A, 1232, 0), tcp);
        assertThat(r.opt().option(OPT_NSID)).isNull();
    }

    @Test
    void serverWithoutNsidSendsNoNsidOption() throws Exception {
        try (RunningServer plain = RunningServer.demo()) {
            for (boolean tcp : new boolean[] {false, true}) {
                Msg r = RawDns.ask(plain, ednsQuery(id(), WWW, TYPE_A, 1232, 0, option(OPT_NSID, new byte[0])), tcp);
                assertThat(r.rcode()).isEqualTo(NOERROR);
                assertThat(r.opt()).isNotNull();
                assertThat(r.opt().option(OPT_NSID)).as("tcp=%s", tcp).isNull();
            }
        }
    }

    // --------------------------------------------------------------------------------------------
    // EDNS Client Subnet (RFC 7871)

    static Stream<Arguments> validSubnets() {
        return Stream.of(
                Arguments.of(1, 24, bytes(192, 0, 2)),
                Arguments.of(1, 32, bytes(192, 0, 2, 1)),
                Arguments.of(1, 15, bytes(10, 0)),
                Arguments.of(1, 0, new byte[0]),
                Arguments.of(2, 56, bytes(0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56)),
                Arguments.of(2, 0, new byte[0]));
    }

    @ParameterizedTest(name = "family {0} /{1}")
    @MethodSource("validSubnets")
    void clientSubnetIsEchoedWithScopeZeroForStaticData(int family, int source, byte[] address) throws Exception {
        for (boolean tcp : new boolean[] {false, true}) {
            Msg r = RawDns.ask(server, ednsQuery(id(), WWW, TYPE_A, 1232, 0, ecs(family, source, 0, address)), tcp);
            assertThat(r.rcode()).isEqualTo(NOERROR);
            assertThat(r.ancount()).isEqualTo(1);
            Option ecs = r.opt().option(OPT_ECS);
            assertThat(ecs).as("ECS echoed (RFC 7871 7.2.1), tcp=%s", tcp).isNotNull();
            assertThat(RawDns.u16(ecs.data(), 0)).as("FAMILY").isEqualTo(family);
            assertThat(ecs.data()[2] & 0xFF).as("SOURCE PREFIX-LENGTH").isEqualTo(source);
            assertThat(ecs.data()[3] & 0xFF).as("SCOPE PREFIX-LENGTH for data that does not vary").isZero();
            assertThat(Arrays.copyOfRange(ecs.data(), 4, ecs.data().length)).as("ADDRESS").containsExactly(address);
        }
    }

    static Stream<Arguments> invalidSubnets() {
        return Stream.of(
                Arguments.of("family 3", ecs(3, 24, 0, bytes(192, 0, 2))),
                Arguments.of("family 0", ecs(0, 24, 0, bytes(192, 0, 2))),
                Arguments.of("IPv4 source 33", ecs(1, 33, 0, bytes(192, 0, 2, 1, 0))),
                Arguments.of("IPv6 source 129", ecs(2, 129, 0, new byte[17])),
                Arguments.of("192.0.2.1/24 as 4 octets", ecs(1, 24, 0, bytes(192, 0, 2, 1))),
                Arguments.of("192.0.2.0/24 as 4 octets", ecs(1, 24, 0, bytes(192, 0, 2, 0))),
                Arguments.of("/24 in 2 octets", ecs(1, 24, 0, bytes(192, 0))),
                Arguments.of("10.1.0.0/15: bit 16 set", ecs(1, 15, 0, bytes(10, 1))),
                Arguments.of("192.0.2.128/25 as /24 with bit 25 set in a 4th octet", ecs(1, 24, 0, bytes(192, 0, 2, 128))),
                Arguments.of("/0 with an address octet", ecs(1, 0, 0, bytes(192))),
                Arguments.of("option shorter than FAMILY+prefixes", RawDns.option(OPT_ECS, bytes(0, 1, 24))),
                Arguments.of("empty option", RawDns.option(OPT_ECS, new byte[0])));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSubnets")
    void invalidClientSubnetGetsFormerr(String what, byte[] option) throws Exception {
        for (boolean tcp : new boolean[] {false, true}) {
            Msg r = RawDns.ask(server, ednsQuery(id(), WWW, TYPE_A, 1232, 0, option), tcp);
            assertThat(r.rcode()).as("RFC 7871 7.1.1/6: %s, tcp=%s", what, tcp).isEqualTo(FORMERR);
            assertThat(r.ancount()).isZero();
        }
    }

    @Test
    void allOptionsTogetherFitAndComeBack() throws Exception {
        byte[] q = ednsQuery(id(), WWW, TYPE_A, 1232, DO, option(OPT_NSID, new byte[0]),
                ecs(1, 24, 0, bytes(198, 51, 100)), option(OPT_COOKIE, CLIENT_COOKIE));
        Msg r = RawDns.ask(server, q, false);
        assertThat(r.rcode()).isEqualTo(NOERROR);
        assertThat(r.ancount()).isEqualTo(1);
        Rr opt = r.opt();
        assertThat(opt.ednsFlags()).isEqualTo(DO);
        assertThat(opt.options()).extracting(Option::code).containsExactlyInAnyOrder(OPT_NSID, OPT_ECS, OPT_COOKIE);
    }
}
