package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * DNS over TCP (RFC 7766) against an in-process member, with raw sockets: framing across segments,
 * pipelining, the idle timeout, the connection cap and malformed frames.
 */
class TcpTransportTest {
    private static final String WWW = "www.pk-hub.example.";
    private static final String NS1 = "ns1.pk-hub.example.";

    /** The server of the tests that need no idle timeout or cap of their own (10 s, 64), started once. */
    private static RunningServer usual;
    private RunningServer server;
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void tearDown() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null && server != usual) {
            server.close();
        }
    }

    @AfterAll
    static void stopUsual() {
        if (usual != null) {
            usual.close();
            usual = null;
        }
    }

    /** A server with this idle timeout and connection cap: the shared one for (10, 64), else its own. */
    private void start(int idleSeconds, int maxConnections) throws Exception {
        if (idleSeconds == 10 && maxConnections == 64) {
            if (usual == null) {
                usual = RunningServer.start(true, Map.of(), null, idleSeconds, maxConnections);
            }
            server = usual;
        } else {
            server = RunningServer.start(true, Map.of(), null, idleSeconds, maxConnections);
        }
    }

    // ---------------------------------------------------------------- framing

    @Test
    void aLengthPrefixSplitAcrossSegmentsIsReassembled() throws Exception {
        start(10, 64);
        byte[] q = query(0x1234, WWW);
        Socket s = connect();
        OutputStream out = s.getOutputStream();

        out.write(q.length >>> 8); // half the length prefix
        out.flush();
        assertNoDataWithin(s, 200);
        byte[] rest = new byte[q.length + 1];
        rest[0] = (byte) q.length;
        System.arraycopy(q, 0, rest, 1, q.length);
        out.write(rest, 0, 6); // the second length byte and part of the header
        out.flush();
        assertNoDataWithin(s, 200);
        out.write(rest, 6, rest.length - 6);
        out.flush();

        assertAnswer(readMessage(s), 0x1234, WWW, "192.0.2.80");
    }

    @Test
    void aMessageDeliveredOneByteAtATimeIsAnswered() throws Exception {
        start(10, 64);
        byte[] framed = frame(query(0x4321, WWW));
        Socket s = connect();
        OutputStream out = s.getOutputStream();
        for (byte b : framed) {
            out.write(b);
            out.flush();
        }
        assertAnswer(readMessage(s), 0x4321, WWW, "192.0.2.80");
    }

    @Test
    void pipelinedQueriesInOneWriteAreAllAnsweredWithTheirIds() throws Exception {
        start(10, 64);
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        Map<Integer, String> asked = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            int id = 1000 + i;
            String name = i % 3 == 0 ? NS1 : i % 3 == 1 ? WWW : "nope" + i + ".pk-hub.example.";
            asked.put(id, name);
            burst.write(frame(query(id, name)));
        }
        Socket s = connect();
        s.getOutputStream().write(burst.toByteArray());
        s.getOutputStream().flush();

        Set<Integer> answered = new HashSet<>();
        for (int i = 0; i < asked.size(); i++) {
            Message r = readMessage(s);
            int id = r.getHeader().getID();
            assertThat(asked).containsKey(id);
            assertThat(answered.add(id)).as("id %d answered twice", id).isTrue();
            String name = asked.get(id);
            assertThat(r.getQuestion().getName()).hasToString(name);
            assertThat(r.getHeader().getFlag(Flags.QR)).isTrue();
            if (name.startsWith("nope")) {
                assertThat(r.getRcode()).isEqualTo(Rcode.NXDOMAIN);
            } else {
                assertAnswer(r, id, name, name.equals(WWW) ? "192.0.2.80" : "192.0.2.53");
            }
        }
        assertThat(answered).isEqualTo(asked.keySet());
        assertNoDataWithin(s, 200); // and nothing more
    }

    /**
     * Far more pipelined answers than the socket buffers hold (the client keeps its receive buffer small),
     * and a client that starts reading only once it has written everything or is stuck writing: the
     * server must stop reading until the client catches up, then go on, and neither drop nor repeat an
     * answer.
     */
    @Test
    void aLongPipelineIsAnsweredCompletelyWhenTheClientReadsOnlyAfterWriting() throws Exception {
        start(10, 64);
        int n = 150_000;
        Socket s = new Socket();
        sockets.add(s);
        s.setReceiveBufferSize(8192); // before connecting, so the window stays small
        s.connect(new InetSocketAddress(RunningServer.LOOPBACK, server.dnsPort()), 3000);
        s.setSoTimeout(10_000);
        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = s.getOutputStream();
                ByteArrayOutputStream chunk = new ByteArrayOutputStream();
                for (int i = 0; i < n; i++) {
                    chunk.write(frame(query(i & 0xFFFF, i % 2 == 0 ? WWW : NS1)));
                    if (chunk.size() > 32_000 || i == n - 1) {
                        out.write(chunk.toByteArray());
                        written.addAndGet(chunk.size());
                        chunk.reset();
                    }
                }
                out.flush();
            } catch (IOException e) {
                // the reader below reports what is missing
            }
        }, "pipeline-writer");
        writer.setDaemon(true);
        writer.start();
        writer.join(2_000); // done, or blocked because the server stopped reading
        try {
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
            for (int i = 0; i < n; i++) {
                byte[] b = RunningServer.readFrame(in);
                assertThat(b).as("response %d of %d (%d KiB written)", i, n, written.get() >> 10).isNotNull();
                int id = ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
                assertThat(id).as("answers in order").isEqualTo(i & 0xFFFF);
                assertThat(b[3] & 0x0F).as("rcode").isZero();
                if (i % 10_000 == 0) {
                    assertAnswer(new Message(b), id, i % 2 == 0 ? WWW : NS1, i % 2 == 0 ? "192.0.2.80" : "192.0.2.53");
                }
            }
        } finally {
            writer.join(10_000);
        }
        assertThat(writer.isAlive()).isFalse();
        assertNoDataWithin(s, 200);
    }

    @Test
    void severalQueriesOneAfterAnotherOnOneConnection() throws Exception {
        start(10, 64);
        Socket s = connect();
        for (int i = 0; i < 20; i++) {
            String name = i % 2 == 0 ? WWW : NS1;
            send(s, query(i, name));
            assertAnswer(readMessage(s), i, name, i % 2 == 0 ? "192.0.2.80" : "192.0.2.53");
        }
    }

    @Test
    void aQueryFollowedByHalfCloseIsStillAnswered() throws Exception {
        start(10, 64);
        Socket s = connect();
        send(s, query(77, WWW));
        s.shutdownOutput();
        assertAnswer(readMessage(s), 77, WWW, "192.0.2.80");
    }

    // ---------------------------------------------------------------- idle timeout

    @Test
    void aClientStuckInTheMiddleOfALengthPrefixIsDisconnectedAtTheIdleTimeout() throws Exception {
        int idle = 2;
        start(idle, 64);
        Socket s = connect();
        s.getOutputStream().write(0);
        s.getOutputStream().flush();
        long t0 = System.nanoTime();
        s.setSoTimeout((idle + 3) * 1000);
        int read;
        try {
            read = s.getInputStream().read();
        } catch (SocketTimeoutException e) {
            fail("still connected %d ms after sending half a length prefix (idle timeout %d s)",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), idle);
            return;
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(read).as("end of stream").isEqualTo(-1);
        assertThat(ms).as("closed after, ms").isBetween((idle - 1) * 1000L, (idle + 3) * 1000L);

        // and the server is fine
        assertAnswer(readMessage(sendOnNew(query(5, WWW))), 5, WWW, "192.0.2.80");
    }

    @Test
    void aConnectionThatKeepsAskingIsNotCutAtTheIdleTimeout() throws Exception {
        int idle = 2;
        start(idle, 64);
        Socket s = connect();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(idle * 1000L + 1500);
        int i = 0;
        while (System.nanoTime() < end && i < 1000) {
            send(s, query(i, WWW));
            assertAnswer(readMessage(s), i, WWW, "192.0.2.80");
            assertNoDataWithin(s, 250); // paces the loop: about 4 queries a second
            i++;
        }
        assertThat(i).isGreaterThan(4);
    }

    // ---------------------------------------------------------------- connection cap

    @Test
    void theConnectionCapClosesTheExtraConnectionAndRecoversWhenOthersClose() throws Exception {
        int cap = 4;
        start(30, cap);
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < cap; i++) {
            Socket s = connect();
            send(s, query(i, WWW));
            assertAnswer(readMessage(s), i, WWW, "192.0.2.80");
            held.add(s);
        }

        Socket extra = connect();
        assertClosedByServer(extra, 3000);

        for (int i = 0; i < cap; i++) { // the first four still answer
            Socket s = held.get(i);
            send(s, query(100 + i, WWW));
            assertAnswer(readMessage(s), 100 + i, WWW, "192.0.2.80");
        }

        held.get(0).close();
        held.get(1).close();
        // the server counts the closes on its event loop: poll until two new connections are served
        List<Socket> fresh = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (int attempt = 0; fresh.size() < 2 && attempt < 100 && System.nanoTime() < end; attempt++) {
            Socket s = connect();
            send(s, query(200 + attempt, WWW));
            Message m = tryReadMessage(s, 1000);
            if (m != null) {
                assertAnswer(m, 200 + attempt, WWW, "192.0.2.80");
                fresh.add(s);
            } else {
                s.close();
            }
        }
        assertThat(fresh).as("connections accepted after two of four closed").hasSize(2);

        // full again: two old and two new
        assertClosedByServer(connect(), 3000);
        for (Socket s : List.of(held.get(2), held.get(3), fresh.get(0), fresh.get(1))) {
            send(s, query(300, NS1));
            assertAnswer(readMessage(s), 300, NS1, "192.0.2.53");
        }
    }

    @Test
    void connectionsClosedByTheIdleTimeoutFreeTheirPlaceUnderTheCap() throws Exception {
        int cap = 2;
        start(1, cap);
        for (int i = 0; i < cap; i++) {
            Socket s = connect();
            send(s, query(i, WWW));
            assertAnswer(readMessage(s), i, WWW, "192.0.2.80");
            assertClosedByServer(s, 4000); // idle
        }
        // poll: the close is counted asynchronously
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Message m = null;
        for (int attempt = 0; m == null && attempt < 50 && System.nanoTime() < end; attempt++) {
            Socket s = connect();
            send(s, query(9, WWW));
            m = tryReadMessage(s, 500);
        }
        assertThat(m).as("a connection accepted after the idle ones were closed").isNotNull();
        assertAnswer(m, 9, WWW, "192.0.2.80");
    }

    // ---------------------------------------------------------------- malformed frames

    @ParameterizedTest(name = "{0}-byte message")
    @ValueSource(ints = {0, 1, 5, 11})
    void aMessageShorterThanAHeaderClosesTheConnectionAndTheServerStaysUp(int length) throws Exception {
        start(10, 64);
        Socket s = connect();
        byte[] framed = new byte[2 + length];
        framed[1] = (byte) length;
        for (int i = 2; i < framed.length; i++) {
            framed[i] = (byte) i;
        }
        s.getOutputStream().write(framed);
        s.getOutputStream().flush();
        assertClosedByServer(s, 3000);

        assertAnswer(readMessage(sendOnNew(query(6, WWW))), 6, WWW, "192.0.2.80");
        assertThat(server.ask(WWW, false).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void answersWhatCameBeforeAnEmptyFrameThenCloses() throws Exception {
        start(10, 64);
        Socket s = connect();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(frame(query(41, WWW)));
        b.write(frame(query(42, NS1)));
        b.write(new byte[] {0, 0});
        b.write(frame(query(43, WWW))); // after the bad frame: not answered
        s.getOutputStream().write(b.toByteArray());
        s.getOutputStream().flush();

        assertAnswer(readMessage(s), 41, WWW, "192.0.2.80");
        assertAnswer(readMessage(s), 42, NS1, "192.0.2.53");
        assertClosedByServer(s, 3000);
    }

    @Test
    void aResponseSentToTheServerClosesTheConnection() throws Exception {
        start(10, 64);
        Socket s = connect();
        byte[] response = query(7, WWW);
        response[2] |= (byte) 0x80; // QR
        send(s, response);
        assertClosedByServer(s, 3000);
        assertAnswer(readMessage(sendOnNew(query(8, WWW))), 8, WWW, "192.0.2.80");
    }

    // ================================================================ helpers

    private Socket connect() throws IOException {
        Socket s = new Socket(RunningServer.LOOPBACK, server.dnsPort());
        sockets.add(s);
        s.setTcpNoDelay(true);
        s.setSoTimeout(3000);
        return s;
    }

    private Socket sendOnNew(byte[] query) throws IOException {
        Socket s = connect();
        send(s, query);
        return s;
    }

    private static byte[] query(int id, String name) throws IOException {
        Message m = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, 1));
        m.getHeader().setID(id);
        return m.toWire();
    }

    private static byte[] frame(byte[] message) {
        byte[] b = new byte[message.length + 2];
        b[0] = (byte) (message.length >>> 8);
        b[1] = (byte) message.length;
        System.arraycopy(message, 0, b, 2, message.length);
        return b;
    }

    private static void send(Socket s, byte[] message) throws IOException {
        s.getOutputStream().write(frame(message));
        s.getOutputStream().flush();
    }

    private static Message readMessage(Socket s) throws IOException {
        byte[] b = RunningServer.readFrame(new DataInputStream(s.getInputStream()));
        assertThat(b).as("a response, not end of stream").isNotNull();
        return new Message(b);
    }

    /** A response within {@code ms}, or null when the connection was closed or nothing came. */
    private static Message tryReadMessage(Socket s, int ms) throws IOException {
        int before = s.getSoTimeout();
        s.setSoTimeout(ms);
        try {
            byte[] b = RunningServer.readFrame(new DataInputStream(s.getInputStream()));
            return b == null ? null : new Message(b);
        } catch (SocketTimeoutException | SocketException e) {
            return null;
        } finally {
            if (!s.isClosed()) {
                s.setSoTimeout(before);
            }
        }
    }

    /** Reading blocks for {@code ms} without data or end of stream. */
    private static void assertNoDataWithin(Socket s, int ms) throws IOException {
        int before = s.getSoTimeout();
        s.setSoTimeout(ms);
        try {
            assertThatThrownBy(() -> s.getInputStream().read()).as("no data yet")
                    .isInstanceOf(SocketTimeoutException.class);
        } finally {
            s.setSoTimeout(before);
        }
    }

    /** The server closes the connection within {@code ms} without sending anything (FIN or RST). */
    private static void assertClosedByServer(Socket s, int ms) throws IOException {
        s.setSoTimeout(ms);
        InputStream in = s.getInputStream();
        try {
            assertThat(in.read()).as("end of stream, and no data before it").isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            fail("the server did not close the connection within %d ms", ms);
        } catch (SocketException e) {
            assertThat(e.getMessage()).as("reset by the server").containsIgnoringCase("reset");
        }
    }

    private static void assertAnswer(Message r, int id, String name, String address) {
        assertThat(r.getHeader().getID()).isEqualTo(id);
        assertThat(r.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getQuestion().getName()).hasToString(name);
        assertThat(r.getSection(Section.ANSWER)).singleElement()
                .satisfies(rec -> assertThat(((ARecord) rec).getAddress().getHostAddress()).isEqualTo(address));
    }
}
