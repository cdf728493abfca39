package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hubdns.dns.transport.UdpListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The UDP transport answers whole receive batches with one send: every reply of a batch must go
 * back to the socket that asked, with its own ID and question, however the batch mixes senders
 * and address families; a datagram longer than a batch slot arrives cut and is refused, and the
 * listener goes on. Both ways of making the batch calls are checked: straight into libc (the
 * tests' JVMs run with the foreign linker enabled, as ./hubdns starts the server) and through
 * Netty's JNI (the fallback, forced by {@code hubdns.udp.batch=jni}).
 */
class UdpBatchTest {
    static final InetAddress V6 = v6Loopback();

    @Nested
    class ThroughLibc extends Cases {
        ThroughLibc() {
            super(BatchCalls.LIBC);
        }
    }

    @Nested
    class ThroughJni extends Cases {
        ThroughJni() {
            super(BatchCalls.JNI);
        }
    }

    private static InetAddress v6Loopback() {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("::1"))) {
            return s.getLocalAddress();
        } catch (IOException e) {
            return null; // no IPv6 loopback here: the IPv6 senders are left out
        }
    }

    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class Cases {
        private final BatchCalls calls;
        RunningServer server;

        Cases(BatchCalls calls) {
            this.calls = calls;
        }

        @BeforeAll
        void start() throws Exception {
            List<InetAddress> bind = addresses();
            server = calls.start(c -> new ServerConfig(bind, c.dnsPort(), c.httpPort(), c.dataDir(), c.zonesDir(),
                    c.nsid(), c.demo(), c.adminTokenFile(), c.tcpIdleTimeoutSeconds(), c.tcpMaxConnections(),
                    c.threads(), c.cluster(), c.geoip(), c.probing(), c.queryLog(), c.queryLogSample(), c.rrl(),
                    c.apiLimits(), c.http(), c.dnssec()));
        }

        @AfterAll
        void stop() {
            if (server != null) {
                server.close();
            }
        }

        @Test
        void theListenersMakeTheirBatchCallsAsConfigured() {
            assertThat(server.server().udpListeners()).extracting(UdpListener::batchCalls).as("how each UDP listener makes its batch calls")
                    .hasSize(V6 == null ? 1 : 2).containsOnly(calls.reported);
            assertThat(server.server().udpListeners()).as("where each UDP listener's replies leave from")
                    .extracting(UdpListener::replies).containsOnly(calls.replies);
            assertThat(server.server().udpListeners()).as("whether each UDP listener set Don't Fragment")
                    .extracting(UdpListener::dontFragment).containsOnly(calls.dontFragment);
        }

        /**
         * Through libc, IPv4 replies leave with Don't Fragment and IP ID 0: the sockets ignore the path
         * MTU (RFC 9715), so the kernel never fragments them and skips its IP ID generator. Through JNI
         * the kernel's default stays (DF from path MTU discovery, an ID from the generator). Read off
         * the wire with a raw socket.
         */
        @Test
        void ipv4RepliesLeaveWithDontFragmentAndWithoutAnIpIdThroughLibc() throws Throwable {
            int count = 20;
            try (RawIpv4Capture wire = new RawIpv4Capture(); DatagramSocket s = new DatagramSocket(0, RunningServer.LOOPBACK)) {
                s.setSoTimeout(3000);
                byte[] buf = new byte[2048];
                int answered = 0;
                for (int i = 0; i < count; i++) {
                    Message q = Message.newQuery(Record.newRecord(Name.fromString("www.pk-hub.example."), Type.A, 1));
                    byte[] wire0 = q.toWire();
                    s.send(new DatagramPacket(wire0, wire0.length, RunningServer.LOOPBACK, server.dnsPort()));
                    try {
                        s.receive(new DatagramPacket(buf, buf.length));
                        answered++;
                    } catch (SocketTimeoutException e) {
                        // a loopback drop on a busy machine: the rest are enough
                    }
                }
                assertThat(answered).as("replies received").isGreaterThan(count / 2);
                List<RawIpv4Capture.Datagram> seen = wire.from(server.dnsPort(), s.getLocalPort(), answered, 3000);
                assertThat(seen).as("replies seen on the wire").hasSize(answered);
                assertThat(seen).allSatisfy(d -> {
                    assertThat(d.dontFragment()).as("DF").isTrue();
                    assertThat(d.moreFragments() || d.fragmentOffset() != 0).as("a fragment").isFalse();
                });
                if (calls.dontFragment) {
                    assertThat(seen).extracting(RawIpv4Capture.Datagram::id).as("IP IDs").containsOnly(0);
                } else {
                    assertThat(seen).extracting(RawIpv4Capture.Datagram::id).as("IP IDs").anyMatch(id -> id != 0);
                }
            }
        }

        /**
         * With the libc calls every receiving socket has a reply socket in its SO_REUSEPORT group; the
         * group's filter must give queries to the receiving sockets only (one given to a reply socket
         * would wait in its queue, never read) and still spread them over all the loops.
         */
        @Test
        void queriesReachOnlyTheReceivingSocketsAndEveryLoopGetsSome() throws Exception {
            int i = 0;
            for (InetAddress a : addresses()) {
                UdpListener listener = server.server().udpListeners().get(i++);
                long[] before = listener.received();
                int senders = 64; // one query each, from its own port: the filter hashes address and port
                List<DatagramSocket> sockets = new ArrayList<>();
                try {
                    for (int c = 0; c < senders; c++) {
                        DatagramSocket s = new DatagramSocket(0, a);
                        s.setSoTimeout(3000);
                        sockets.add(s);
                        byte[] wire = Message.newQuery(Record.newRecord(Name.fromString("www.pk-hub.example."), Type.A, 1))
                                .toWire();
                        s.send(new DatagramPacket(wire, wire.length, a, server.dnsPort()));
                    }
                    int answered = 0;
                    for (DatagramSocket s : sockets) {
                        DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
                        try {
                            s.receive(in);
                            answered++;
                        } catch (SocketTimeoutException e) {
                            // counted below
                        }
                    }
                    assertThat(answered).as("senders answered on %s", a).isEqualTo(senders);
                } finally {
                    sockets.forEach(DatagramSocket::close);
                }
                long[] after = listener.received();
                for (int loop = 0; loop < after.length; loop++) {
                    assertThat(after[loop] - before[loop]).as("queries read by %s's socket %d of %d", a, loop,
                            after.length).isPositive();
                }
                List<UdpTable.Row> table = UdpTable.sockets(a, server.dnsPort());
                assertThat(table).as("the kernel's sockets on %s port %d", a, server.dnsPort())
                        .hasSize(listener.sockets() * calls.socketsPerLoop())
                        .allSatisfy(row -> assertThat(row.receiveQueue()).as("bytes waiting unread").isZero());
            }
        }

        /**
         * An operator sees each receiving socket's datagrams (how the loops share the queries) and the
         * replies a full send buffer refused: a series per socket from the start, the first at least
         * what the listener counted when the scrape began.
         */
        @Test
        void eachReceivingSocketsCountsAreMetrics() throws Exception {
            assertThat(new Message(server.udpRaw(Message.newQuery(Record.newRecord(Name.fromString(
                    "www.pk-hub.example."), Type.A, 1)).toWire(), 2000)).getRcode()).isEqualTo(Rcode.NOERROR);
            for (UdpListener l : server.server().udpListeners()) {
                long[] counted = l.received();
                Exposition e = Exposition.scrape(server.httpPort());
                assertThat(e.types).containsEntry("hubdns_udp_datagrams_received_total", "counter")
                        .containsEntry("hubdns_udp_replies_dropped_total", "counter");
                for (int i = 0; i < counted.length; i++) {
                    String[] labels = {"address", l.address(), "socket", Integer.toString(i)};
                    assertThat(e.samples.get(Exposition.key("hubdns_udp_datagrams_received_total", labels)))
                            .as("datagrams of %s socket %d", l.address(), i).isGreaterThanOrEqualTo(counted[i]);
                    // loopback never refuses a send, so only its presence can be checked here
                    assertThat(e.samples.get(Exposition.key("hubdns_udp_replies_dropped_total", labels))).isZero();
                }
                assertThat(l.address()).endsWith(":" + server.dnsPort());
            }
            assertThat(server.server().udpListeners().get(0).received()).as("the listener on 127.0.0.1 read the query")
                    .matches(n -> java.util.Arrays.stream(n).sum() > 0);
        }

        /**
         * Every UDP answer is timed once, together with the rest of its batch (from reading the batch to
         * handing its replies to the kernel), and a datagram that gets no answer is not timed: over a
         * burst that fills batches of every size, the histogram's count grows exactly as the answered
         * queries do.
         */
        @Test
        void everyUdpAnswerIsTimedOnceWithItsBatch() throws Exception {
            Exposition before = Exposition.scrape(server.httpPort());
            int clients = 4;
            int perClient = 120;
            List<DatagramSocket> sockets = new ArrayList<>();
            int received = 0;
            try {
                for (int c = 0; c < clients; c++) {
                    DatagramSocket s = new DatagramSocket(0, RunningServer.LOOPBACK);
                    s.setSoTimeout(1500);
                    s.setReceiveBufferSize(1 << 20);
                    sockets.add(s);
                }
                byte[] response = Message.newQuery(Record.newRecord(Name.fromString("www.pk-hub.example."), Type.A,
                        1)).toWire();
                response[2] |= (byte) 0x80; // QR=1: a response is never answered
                for (int i = 0; i < perClient; i++) {
                    for (DatagramSocket s : sockets) {
                        byte[] wire = i % 10 == 9 ? response : Message.newQuery(Record.newRecord(
                                Name.fromString(i % 3 == 0 ? "nx-timed.pk-hub.example." : "www.pk-hub.example."),
                                Type.A, 1)).toWire();
                        s.send(new DatagramPacket(wire, wire.length, RunningServer.LOOPBACK, server.dnsPort()));
                    }
                }
                byte[] buf = new byte[2048];
                for (DatagramSocket s : sockets) {
                    try {
                        while (true) {
                            s.receive(new DatagramPacket(buf, buf.length));
                            received++;
                        }
                    } catch (SocketTimeoutException e) {
                        // every reply this socket will get has come
                    }
                }
            } finally {
                for (DatagramSocket s : sockets) {
                    s.close();
                }
            }
            assertThat(received).as("replies received").isGreaterThan(clients * perClient * 9 / 10 * 9 / 10);
            Exposition after = Exposition.scrape(server.httpPort());
            double answered = after.sum("hubdns_dns_queries_total{") - before.sum("hubdns_dns_queries_total{");
            String count = "hubdns_dns_request_duration_seconds_count";
            assertThat(answered).as("queries the server answered").isGreaterThanOrEqualTo(received);
            assertThat(after.value(count) - before.samples.getOrDefault(count, 0.0)).as("answers timed")
                    .isEqualTo(answered);
            String inf = Exposition.key("hubdns_dns_request_duration_seconds_bucket", "le", "+Inf");
            assertThat(after.samples.get(inf) - before.samples.getOrDefault(inf, 0.0)).isEqualTo(answered);
            String sum = "hubdns_dns_request_duration_seconds_sum";
            assertThat(after.value(sum) - before.samples.getOrDefault(sum, 0.0)).as("seconds").isPositive()
                    .isLessThan(answered * 0.025);
            assertThat(after.value("hubdns_dns_dropped_total", "transport", "udp")
                    - before.samples.getOrDefault(Exposition.key("hubdns_dns_dropped_total", "transport", "udp"), 0.0))
                    .as("responses dropped (the kernel may have dropped a few of them first)")
                    .isBetween(1.0, clients * perClient / 10.0);
        }

        private List<InetAddress> addresses() {
            return V6 == null ? List.of(RunningServer.LOOPBACK) : List.of(RunningServer.LOOPBACK, V6);
        }

        @Test
        void everyReplyOfABatchGoesBackToItsOwnSender() throws Exception {
            String[] names = {"www.pk-hub.example.", "video.pk-hub.example.", "nx-batch.pk-hub.example."};
            int[] types = {Type.A, Type.AAAA, Type.TXT, Type.MX};
            int clients = 8;
            int perClient = 96;
            List<DatagramSocket> sockets = new ArrayList<>();
            try {
                List<Map<Integer, String>> asked = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    // odd clients ask over IPv6 when there is an IPv6 loopback: one batch of each listener's
                    // socket then holds one family, and sockaddr_in6 replies are checked too
                    InetAddress from = V6 != null && c % 2 == 1 ? V6 : RunningServer.LOOPBACK;
                    DatagramSocket s = new DatagramSocket(0, from);
                    s.setSoTimeout(3000);
                    s.setReceiveBufferSize(1 << 20);
                    sockets.add(s);
                    asked.add(new HashMap<>());
                }
                // all queries first, interleaved across the clients, so the server's batches mix senders
                for (int i = 0; i < perClient; i++) {
                    for (int c = 0; c < clients; c++) {
                        Message q = Message.newQuery(Record.newRecord(Name.fromString(names[(i + c) % names.length]),
                                types[(i * 3 + c) % types.length], 1));
                        int id = (c << 8 | i) & 0xFFFF;
                        q.getHeader().setID(id);
                        asked.get(c).put(id, q.getQuestion().toString());
                        byte[] wire = q.toWire();
                        DatagramSocket s = sockets.get(c);
                        s.send(new DatagramPacket(wire, wire.length, s.getLocalAddress(), server.dnsPort()));
                    }
                }
                byte[] buf = new byte[2048];
                for (int c = 0; c < clients; c++) {
                    Map<Integer, String> mine = asked.get(c);
                    int answered = 0;
                    try {
                        while (answered < perClient) {
                            DatagramPacket in = new DatagramPacket(buf, buf.length);
                            sockets.get(c).receive(in);
                            // from the reply socket, which must be on the very address and port asked
                            assertThat(in.getAddress()).isEqualTo(sockets.get(c).getLocalAddress());
                            assertThat(in.getPort()).isEqualTo(server.dnsPort());
                            Message r = new Message(java.util.Arrays.copyOf(in.getData(), in.getLength()));
                            String question = mine.remove(r.getHeader().getID());
                            assertThat(question).as("client %d got a reply to a query it did not send (id %d)", c,
                                    r.getHeader().getID()).isNotNull();
                            assertThat(r.getQuestion().toString()).isEqualTo(question);
                            assertThat(r.getHeader().getFlag(Flags.QR)).isTrue();
                            answered++;
                        }
                    } catch (SocketTimeoutException e) {
                        // loopback under a busy machine may drop a few: the rest must still be right
                    }
                    assertThat(answered).as("replies client %d received", c).isGreaterThan(perClient * 9 / 10);
                }
            } finally {
                for (DatagramSocket s : sockets) {
                    s.close();
                }
            }
        }

        @Test
        void aDatagramLongerThanABatchSlotIsRefusedAndTheListenerGoesOn() throws Exception {
            Message q = Message.newQuery(Record.newRecord(Name.fromString("www.pk-hub.example."), Type.A, 1));
            q.getHeader().setID(4242);
            byte[] small = q.toWire();
            // the same query with an EDNS padding option of 5,900 bytes: whole, a well-formed query of 5,9xx
            // bytes; cut at a batch slot's 4,096, an OPT record that runs past the end of the message
            int padding = 5900;
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(small.length + 11 + 4 + padding);
            b.put(small).put(11, (byte) 1); // ARCOUNT 1
            b.put((byte) 0).putShort((short) Type.OPT).putShort((short) 1232).putInt(0).putShort((short) (4 + padding));
            b.putShort((short) 12).putShort((short) padding).put(new byte[padding]);
            byte[] reply = server.udpRaw(b.array(), 2000);
            assertThat(reply).as("a cut datagram gets FORMERR").isNotNull();
            Message r = new Message(reply);
            assertThat(r.getHeader().getID()).isEqualTo(4242);
            assertThat(r.getRcode()).isEqualTo(Rcode.FORMERR);
            assertThat(r.getSection(Section.ANSWER)).isEmpty();
            assertThat(new Message(server.udpRaw(small, 2000)).getRcode()).as("the listener still answers").isEqualTo(Rcode.NOERROR);
        }
    }
}
