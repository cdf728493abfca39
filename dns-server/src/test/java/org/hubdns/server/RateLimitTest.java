package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.hubdns.cluster.coverage.Cidr;
import org.hubdns.dns.rrl.RrlSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Response rate limiting over real UDP and TCP on 127.0.0.0/8, where a test may bind any
 * 127.x.y.z: bound source addresses stand in for the forged ones of a reflection attack. Flood
 * member: rate 100, burst 200, slip 2, window 2 s, 1024 accounts, 127.0.9.0/24 exempt; a second
 * member runs --rrl-log-only (it limits nothing, so it also shows what leaves with RRL off).
 * The in-process twins are {@code RateLimitTableTest} and {@code RateLimiterTableTest}.
 */
class RateLimitTest {
    static final int RATE = 100;
    static final int BURST = 200;
    static final int WINDOW = 2;
    static final String NAME = "www.pk-hub.example.";
    static RunningServer limited;
    static RunningServer logOnly;

    @BeforeAll
    static void start() throws Exception {
        // both at once: a member's start is mostly waiting (cluster join, first verdicts)
        ExecutorService starting = Executors.newFixedThreadPool(2);
        try {
            Future<RunningServer> a = starting.submit(() -> RunningServer.demo(c -> c.withRrl(new RrlSettings(RATE,
                    BURST, 2, WINDOW, RrlSettings.MIN_TABLE, List.of(Cidr.parse("127.0.9.0/24")), false, 24, 56))));
            Future<RunningServer> b = starting.submit(() -> RunningServer.demo(c -> c.withRrl(new RrlSettings(10, 20,
                    2, WINDOW, RrlSettings.MIN_TABLE, List.of(), true, 24, 56))));
            limited = a.get();
            logOnly = b.get();
        } finally {
            starting.shutdown();
        }
    }

    @AfterAll
    static void stop() {
        if (limited != null) {
            limited.close();
        }
        if (logOnly != null) {
            logOnly.close();
        }
    }

    static byte[] query(int id, EDNSOption... options) {
        try {
            Message q = Message.newQuery(Record.newRecord(Name.fromString(NAME), Type.A, 1));
            q.getHeader().setID(id & 0xFFFF);
            if (options.length > 0) {
                q.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(options)), Section.ADDITIONAL);
            }
            return q.toWire();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    static Exposition metrics(RunningServer s) throws Exception {
        return Exposition.scrape(s.httpPort());
    }

    static double rrl(RunningServer s, String action) throws Exception {
        return metrics(s).value("hubdns_rrl_responses_total", "action", action);
    }

    /** What came back to one side of a flood. */
    record Tally(long sent, long sentBytes, long full, long truncated, long bytes, long other) {
        Tally plus(Tally t) {
            return new Tally(sent + t.sent, sentBytes + t.sentBytes, full + t.full, truncated + t.truncated,
                    bytes + t.bytes, other + t.other);
        }

        long packets() {
            return full + truncated + other;
        }
    }

    /**
     * {@code qps} queries a second for {@code millis} from {@code sources} (one thread and socket
     * each, dnsjava-built packets, distinct IDs), counting every response until 300 ms after.
     */
    static Tally flood(RunningServer s, List<String> sources, int qps, long millis) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(sources.size());
        try {
            List<Future<Tally>> parts = new ArrayList<>();
            for (String source : sources) {
                parts.add(pool.submit(() -> floodFrom(s, source, qps / sources.size(), millis)));
            }
            Tally total = new Tally(0, 0, 0, 0, 0, 0);
            for (Future<Tally> f : parts) {
                total = total.plus(f.get());
            }
            return total;
        } finally {
            pool.shutdownNow();
        }
    }

    static Tally floodFrom(RunningServer s, String source, int qps, long millis) throws IOException {
        byte[][] packets = new byte[256][];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = query(i * 251 + 7);
        }
        InetSocketAddress server = new InetSocketAddress(RunningServer.LOOPBACK, s.dnsPort());
        long sent = 0;
        long sentBytes = 0;
        long full = 0;
        long truncated = 0;
        long bytes = 0;
        long other = 0;
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
            ch.bind(new InetSocketAddress(ip(source), 0));
            ch.configureBlocking(false);
            ByteBuffer in = ByteBuffer.allocate(65535);
            long t0 = System.nanoTime();
            long end = t0 + millis * 1_000_000;
            long drainUntil = end + 300_000_000;
            while (true) {
                long now = System.nanoTime();
                if (now >= drainUntil) {
                    break;
                }
                if (now < end) {
                    long due = (now - t0) * qps / 1_000_000_000L;
                    while (sent < due) {
                        byte[] p = packets[(int) (sent & 255)];
                        if (ch.send(ByteBuffer.wrap(p), server) == 0) {
                            break;
                        }
                        sent++;
                        sentBytes += p.length;
                    }
                }
                while (true) {
                    in.clear();
                    if (ch.receive(in) == null) {
                        break;
                    }
                    int n = in.position();
                    bytes += n;
                    byte[] r = in.array();
                    if (n < 12 || (r[2] & 0x80) == 0) {
                        other++;
                    } else if ((r[2] & 0x02) != 0) {
                        truncated++;
                    } else {
                        full++;
                    }
                }
                LockSupport.parkNanos(500_000);
            }
        }
        return new Tally(sent, sentBytes, full, truncated, bytes, other);
    }

    /** Paced one at a time, {@code perSecond}, for {@code millis}: how many were answered in full, and how many lost. */
    static int[] steady(RunningServer s, String source, int perSecond, long millis, EDNSOption... options)
            throws Exception {
        int full = 0;
        int notFull = 0;
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.bind(new InetSocketAddress(ip(source), 0));
            ch.socket().setSoTimeout(2000);
            InetSocketAddress server = new InetSocketAddress(RunningServer.LOOPBACK, s.dnsPort());
            ByteBuffer in = ByteBuffer.allocate(65535);
            long end = System.nanoTime() + millis * 1_000_000;
            for (int i = 0; System.nanoTime() < end; i++) {
                byte[] q = query(40_000 + i, options);
                ch.send(ByteBuffer.wrap(q), server);
                in.clear();
                java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[65535], 65535);
                try {
                    ch.socket().receive(p);
                    Message r = new Message(Arrays.copyOf(p.getData(), p.getLength()));
                    if (!r.getHeader().getFlag(Flags.TC) && r.getSection(Section.ANSWER).size() == 1) {
                        full++;
                    } else {
                        notFull++;
                    }
                } catch (java.net.SocketTimeoutException e) {
                    notFull++;
                }
                Thread.sleep(1000 / perSecond);
            }
        }
        return new int[] {full, notFull};
    }

    /** One UDP query from {@code source} with a client cookie; the full 24-byte cookie of the response. */
    static byte[] learnCookie(RunningServer s, String source, byte[] clientCookie) throws Exception {
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.bind(new InetSocketAddress(ip(source), 0));
            ch.socket().setSoTimeout(2000);
            byte[] q = query(1, new CookieOption(clientCookie));
            ch.send(ByteBuffer.wrap(q), new InetSocketAddress(RunningServer.LOOPBACK, s.dnsPort()));
            java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[65535], 65535);
            ch.socket().receive(p);
            Message r = new Message(Arrays.copyOf(p.getData(), p.getLength()));
            CookieOption c = (CookieOption) r.getOPT().getOptions(EDNSOption.Code.COOKIE).get(0);
            return c.getServerCookie().orElseThrow();
        }
    }

    @Test
    void aFloodFromOneSlash24IsLimitedWhileOthersAndCookiesLoseNothingAndItIsServedAgainAfterTheWindow()
            throws Exception {
        byte[] clientCookie = {9, 8, 7, 6, 5, 4, 3, 2};
        byte[] serverCookie = learnCookie(limited, "127.0.5.200", clientCookie);
        double slippedBefore = rrl(limited, "slipped");
        long seconds = 3;
        ExecutorService clients = Executors.newFixedThreadPool(2);
        Future<int[]> neighbour = clients.submit(() -> steady(limited, "127.0.6.1", 50, seconds * 1000));
        Future<int[]> withCookie = clients.submit(() -> steady(limited, "127.0.5.200", 50, seconds * 1000,
                new CookieOption(clientCookie, serverCookie)));
        Tally flood = flood(limited, List.of("127.0.5.1", "127.0.5.2", "127.0.5.3"), 20_000, seconds * 1000);
        long floodEnd = System.nanoTime();
        int[] other = neighbour.get();
        int[] cookie = withCookie.get();
        clients.shutdown();

        System.out.printf("RRL flood: %d queries (%d B) in %d s from 127.0.5.0/24; back: %d answers, %d slipped, "
                + "%d B%n", flood.sent, flood.sentBytes, seconds, flood.full, flood.truncated, flood.bytes);
        assertThat(flood.sent).as("the flood was sent").isGreaterThan(5_000);
        assertThat(flood.full).as("full answers: within burst + rate x seconds").isLessThanOrEqualTo(BURST + RATE * seconds);
        assertThat(flood.truncated).as("slipped: every 2nd limited one at most")
                .isLessThanOrEqualTo((flood.sent - flood.full) / 2 + 3).isGreaterThan(0);
        assertThat(flood.other).isZero();
        assertThat(flood.bytes).as("what leaves toward the network is smaller than what came in")
                .isLessThan(flood.sentBytes);
        assertThat(rrl(limited, "slipped") - slippedBefore).isGreaterThanOrEqualTo(flood.truncated);
        assertThat(rrl(limited, "dropped")).isPositive();

        assertThat(other[1]).as("another /24 at 50 a second loses nothing").isZero();
        assertThat(other[0]).isGreaterThan(50);
        assertThat(cookie[1]).as("a valid server cookie in the flooded /24 loses nothing").isZero();
        assertThat(cookie[0]).isGreaterThan(50);

        long wait = WINDOW * 1000L - (System.nanoTime() - floodEnd) / 1_000_000 + 200;
        if (wait > 0) {
            Thread.sleep(wait);
        }
        int[] after = steady(limited, "127.0.5.9", 10, 100);
        assertThat(after).as("served again after the window").containsExactly(1, 0);
    }

    @Test
    void tcpIsNeverLimitedEvenFromAFloodedNetwork() throws Exception {
        Tally flood = flood(limited, List.of("127.0.7.1"), 5_000, 300);
        assertThat(flood.full).isLessThanOrEqualTo(BURST + RATE);
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(ip("127.0.7.2"), 0));
            s.connect(new InetSocketAddress(RunningServer.LOOPBACK, limited.dnsPort()), 3000);
            s.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            int n = 500;
            for (int i = 0; i < n; i++) {
                byte[] q = query(i);
                out.writeShort(q.length);
                out.write(q);
            }
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            for (int i = 0; i < n; i++) {
                Message r = new Message(RunningServer.readFrame(in));
                assertThat(r.getHeader().getFlag(Flags.TC)).isFalse();
                assertThat(r.getSection(Section.ANSWER)).hasSize(1);
            }
        }
    }

    @Test
    void exemptNetworksAreNeverLimited() throws Exception {
        Tally t = flood(limited, List.of("127.0.9.7"), 2_000, 1000);
        assertThat(t.sent).isGreaterThan(BURST + RATE);
        assertThat(t.truncated).isZero();
        assertThat(t.full).as("every one answered in full").isEqualTo(t.sent);
    }

    @Test
    void logOnlyLimitsNothingButCountsWhatItWouldHaveLimitedAndShowsWhatLeavesWithoutRrl() throws Exception {
        long seconds = 1;
        Tally t = flood(logOnly, List.of("127.0.5.1", "127.0.5.2", "127.0.5.3"), 20_000, seconds * 1000);
        System.out.printf("RRL off (log only): %d queries (%d B) in %d s from 127.0.5.0/24; back: %d answers, "
                + "%d B%n", t.sent, t.sentBytes, seconds, t.full, t.bytes);
        assertThat(t.truncated).isZero();
        // loopback may lose a few datagrams of 20,000 a second on a busy machine; the server limited none
        assertThat(t.full).as("answered in full").isGreaterThan(t.sent * 95 / 100);
        assertThat(rrl(logOnly, "logged")).as("all but the burst would have been limited")
                .isGreaterThanOrEqualTo(t.full - 20);
        assertThat(rrl(logOnly, "slipped") + rrl(logOnly, "dropped")).isZero();
    }

    @Test
    void theTableStaysWithinItsSizeUnderAFloodFrom65000Slash24sAndKeepsTheFlooder() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(1);
        // a flooder sends throughout; were its account forgotten, it would get a fresh burst each time
        Future<Tally> flooder = pool.submit(() -> floodFrom(limited, "127.0.8.1", 2_000, 2500));
        Thread.sleep(200);
        byte[] q = query(77);
        InetSocketAddress server = new InetSocketAddress(RunningServer.LOOPBACK, limited.dnsPort());
        long t0 = System.nanoTime();
        ExecutorService senders = Executors.newFixedThreadPool(2);
        List<Future<?>> halves = new ArrayList<>();
        for (int half = 0; half < 2; half++) {
            int first = half * 32_500;
            halves.add(senders.submit(() -> {
                for (int n = first; n < first + 32_500; n++) {
                    try (DatagramChannel ch = DatagramChannel.open()) {
                        ch.bind(new InetSocketAddress(ip("127." + (1 + n / 256) + "." + (n % 256) + ".1"), 0));
                        ch.send(ByteBuffer.wrap(q), server);
                    }
                }
                return null;
            }));
        }
        for (Future<?> h : halves) {
            h.get();
        }
        senders.shutdown();
        double entries = metrics(limited).value("hubdns_rrl_table_entries");
        Tally f = flooder.get();
        pool.shutdown();
        System.out.printf("RRL table: 65,000 /24s in %d ms; %s accounts in use of %d%n",
                (System.nanoTime() - t0) / 1_000_000, entries, RrlSettings.MIN_TABLE);
        assertThat(entries).isLessThanOrEqualTo(RrlSettings.MIN_TABLE).isPositive();
        assertThat(f.full).as("the flooder's account outlived the sweep").isLessThanOrEqualTo(BURST + RATE * 3);
        assertThat(limited.ask(NAME, false).getSection(Section.ANSWER)).as("a new network is served").hasSize(1);
    }
}
