package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.server.RawDns.NOERROR;
import static org.hubdns.server.RawDns.OPT_COOKIE;
import static org.hubdns.server.RawDns.OPT_ECS;
import static org.hubdns.server.RawDns.OPT_NSID;
import static org.hubdns.server.RawDns.TC;
import static org.hubdns.server.RawDns.TYPE_CNAME;
import static org.hubdns.server.RawDns.TYPE_OPT;
import static org.hubdns.server.RawDns.TYPE_TXT;
import static org.hubdns.server.RawDns.bytes;
import static org.hubdns.server.RawDns.ecs;
import static org.hubdns.server.RawDns.ednsQuery;
import static org.hubdns.server.RawDns.option;
import static org.hubdns.server.RawDns.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hubdns.server.RawDns.Msg;
import org.hubdns.server.RawDns.Rr;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Responses that do not fit: over UDP at most 512 bytes without EDNS (RFC 1035 4.2.1) and at most
 * our 1232-byte payload with it (RFC 6891 6.2.5), cut at an RRset boundary with TC set (RFC 2181
 * 9), and whole over TCP (RFC 7766).
 */
class TruncationTest {
    private static final int BIG_COUNT = 40;
    private static final int MID_COUNT = 8;

    /**
     * big.big.example.: 40 TXT of ~100 bytes (~4.5 KB: fits nowhere but TCP);
     * c1 -> c2 -> mid: two CNAME RRsets, then 8 TXT at mid (~900 bytes: fits 1232, not 512).
     */
    static String zone() {
        StringBuilder z = new StringBuilder("""
                $TTL 300
                @   IN SOA ns1.big.example. hostmaster.big.example. 1 7200 1800 1209600 300
                @   IN NS  ns1.big.example.
                ns1 IN A   192.0.2.53
                c1  IN CNAME c2
                c2  IN CNAME mid.big.example.
                """);
        for (int i = 0; i < BIG_COUNT; i++) {
            z.append("big IN TXT \"").append(String.format("%03d", i)).append("-").append("b".repeat(96))
                    .append("\"\n");
        }
        for (int i = 0; i < MID_COUNT; i++) {
            z.append("mid IN TXT \"").append(String.format("%03d", i)).append("-").append("m".repeat(96))
                    .append("\"\n");
        }
        return z.toString();
    }

    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(false, Map.of("big.example.zone", zone()), "trunc-ns");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static int nextId = 0x7700;

    private static synchronized int id() {
        return nextId++ & 0xFFFF;
    }

    /** One RRset as it appears in a message: consecutive records of one owner, type and section. */
    record RrsetInMessage(int section, String name, int type, int count) {
    }

    static List<RrsetInMessage> rrsets(Msg m) {
        List<RrsetInMessage> out = new ArrayList<>();
        for (Rr rr : m.records()) {
            if (rr.type() == TYPE_OPT) {
                continue;
            }
            RrsetInMessage last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.section() == rr.section() && last.name().equals(rr.name())
                    && last.type() == rr.type()) {
                out.set(out.size() - 1, new RrsetInMessage(last.section(), last.name(), last.type(), last.count() + 1));
            } else {
                out.add(new RrsetInMessage(rr.section(), rr.name(), rr.type(), 1));
            }
        }
        return out;
    }

    /**
     * The truncated response holds a prefix of the full response's RRsets, each whole (RFC 2181 9):
     * the parser already checked that ANCOUNT/NSCOUNT/ARCOUNT match the records really present.
     */
    static void assertWholeRrsetPrefix(Msg truncated, Msg full) {
        List<RrsetInMessage> part = rrsets(truncated);
        List<RrsetInMessage> all = rrsets(full);
        assertThat(part.size()).as("RRsets in the truncated response").isLessThan(all.size());
        assertThat(part).as("whole RRsets, in order, from the full answer").isEqualTo(all.subList(0, part.size()));
    }

    private static Msg fullOverTcp(String name) throws Exception {
        Msg full = RawDns.ask(server, query(id(), name, TYPE_TXT), true);
        assertThat(full.flag(TC)).isFalse();
        return full;
    }

    @Test
    void withoutEdnsALargeRrsetIsDroppedWholeAndTcIsSet() throws Exception {
        Msg r = RawDns.ask(server, query(id(), "big.big.example.", TYPE_TXT), false);
        assertThat(r.size()).as("RFC 1035 4.2.1: 512 bytes without EDNS").isLessThanOrEqualTo(512);
        assertThat(r.flag(TC)).isTrue();
        assertThat(r.rcode()).isEqualTo(NOERROR);
        assertThat(r.ancount()).as("no part of the 40-record RRset").isZero();
        assertThat(r.questionBytes()).containsExactly(RawDns.questionOf(query(0, "big.big.example.", TYPE_TXT)));
    }

    @Test
    void withoutEdnsACnameChainIsCutAtAnRrsetBoundary() throws Exception {
        Msg full = fullOverTcp("c1.big.example.");
        assertThat(rrsets(full)).containsExactly(
                new RrsetInMessage(1, "c1.big.example.", TYPE_CNAME, 1),
                new RrsetInMessage(1, "c2.big.example.", TYPE_CNAME, 1),
                new RrsetInMessage(1, "mid.big.example.", TYPE_TXT, MID_COUNT));
        assertThat(full.size()).isGreaterThan(512);

        Msg r = RawDns.ask(server, query(id(), "c1.big.example.", TYPE_TXT), false);
        assertThat(r.size()).isLessThanOrEqualTo(512);
        assertThat(r.flag(TC)).isTrue();
        assertThat(r.ancount()).as("the two CNAMEs, not a part of the TXT RRset").isEqualTo(2);
        assertWholeRrsetPrefix(r, full);
    }

    @ParameterizedTest(name = "payload {0}")
    @ValueSource(ints = {512, 600, 700, 800, 900})
    void smallEdnsPayloadCutsAtAnRrsetBoundary(int payload) throws Exception {
        Msg full = fullOverTcp("c1.big.example.");
        assertThat(full.size() + 11).as("the whole answer with an OPT does not fit %d", payload).isGreaterThan(payload);
        Msg r = RawDns.ask(server, ednsQuery(id(), "c1.big.example.", TYPE_TXT, payload, 0), false);
        assertThat(r.size()).isLessThanOrEqualTo(payload);
        assertThat(r.flag(TC)).isTrue();
        assertThat(r.opt()).as("the OPT stays in a truncated response").isNotNull();
        assertWholeRrsetPrefix(r, full);
        assertThat(r.ancount()).isEqualTo(2);
    }

    @ParameterizedTest(name = "payload {0}")
    @ValueSource(ints = {1232, 1400, 4096, 65535})
    void ednsAnswerThatFitsOurPayloadIsComplete(int payload) throws Exception {
        Msg full = fullOverTcp("c1.big.example.");
        Msg r = RawDns.ask(server, ednsQuery(id(), "c1.big.example.", TYPE_TXT, payload, 0), false);
        assertThat(r.size()).isLessThanOrEqualTo(1232).isGreaterThan(512);
        assertThat(r.flag(TC)).isFalse();
        assertThat(rrsets(r)).isEqualTo(rrsets(full));
        assertThat(r.ancount()).isEqualTo(2 + MID_COUNT);
    }

    @ParameterizedTest(name = "payload {0}")
    @ValueSource(ints = {1233, 4096, 65535})
    void ednsPayloadAboveOursStillGetsAtMost1232Bytes(int payload) throws Exception {
        Msg r = RawDns.ask(server, ednsQuery(id(), "big.big.example.", TYPE_TXT, payload, 0), false);
        assertThat(r.size()).as("never more than the 1232 we advertise").isLessThanOrEqualTo(1232);
        assertThat(r.flag(TC)).isTrue();
        assertThat(r.ancount()).isZero();
        assertThat(r.opt()).isNotNull();
    }

    @Test
    void optionsInTheOptCountAgainstThePayload() throws Exception {
        // 8 TXT + 2 CNAME are ~970 bytes; NSID, ECS and a cookie add ~60: still fits 1232
        byte[] q = ednsQuery(id(), "c1.big.example.", TYPE_TXT, 4096, 0, option(OPT_NSID, new byte[0]),
                ecs(1, 24, 0, bytes(192, 0, 2)), option(OPT_COOKIE, bytes(1, 2, 3, 4, 5, 6, 7, 8)));
        Msg r = RawDns.ask(server, q, false);
        assertThat(r.size()).isLessThanOrEqualTo(1232);
        assertThat(r.flag(TC)).isFalse();
        assertThat(r.opt().options()).hasSize(3);

        // a payload that fits the records but not the records plus the options: cut, and still <= payload
        int withoutOptions = RawDns.ask(server, ednsQuery(id(), "c1.big.example.", TYPE_TXT, 4096, 0), false).size();
        int payload = withoutOptions + 10;
        byte[] q2 = ednsQuery(id(), "c1.big.example.", TYPE_TXT, payload, 0, option(OPT_NSID, new byte[0]),
                ecs(1, 24, 0, bytes(192, 0, 2)), option(OPT_COOKIE, bytes(1, 2, 3, 4, 5, 6, 7, 8)));
        Msg cut = RawDns.ask(server, q2, false);
        assertThat(cut.size()).isLessThanOrEqualTo(payload);
        assertThat(cut.flag(TC)).isTrue();
        assertThat(cut.ancount()).isEqualTo(2);
        assertThat(cut.opt().options()).extracting(RawDns.Option::code)
                .containsExactlyInAnyOrder(OPT_NSID, OPT_ECS, OPT_COOKIE);
    }

    @ParameterizedTest(name = "edns={0}")
    @ValueSource(booleans = {false, true})
    void overTcpTheWholeAnswerComesWithTcClear(boolean edns) throws Exception {
        byte[] q = edns ? ednsQuery(id(), "big.big.example.", TYPE_TXT, 512, 0)
                : query(id(), "big.big.example.", TYPE_TXT);
        Msg r = RawDns.ask(server, q, true);
        assertThat(r.flag(TC)).isFalse();
        assertThat(r.rcode()).isEqualTo(NOERROR);
        assertThat(r.ancount()).isEqualTo(BIG_COUNT);
        assertThat(r.size()).isGreaterThan(4000);
        assertThat(rrsets(r)).containsExactly(new RrsetInMessage(1, "big.big.example.", TYPE_TXT, BIG_COUNT));
        assertThat(r.opts()).hasSize(edns ? 1 : 0);

        Msg chain = RawDns.ask(server, edns ? ednsQuery(id(), "c1.big.example.", TYPE_TXT, 512, 0)
                : query(id(), "c1.big.example.", TYPE_TXT), true);
        assertThat(chain.flag(TC)).isFalse();
        assertThat(chain.ancount()).isEqualTo(2 + MID_COUNT);
    }

    @Test
    void answerThatFits512IsNotTruncated() throws Exception {
        Msg r = RawDns.ask(server, query(id(), "c2.big.example.", RawDns.TYPE_CNAME), false);
        assertThat(r.flag(TC)).isFalse();
        assertThat(r.ancount()).isEqualTo(1);
    }
}
