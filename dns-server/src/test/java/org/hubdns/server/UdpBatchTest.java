package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The UDP transport answers whole receive batches with one send: every reply of a batch must go
 * back to the socket that asked, with its own ID and question, however the batch mixes senders;
 * a datagram longer than a batch slot arrives cut and is refused, and the listener goes on.
 */
class UdpBatchTest {
    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.demo();
    }

    @AfterAll
    static void stop() {
        server.close();
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
                DatagramSocket s = new DatagramSocket(0, RunningServer.LOOPBACK);
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
                    sockets.get(c).send(new DatagramPacket(wire, wire.length, RunningServer.LOOPBACK, server.dnsPort()));
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
