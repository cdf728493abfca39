package org.hubdns.dns.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.hubdns.testsupport.InProcessDns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Bad packets in process: short ones and responses get no answer at all; malformed questions,
 * counts, names and trailing bytes get a header-level FORMERR with the query's id. Each row is the
 * packet bytes (built from a good dnsjava query, then damaged) and what must come back. The socket
 * twin is {@code MalformedInputTest} (which also proves the transports survive them).
 */
class MalformedTableTest {
    static final String ZONE = """
            $TTL 300
            @    IN SOA ns1.bad.example. hostmaster.bad.example. 1 7200 1800 1209600 300
            @    IN NS  ns1.bad.example.
            ns1  IN A   192.0.2.53
            www  IN A   192.0.2.80
            """;
    static final String WWW = "www.bad.example.";
    static final int QUESTION_END = 12 + 17 + 4; // header, www.bad.example. (17 octets), type and class

    static InProcessDns dns;

    @BeforeAll
    static void compile() {
        dns = InProcessDns.serving(Map.of("bad.example.", ZONE));
    }

    static byte[] query(String name, int id) {
        try {
            Message m = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
            m.getHeader().setID(id);
            return m.toWire();
        } catch (Exception e) {
            throw new IllegalArgumentException(name, e);
        }
    }

    static byte[] www() {
        return query(WWW, 0x4242);
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** {@code q} with the 16-bit header field at {@code offset} set to {@code value}. */
    static byte[] withU16(byte[] q, int offset, int value) {
        byte[] b = q.clone();
        b[offset] = (byte) (value >>> 8);
        b[offset + 1] = (byte) value;
        return b;
    }

    /** www with one more additional record (an A for 192.0.2.1) owned by {@code ownerWire}. */
    static byte[] withAdditional(byte[] ownerWire) {
        return concat(withU16(www(), 10, 1), ownerWire, bytes(0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1));
    }

    static Stream<Arguments> dropped() {
        return Stream.of(
                Arguments.of("empty", new byte[0]),
                Arguments.of("1 byte", Arrays.copyOf(www(), 1)),
                Arguments.of("2 bytes", Arrays.copyOf(www(), 2)),
                Arguments.of("11 bytes", Arrays.copyOf(www(), 11)),
                Arguments.of("a response (QR set)", concat(Arrays.copyOf(www(), 2), bytes(0x81, 0x00),
                        Arrays.copyOfRange(www(), 4, www().length))),
                Arguments.of("a response with a bad body", bytes(0x12, 0x34, 0x84, 0x03, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dropped")
    void noAnswerAtAll(String what, byte[] packet) {
        assertThat(dns.raw(packet)).as(what).isNull();
        assertThat(dns.raw(packet, true, InProcessDns.LOOPBACK)).as(what + " over TCP").isNull();
    }

    static Stream<Arguments> formerr() {
        byte[] q = www();
        int nameEnd = 12 + 17;
        String l63 = "a".repeat(63);
        byte[] tooLongName = concat(Arrays.copyOf(q, 12),
                bytes(63), l63.getBytes(), bytes(63), l63.getBytes(), bytes(63), l63.getBytes(), bytes(63),
                l63.getBytes(), bytes(0, 0, 1, 0, 1));
        return Stream.of(
                Arguments.of("QDCOUNT 2 with one question", withU16(q, 4, 2)),
                Arguments.of("two questions", withU16(concat(q, Arrays.copyOfRange(q, 12, q.length)), 4, 2)),
                Arguments.of("QDCOUNT 65535", withU16(q, 4, 0xFFFF)),
                Arguments.of("header only, QDCOUNT 1", Arrays.copyOf(q, 12)),
                Arguments.of("inside the first label", Arrays.copyOf(q, 14)),
                Arguments.of("without the root label", Arrays.copyOf(q, nameEnd - 1)),
                Arguments.of("without QTYPE", Arrays.copyOf(q, nameEnd)),
                Arguments.of("half a QCLASS", Arrays.copyOf(q, nameEnd + 3)),
                Arguments.of("a trailing zero byte", concat(q, bytes(0))),
                Arguments.of("trailing garbage", concat(q, bytes(0xDE, 0xAD, 0xBE, 0xEF))),
                Arguments.of("ANCOUNT past the end", withU16(q, 6, 1)),
                Arguments.of("NSCOUNT past the end", withU16(q, 8, 1)),
                Arguments.of("ARCOUNT past the end", withU16(q, 10, 1)),
                Arguments.of("RDLENGTH past the end", concat(withU16(q, 10, 1),
                        bytes(0, 0, 1, 0, 1, 0, 0, 0, 60, 0, 40, 192, 0, 2, 1))),
                Arguments.of("RR header cut short", concat(withU16(q, 10, 1), bytes(0, 0, 1, 0, 1))),
                Arguments.of("pointer to itself", withAdditional(bytes(0xC0, QUESTION_END))),
                Arguments.of("label then pointer back to it", withAdditional(bytes(1, 'a', 0xC0, QUESTION_END))),
                Arguments.of("pointer past the end", withAdditional(bytes(0xC0, QUESTION_END + 200))),
                Arguments.of("pointer cut in half", concat(withU16(q, 10, 1), bytes(0xC0))),
                Arguments.of("label type 0x40 in the question", concat(Arrays.copyOf(q, 12),
                        bytes(3, 'w', 'w', 'w', 0x40, 0, 0, 1, 0, 1))),
                Arguments.of("label type 0x80 in an additional owner", withAdditional(bytes(0x80, 0))),
                Arguments.of("a question name of 257 octets", tooLongName),
                Arguments.of("an OPT in the answer section", concat(withU16(q, 6, 1), bytes(0, 0, 41, 4, 0xD0, 0, 0, 0, 0, 0, 0))),
                Arguments.of("an OPT not owned by the root", concat(withU16(q, 10, 1),
                        bytes(1, 'x', 0, 0, 41, 4, 0xD0, 0, 0, 0, 0, 0, 0))),
                Arguments.of("QTYPE OPT", withU16(q, nameEnd, 41)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formerr")
    void formerrWithTheQueryId(String what, byte[] packet) throws Exception {
        for (boolean tcp : new boolean[] {false, true}) {
            Message r = InProcessDns.parse(dns.raw(packet, tcp, InProcessDns.LOOPBACK));
            assertThat(r.getHeader().getID()).as(what).isEqualTo(0x4242);
            assertThat(r.getRcode()).as(what).isEqualTo(Rcode.FORMERR);
            assertThat(r.getHeader().getCount(1) + r.getHeader().getCount(2)).as(what).isZero();
        }
    }

    @Test
    void aBackwardPointerToTheQuestionNameIsAccepted() throws Exception {
        Message r = InProcessDns.parse(dns.raw(withAdditional(bytes(0xC0, 12))));
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getHeader().getCount(1)).isEqualTo(1);
    }

    @Test
    void theLongestLegalNamesAreAnswered() throws Exception {
        String l63 = "a".repeat(63);
        Message outside = InProcessDns.parse(dns.raw(query(l63 + "." + l63 + "." + l63 + "." + "a".repeat(61) + ".", 1)));
        assertThat(outside.getRcode()).as("255 octets outside our zones").isEqualTo(Rcode.REFUSED);
        String inside = l63 + "." + l63 + "." + l63 + "." + "a".repeat(255 - 3 * 64 - 1 - 13) + ".bad.example.";
        assertThat((int) Name.fromString(inside).length()).isEqualTo(255);
        Message r = InProcessDns.parse(dns.raw(query(inside, 2)));
        assertThat(r.getRcode()).as("255 octets inside a zone").isEqualTo(Rcode.NXDOMAIN);
        assertThat(r.getQuestion().getName()).isEqualTo(Name.fromString(inside));
    }
}
