package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.server.RawDns.CLASS_CH;
import static org.hubdns.server.RawDns.CLASS_IN;
import static org.hubdns.server.RawDns.OPT_COOKIE;
import static org.hubdns.server.RawDns.OPT_NSID;
import static org.hubdns.server.RawDns.RD;
import static org.hubdns.server.RawDns.TYPE_A;
import static org.hubdns.server.RawDns.TYPE_AXFR;
import static org.hubdns.server.RawDns.TYPE_CNAME;
import static org.hubdns.server.RawDns.TYPE_NS;
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

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.hubdns.server.RawDns.Msg;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated datagrams and TCP messages. Whatever comes in, every response is a
 * well-formed DNS message (RFC 1035 4.1) with QR set and the query's ID and opcode, at most 512
 * bytes over UDP unless it carries an OPT and never more than our 1232; every message of at least
 * 12 bytes with QR clear gets exactly one response, anything else none; and the server keeps
 * serving. Replay a failure with {@code -Dfuzz.seed=<seed>}.
 */
class RandomPacketsTest {
    private static final int UDP_PACKETS = Integer.getInteger("fuzz.packets", 3000);
    private static final int TCP_PACKETS = Integer.getInteger("fuzz.tcpPackets", 300);
    private static final int BATCH = 32;
    private static final long BATCH_DEADLINE_MS = 2000;
    private static final int MAX_PROBLEMS = 10;

    /** Names for every kind of answer: positive, CNAME chain, wildcard, referral, NXDOMAIN, big, outside. */
    private static final String ZONE = """
            $TTL 300
            @        IN SOA ns1.fuzz.example. hostmaster.fuzz.example. 1 7200 1800 1209600 300
            @        IN NS  ns1.fuzz.example.
            ns1      IN A   192.0.2.53
            www      IN A   192.0.2.1
            www      IN AAAA 2001:db8::1
            alias    IN CNAME www
            *.wild   IN A   192.0.2.2
            *.wild   IN TXT "wild"
            sub      IN NS  ns.sub.fuzz.example.
            ns.sub   IN A   192.0.2.3
            mx       IN MX  10 www
            """ + bigTxt();

    private static String bigTxt() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            b.append("big IN TXT \"").append(i).append("-").append("z".repeat(90)).append("\"\n");
        }
        return b.toString();
    }

    static RunningServer server;
    static long seed;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(true, Map.of("fuzz.example.zone", ZONE), "fuzz-ns");
        String given = System.getProperty("fuzz.seed");
        seed = given == null || given.isBlank() ? System.nanoTime() : Long.parseLong(given.trim());
        System.out.println("RandomPacketsTest: -Dfuzz.seed=" + seed);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Valid queries to mutate: with and without EDNS, ECS, cookies, NSID; odd classes, opcodes, types. */
    static List<byte[]> validQueries() {
        byte[] cookie = bytes(1, 2, 3, 4, 5, 6, 7, 8);
        byte[] longCookie = new byte[24];
        System.arraycopy(cookie, 0, longCookie, 0, 8);
        List<byte[]> seeds = new ArrayList<>();
        for (String name : new String[] {"www.fuzz.example.", "WwW.FuZz.ExAmPlE.", "alias.fuzz.example.",
                "x.y.wild.fuzz.example.", "a.sub.fuzz.example.", "nope.fuzz.example.", "big.fuzz.example.",
                "fuzz.example.", "www.pk-hub.example.", "elsewhere.net.", "."}) {
            seeds.add(query(1, name, TYPE_A));
            seeds.add(query(2, name, TYPE_TXT));
            seeds.add(ednsQuery(3, name, TYPE_A, 1232, 0));
            seeds.add(ednsQuery(4, name, TYPE_TXT, 4096, RawDns.DO, option(OPT_COOKIE, cookie)));
            seeds.add(ednsQuery(5, name, TYPE_A, 512, 0, ecs(1, 24, 0, bytes(192, 0, 2))));
            seeds.add(ednsQuery(6, name, TYPE_A, 1400, 0, option(OPT_NSID, new byte[0]),
                    ecs(2, 56, 0, bytes(0x20, 1, 0xd, 0xb8, 0, 0, 1)), option(OPT_COOKIE, longCookie)));
        }
        seeds.add(query(7, "fuzz.example.", TYPE_SOA));
        seeds.add(query(8, "fuzz.example.", TYPE_NS));
        seeds.add(query(9, "alias.fuzz.example.", TYPE_CNAME));
        seeds.add(query(10, "fuzz.example.", 255));
        seeds.add(query(11, "fuzz.example.", TYPE_AXFR));
        seeds.add(concat(header(12, 0, 0, 1, 0, 0, 0), question("version.bind.", TYPE_TXT, CLASS_CH)));
        seeds.add(concat(header(13, 4, RawDns.AA, 1, 0, 0, 0), question("fuzz.example.", TYPE_SOA, CLASS_IN)));
        seeds.add(concat(header(14, 0, 0, 0, 0, 0, 1), opt(1232, 0, 0, 0, option(OPT_COOKIE, cookie))));
        seeds.add(concat(header(15, 0, RD, 1, 0, 0, 1), question("www.fuzz.example.", TYPE_A, CLASS_IN),
                opt(1232, 0, 1, 0)));
        seeds.add(concat(header(16, 0, RD, 1, 0, 0, 1), question("www.fuzz.example.", TYPE_A, CLASS_IN),
                RawDns.name("fuzz.example."), new byte[] {0, 1, 0, 1, 0, 0, 0, 60, 0, 4, (byte) 192, 0, 2, 1}));
        return seeds;
    }

    /** One test packet: fully random bytes, or a valid query changed in one to four places. */
    static byte[] packet(Random rnd, List<byte[]> seeds, boolean randomAllowed) {
        if (randomAllowed && rnd.nextInt(4) == 0) {
            byte[] b = new byte[rnd.nextInt(601)];
            rnd.nextBytes(b);
            return b;
        }
        byte[] p = seeds.get(rnd.nextInt(seeds.size())).clone();
        p[0] = (byte) rnd.nextInt(256);
        p[1] = (byte) rnd.nextInt(256);
        int mutations = 1 + rnd.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            p = mutate(rnd, p);
        }
        return p;
    }

    private static byte[] mutate(Random rnd, byte[] p) {
        int n = p.length;
        switch (rnd.nextInt(7)) {
            case 0: { // flip one bit (mostly after the ID, where the interesting fields are)
                if (n > 0) {
                    int i = n > 2 ? 2 + rnd.nextInt(n - 2) : rnd.nextInt(n);
                    p[i] ^= (byte) (1 << rnd.nextInt(8));
                }
                return p;
            }
            case 1: { // set one byte to a random or boundary value
                if (n > 0) {
                    int[] special = {0x00, 0x01, 0x3F, 0x40, 0x7F, 0x80, 0xBF, 0xC0, 0xFF};
                    p[rnd.nextInt(n)] = (byte) (rnd.nextBoolean() ? rnd.nextInt(256)
                            : special[rnd.nextInt(special.length)]);
                }
                return p;
            }
            case 2: // truncate
                return Arrays.copyOf(p, n == 0 ? 0 : rnd.nextInt(n));
            case 3: { // insert 1..8 random bytes
                int k = 1 + rnd.nextInt(8);
                int at = rnd.nextInt(n + 1);
                byte[] ins = new byte[k];
                rnd.nextBytes(ins);
                return concat(Arrays.copyOf(p, at), ins, Arrays.copyOfRange(p, at, n));
            }
            case 4: { // delete 1..4 bytes
                if (n == 0) {
                    return p;
                }
                int at = rnd.nextInt(n);
                int k = Math.min(n - at, 1 + rnd.nextInt(4));
                return concat(Arrays.copyOf(p, at), Arrays.copyOfRange(p, at + k, n));
            }
            case 5: { // a random 16-bit count in the header
                if (n >= 12) {
                    int field = 4 + 2 * rnd.nextInt(4);
                    int v = rnd.nextBoolean() ? rnd.nextInt(4) : rnd.nextInt(65536);
                    p[field] = (byte) (v >>> 8);
                    p[field + 1] = (byte) v;
                }
                return p;
            }
            default: { // random tail after a prefix
                int keep = rnd.nextInt(n + 1);
                byte[] tail = new byte[rnd.nextInt(40)];
                rnd.nextBytes(tail);
                return concat(Arrays.copyOf(p, keep), tail);
            }
        }
    }

    /** Whether the server must answer: a header's worth of bytes with QR clear. */
    static boolean isQuery(byte[] p) {
        return p.length >= 12 && (p[2] & 0x80) == 0;
    }

    /** Problems with {@code r} as a response to {@code q}, or null when it is fine. */
    static String check(byte[] q, byte[] r, boolean tcp) {
        if (r.length < 12) {
            return "response shorter than a header";
        }
        if (r[0] != q[0] || r[1] != q[1]) {
            return "ID " + RawDns.u16(r, 0) + " is not the query's " + RawDns.u16(q, 0);
        }
        if ((r[2] & 0x80) == 0) {
            return "QR clear in a response";
        }
        int opcode = (q[2] >> 3) & 0x0F;
        if (((r[2] >> 3) & 0x0F) != opcode) {
            return "opcode not copied";
        }
        Msg m;
        try {
            m = Msg.parse(r);
        } catch (AssertionError e) {
            return "malformed response: " + e.getMessage();
        }
        if (m.qdcount() > 1) {
            return "QDCOUNT " + m.qdcount();
        }
        if (m.qdcount() == 1 && (m.questionEnd() > q.length
                || !Arrays.equals(m.questionBytes(), Arrays.copyOfRange(q, 12, m.questionEnd())))) {
            return "question not echoed byte for byte";
        }
        if (opcode != 0 && opcode != 4 && opcode != 5 && m.rcode() != RawDns.NOTIMP) {
            return "opcode " + opcode + " answered with rcode " + m.rcode();
        }
        if ((r[3] & 0x80) != 0) {
            return "RA set";
        }
        try {
            m.opt();
        } catch (AssertionError e) {
            return e.getMessage();
        }
        if (!tcp && r.length > 1232) {
            return "UDP response of " + r.length + " bytes, more than the 1232 we advertise";
        }
        if (!tcp && m.opt() == null && r.length > 512) {
            return "UDP response of " + r.length + " bytes without EDNS";
        }
        return null;
    }

    @Test
    void randomAndMutatedDatagramsGetWellFormedAnswersOrNone() throws Exception {
        Random rnd = new Random(seed);
        List<byte[]> seeds = validQueries();
        List<String> problems = new ArrayList<>();
        int answered = 0;
        InetSocketAddress target = new InetSocketAddress(RunningServer.LOOPBACK, server.dnsPort());
        DatagramChannel[] channels = new DatagramChannel[BATCH];
        ByteBuffer buf = ByteBuffer.allocate(65535);
        try (Selector selector = Selector.open()) {
            for (int c = 0; c < BATCH; c++) {
                channels[c] = DatagramChannel.open();
                channels[c].bind(new InetSocketAddress(RunningServer.LOOPBACK, 0));
                channels[c].connect(target);
                channels[c].configureBlocking(false);
                channels[c].register(selector, SelectionKey.OP_READ, c);
            }
            for (int start = 0; start < UDP_PACKETS && problems.size() < MAX_PROBLEMS; start += BATCH) {
                int size = Math.min(BATCH, UDP_PACKETS - start);
                byte[][] sent = new byte[size][];
                byte[][] got = new byte[size][];
                int expected = 0;
                for (int c = 0; c < size; c++) {
                    sent[c] = packet(rnd, seeds, true);
                    if (isQuery(sent[c])) {
                        expected++;
                    }
                }
                // nothing may be left over from the last batch
                for (int c = 0; c < size; c++) {
                    buf.clear();
                    if (channels[c].receive(buf) != null) {
                        problems.add(describe(start - BATCH + c, null, "a late or second response arrived"));
                    }
                }
                for (int c = 0; c < size; c++) {
                    channels[c].write(ByteBuffer.wrap(sent[c]));
                }
                int received = 0;
                long deadline = System.nanoTime() + BATCH_DEADLINE_MS * 1_000_000;
                while (received < expected) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        break;
                    }
                    selector.select(left);
                    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                    while (it.hasNext()) {
                        SelectionKey k = it.next();
                        it.remove();
                        int c = (Integer) k.attachment();
                        buf.clear();
                        if (channels[c].receive(buf) == null) {
                            continue;
                        }
                        buf.flip();
                        byte[] r = new byte[buf.remaining()];
                        buf.get(r);
                        if (c >= size) {
                            problems.add(describe(start + c, null, "response on an idle socket"));
                        } else if (!isQuery(sent[c])) {
                            problems.add(describe(start + c, sent[c], "answered although not a query: "
                                    + RawDns.hex(r)));
                        } else if (got[c] != null) {
                            problems.add(describe(start + c, sent[c], "two responses"));
                        } else {
                            got[c] = r;
                            received++;
                            answered++;
                            String p = check(sent[c], r, false);
                            if (p != null) {
                                problems.add(describe(start + c, sent[c], p + "; response " + RawDns.hex(r)));
                            }
                        }
                    }
                }
                for (int c = 0; c < size; c++) {
                    if (isQuery(sent[c]) && got[c] == null) {
                        problems.add(describe(start + c, sent[c], "no response within " + BATCH_DEADLINE_MS
                                + " ms to a message of 12+ bytes with QR clear"));
                    }
                }
            }
        } finally {
            for (DatagramChannel c : channels) {
                if (c != null) {
                    c.close();
                }
            }
        }
        assertThat(problems).as("seed %d (replay with -Dfuzz.seed=%d)", seed, seed).isEmpty();
        assertThat(answered).as("seed %d: most packets are queries and get an answer", seed)
                .isGreaterThan(UDP_PACKETS / 2);
        assertServing();
    }

    @Test
    void mutatedTcpMessagesGetWellFormedAnswersOrTheConnectionClosed() throws Exception {
        Random rnd = new Random(seed ^ 0x5DEECE66DL);
        List<byte[]> seeds = validQueries();
        List<String> problems = new ArrayList<>();
        int sentCount = 0;
        int answered = 0;
        while (sentCount < TCP_PACKETS && problems.size() < MAX_PROBLEMS) {
            int perConnection = 1 + rnd.nextInt(6);
            List<byte[]> batch = new ArrayList<>();
            for (int i = 0; i < perConnection; i++) {
                batch.add(packet(rnd, seeds, false));
            }
            sentCount += perConnection;
            // the server answers in order up to the first non-query, then closes
            int expected = 0;
            while (expected < batch.size() && isQuery(batch.get(expected))) {
                expected++;
            }
            boolean dropsOne = expected < batch.size();
            boolean[] closed = {false};
            List<byte[]> replies;
            try {
                replies = RawDns.tcpPipeline(server, batch, expected, dropsOne ? closed : null);
            } catch (java.io.IOException e) {
                problems.add(describe(sentCount, batch.get(0), "TCP: " + e + " on a connection of " + batch.size()
                        + " messages"));
                continue;
            }
            answered += replies.size();
            if (replies.size() != expected) {
                problems.add(describe(sentCount, batch.get(replies.size()), "TCP: " + replies.size() + " of "
                        + expected + " responses"));
            }
            for (int i = 0; i < replies.size(); i++) {
                String p = check(batch.get(i), replies.get(i), true);
                if (p != null) {
                    problems.add(describe(sentCount, batch.get(i), "TCP: " + p));
                }
            }
            if (dropsOne && !closed[0]) {
                problems.add(describe(sentCount, batch.get(expected),
                        "TCP: connection left open (or more sent) after a message that is not a query"));
            }
        }
        assertThat(problems).as("seed %d (replay with -Dfuzz.seed=%d)", seed, seed).isEmpty();
        assertThat(answered).as("seed %d", seed).isGreaterThan(TCP_PACKETS / 3);
        assertServing();
    }

    private static String describe(int index, byte[] packet, String problem) {
        return "seed " + seed + " packet #" + index + ": " + problem
                + (packet == null ? "" : "; packet " + RawDns.hex(packet));
    }

    private static void assertServing() throws Exception {
        for (boolean tcp : new boolean[] {false, true}) {
            Msg r = RawDns.ask(server, query(0x6060, "www.fuzz.example.", TYPE_A), tcp);
            assertThat(r.rcode()).as("seed %d: still serving, tcp=%s", seed, tcp).isEqualTo(RawDns.NOERROR);
            assertThat(r.section(1)).as("seed %d", seed).singleElement()
                    .satisfies(rr -> assertThat(rr.rdata()).containsExactly(192, 0, 2, 1));
            Msg e = RawDns.ask(server, ednsQuery(0x6061, "www.pk-hub.example.", TYPE_A, 1232, 0,
                    option(OPT_COOKIE, bytes(8, 7, 6, 5, 4, 3, 2, 1))), tcp);
            assertThat(e.rcode()).as("seed %d", seed).isEqualTo(RawDns.NOERROR);
            assertThat(e.opt().option(OPT_COOKIE).data()).as("seed %d", seed).hasSize(24);
        }
    }
}
