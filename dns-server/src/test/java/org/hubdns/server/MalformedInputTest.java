package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.server.RawDns.CLASS_IN;
import static org.hubdns.server.RawDns.FORMERR;
import static org.hubdns.server.RawDns.NOERROR;
import static org.hubdns.server.RawDns.QR;
import static org.hubdns.server.RawDns.RD;
import static org.hubdns.server.RawDns.TYPE_A;
import static org.hubdns.server.RawDns.bytes;
import static org.hubdns.server.RawDns.concat;
import static org.hubdns.server.RawDns.header;
import static org.hubdns.server.RawDns.opt;
import static org.hubdns.server.RawDns.query;
import static org.hubdns.server.RawDns.question;
import static org.hubdns.server.RawDns.u16;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.hubdns.server.RawDns.Msg;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Messages that are not well-formed DNS queries (RFC 1035 4.1): too short to have a header,
 * responses, wrong section counts, cut-off or over-long names, unknown label types, compression
 * pointers that loop, bytes after the last record. Each gets FORMERR or (when it is not a query
 * at all) nothing, and the server goes on serving.
 */
class MalformedInputTest {
    private static final String WWW = "www.pk-hub.example.";
    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.demo();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void serverStillAnswersAGoodQuery() throws Exception {
        for (boolean tcp : new boolean[] {false, true}) {
            Msg r = RawDns.ask(server, query(0x5151, WWW, TYPE_A), tcp);
            assertThat(r.rcode()).as("good query after a bad one, tcp=%s", tcp).isEqualTo(NOERROR);
            assertThat(r.section(1)).singleElement()
                    .satisfies(rr -> assertThat(rr.rdata()).containsExactly(192, 0, 2, 80));
        }
    }

    private static int nextId = 0x3300;

    private static synchronized int id() {
        return nextId++ & 0xFFFF;
    }

    // --------------------------------------------------------------------------------------------
    // not a query at all: no answer

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 2, 11})
    void messageShorterThanAHeaderGetsNoAnswerOverUdp(int length) throws Exception {
        byte[] q = Arrays.copyOf(query(0x1111, WWW, TYPE_A), length);
        assertThat(server.udpRaw(q, 300)).as("answer to a %d-byte datagram", length).isNull();
    }

    @Test
    void messageShorterThanAHeaderGetsNoAnswerOverTcp() throws Exception {
        boolean[] closed = {false};
        List<byte[]> replies = RawDns.tcpPipeline(server, List.of(bytes(0x11, 0x11, 0x01, 0x00, 0, 1)), 1, closed);
        assertThat(replies).isEmpty();
        assertThat(closed[0]).as("the connection is closed").isTrue();
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void responseIsNeverAnswered(boolean tcp) throws Exception {
        // a real response of the server sent back to it (QR=1): answering would let two servers ping-pong
        byte[] response = RawDns.exchange(server, query(0x2222, WWW, TYPE_A), false);
        assertThat(response[2] & 0x80).isNotZero();
        byte[] bare = concat(header(0x2223, 0, QR | RD, 1, 0, 0, 0), question(WWW, TYPE_A, CLASS_IN));
        for (byte[] r : new byte[][] {response, bare}) {
            if (tcp) {
                boolean[] closed = {false};
                assertThat(RawDns.tcpPipeline(server, List.of(r), 1, closed)).isEmpty();
                assertThat(closed[0]).isTrue();
            } else {
                assertThat(server.udpRaw(r, 300)).as("answer to a response").isNull();
            }
        }
    }

    // --------------------------------------------------------------------------------------------
    // FORMERR

    private static void assertFormerr(byte[] q, boolean tcp) throws Exception {
        byte[] raw = RawDns.exchange(server, q, tcp);
        Msg r = Msg.parse(raw);
        assertThat(r.id()).isEqualTo(RawDns.u16(q, 0));
        assertThat(r.flag(QR)).isTrue();
        assertThat(r.rcode()).as("rcode for %s", RawDns.hex(q)).isEqualTo(FORMERR);
        assertThat(r.ancount()).isZero();
        assertThat(r.nscount()).isZero();
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void twoQuestionsGetFormerr(boolean tcp) throws Exception {
        byte[] two = concat(header(id(), 0, RD, 2, 0, 0, 0), question(WWW, TYPE_A, CLASS_IN),
                question("ns1.pk-hub.example.", TYPE_A, CLASS_IN));
        assertFormerr(two, tcp);
        byte[] countSaysTwo = concat(header(id(), 0, RD, 2, 0, 0, 0), question(WWW, TYPE_A, CLASS_IN));
        assertFormerr(countSaysTwo, tcp);
        byte[] many = concat(header(id(), 0, RD, 0xFFFF, 0, 0, 0), question(WWW, TYPE_A, CLASS_IN));
        assertFormerr(many, tcp);
    }

    static Stream<Arguments> truncatedQuestions() {
        byte[] full = query(0, WWW, TYPE_A);
        int nameEnd = 12 + RawDns.name(WWW).length;
        return Stream.of(
                Arguments.of("header only", 12),
                Arguments.of("inside the first label", 14),
                Arguments.of("after a label, before the next length", 16),
                Arguments.of("inside the last label", nameEnd - 3),
                Arguments.of("without the root label", nameEnd - 1),
                Arguments.of("without QTYPE", nameEnd),
                Arguments.of("half a QTYPE", nameEnd + 1),
                Arguments.of("without QCLASS", nameEnd + 2),
                Arguments.of("half a QCLASS", nameEnd + 3))
                .flatMap(a -> Stream.of(Arguments.of(a.get()[0], Arrays.copyOf(full, (int) a.get()[1]), false),
                        Arguments.of(a.get()[0], Arrays.copyOf(full, (int) a.get()[1]), true)));
    }

    @ParameterizedTest(name = "{0} tcp={2}")
    @MethodSource("truncatedQuestions")
    void truncatedQuestionGetsFormerr(String where, byte[] q, boolean tcp) throws Exception {
        q[0] = (byte) 0x44;
        q[1] = (byte) id();
        assertFormerr(q, tcp);
    }

    /** An additional-section A record owned by {@code ownerWire}, laid down right after the question. */
    private static byte[] withAdditional(byte[] ownerWire) {
        return concat(header(id(), 0, RD, 1, 0, 0, 1), question(WWW, TYPE_A, CLASS_IN), ownerWire, u16(TYPE_A),
                u16(CLASS_IN), bytes(0, 0, 0, 60), u16(4), bytes(192, 0, 2, 1));
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void compressionPointerLoopInAnAdditionalRecordNameGetsFormerr(boolean tcp) throws Exception {
        int at = 12 + question(WWW, TYPE_A, CLASS_IN).length; // where the additional RR's name starts
        // a pointer to itself
        assertFormerr(withAdditional(bytes(0xC0 | (at >> 8), at & 0xFF)), tcp);
        // a label, then a pointer back to that label
        assertFormerr(withAdditional(bytes(1, 'a', 0xC0 | (at >> 8), at & 0xFF)), tcp);
        // two labels, the second points to the first, which leads back to the second
        assertFormerr(withAdditional(bytes(1, 'a', 1, 'b', 0xC0 | (at >> 8), (at + 2) & 0xFF)), tcp);
        // a pointer forward past the end of the message
        assertFormerr(withAdditional(bytes(0xC0 | (at >> 8), (at + 200) & 0xFF)), tcp);
        // a pointer cut in half at the end of the message
        byte[] q = concat(header(id(), 0, RD, 1, 0, 0, 1), question(WWW, TYPE_A, CLASS_IN), bytes(0xC0));
        assertFormerr(q, tcp);
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void compressionPointerToThePriorQuestionNameIsAccepted(boolean tcp) throws Exception {
        // the control for the loop test: a proper backward pointer to offset 12
        Msg r = RawDns.ask(server, withAdditional(bytes(0xC0, 12)), tcp);
        assertThat(r.rcode()).isEqualTo(NOERROR);
        assertThat(r.ancount()).isEqualTo(1);
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void trailingGarbageAfterTheQuestionGetsFormerr(boolean tcp) throws Exception {
        assertFormerr(concat(query(id(), WWW, TYPE_A), bytes(0)), tcp);
        assertFormerr(concat(query(id(), WWW, TYPE_A), bytes(0xDE, 0xAD, 0xBE, 0xEF)), tcp);
        assertFormerr(concat(query(id(), WWW, TYPE_A), new byte[100]), tcp);
        byte[] afterOpt = concat(header(id(), 0, RD, 1, 0, 0, 1), question(WWW, TYPE_A, CLASS_IN),
                opt(1232, 0, 0, 0), bytes(1, 2, 3));
        assertFormerr(afterOpt, tcp);
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void sectionCountsBeyondTheMessageGetFormerr(boolean tcp) throws Exception {
        assertFormerr(concat(header(id(), 0, RD, 1, 1, 0, 0), question(WWW, TYPE_A, CLASS_IN)), tcp);
        assertFormerr(concat(header(id(), 0, RD, 1, 0, 1, 0), question(WWW, TYPE_A, CLASS_IN)), tcp);
        assertFormerr(concat(header(id(), 0, RD, 1, 0, 0, 1), question(WWW, TYPE_A, CLASS_IN)), tcp);
        // an RR whose RDLENGTH runs past the end
        byte[] longRdata = concat(header(id(), 0, RD, 1, 0, 0, 1), question(WWW, TYPE_A, CLASS_IN), bytes(0),
                u16(TYPE_A), u16(CLASS_IN), bytes(0, 0, 0, 60), u16(40), bytes(192, 0, 2, 1));
        assertFormerr(longRdata, tcp);
        // an RR header cut short
        byte[] shortHeader = concat(header(id(), 0, RD, 1, 0, 0, 1), question(WWW, TYPE_A, CLASS_IN), bytes(0),
                u16(TYPE_A), u16(CLASS_IN));
        assertFormerr(shortHeader, tcp);
    }

    static Stream<Arguments> reservedLabelTypes() {
        return Stream.of(0x40, 0x41, 0x80, 0xBF)
                .flatMap(t -> Stream.of(Arguments.of(t, false), Arguments.of(t, true)));
    }

    @ParameterizedTest(name = "length octet {0} tcp={1}")
    @MethodSource("reservedLabelTypes")
    void reservedLabelTypeGetsFormerr(int lengthByte, boolean tcp) throws Exception {
        // in the question: 3 "www", then the bad length byte followed by plenty of bytes
        byte[] badName = concat(bytes(3, 'w', 'w', 'w', lengthByte), new byte[lengthByte & 0x3F], bytes(0));
        byte[] q = concat(header(id(), 0, RD, 1, 0, 0, 0), badName, u16(TYPE_A), u16(CLASS_IN));
        assertFormerr(q, tcp);
        // in an additional record's owner name
        assertFormerr(withAdditional(concat(bytes(lengthByte), new byte[lengthByte & 0x3F], bytes(0))), tcp);
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void nameLongerThan255OctetsGetsFormerr(boolean tcp) throws Exception {
        // 4 labels of 63 = 256 octets of labels, plus the root: 257
        String l63 = "a".repeat(63);
        String tooLong = l63 + "." + l63 + "." + l63 + "." + l63 + ".";
        assertFormerr(query(id(), tooLong, TYPE_A), tcp);
        assertFormerr(withAdditional(RawDns.name(tooLong)), tcp);
        // exactly 255 octets is a legal name: outside our zones, so REFUSED, not FORMERR
        String max = l63 + "." + l63 + "." + l63 + "." + "a".repeat(61) + ".";
        assertThat(RawDns.name(max)).hasSize(255);
        Msg r = RawDns.ask(server, query(id(), max, TYPE_A), tcp);
        assertThat(r.rcode()).isEqualTo(RawDns.REFUSED);
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void longestLegalNameBelowAZoneIsAnswered(boolean tcp) throws Exception {
        // 255 octets ending in pk-hub.example.: NXDOMAIN with the SOA, and the question echoed
        String suffix = "pk-hub.example.";
        int room = 255 - RawDns.name(suffix).length;
        StringBuilder prefix = new StringBuilder();
        while (room > 0) {
            int label = Math.min(63, room - 1);
            if (room - (label + 1) == 1) {
                label--;
            }
            prefix.append("x".repeat(label)).append('.');
            room -= label + 1;
        }
        String name = prefix + suffix;
        assertThat(RawDns.name(name)).hasSize(255);
        byte[] q = query(id(), name, TYPE_A);
        Msg r = RawDns.ask(server, q, tcp);
        assertThat(r.rcode()).isEqualTo(RawDns.NXDOMAIN);
        assertThat(r.questionBytes()).containsExactly(RawDns.questionOf(q));
        assertThat(r.section(2)).singleElement().satisfies(rr -> assertThat(rr.name()).isEqualTo(suffix));
    }
}
