package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.hubdns.testsupport.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** {@link HubDnsServer#stop()} under load, and what a stopped or failed member leaves behind. */
class GracefulShutdownTest {
    private static final InetAddress LOOPBACK = RunningServer.LOOPBACK;
    private static final int BURST = 2000;

    @TempDir
    Path tmp;

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    @Test
    void stopDuringAUdpBurstAnswersCorrectlyOrNotAtAllAndFreesThePort() throws Exception {
        RunningServer running = RunningServer.demo();
        cleanup.add(running);
        HubDnsServer server = running.server();
        int port = running.dnsPort();

        DatagramSocket client = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        cleanup.add(client);
        client.setSoTimeout(200);
        byte[][] queries = new byte[BURST][];
        for (int i = 0; i < BURST; i++) {
            Message q = Message.newQuery(Record.newRecord(Name.fromString("www.pk-hub.example."), Type.A, 1));
            q.getHeader().setID(i);
            queries[i] = q.toWire();
        }

        Semaphore window = new Semaphore(32); // at most 32 queries in flight while the server answers
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean stopReturned = new AtomicBoolean();
        ConcurrentLinkedQueue<byte[]> responses = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        CountDownLatch underWay = new CountDownLatch(300);
        Thread sender = new Thread(() -> {
            try {
                int afterStop = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                for (int i = 0; i < BURST && afterStop < 20 && System.nanoTime() < deadline; i++) {
                    window.tryAcquire(100, TimeUnit.MILLISECONDS); // no permit once answers stop: send anyway
                    client.send(new DatagramPacket(queries[i], queries[i].length, LOOPBACK, port));
                    sent.incrementAndGet();
                    if (stopReturned.get()) {
                        afterStop++;
                    }
                }
            } catch (Throwable t) {
                errors.add(t);
            }
        }, "burst-sender");
        Thread receiver = new Thread(() -> {
            byte[] buf = new byte[4096];
            int quiet = 0;
            while (quiet < 10) { // ends 2 s after the last answer
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    client.receive(p);
                    responses.add(Arrays.copyOf(buf, p.getLength()));
                    window.release();
                    underWay.countDown();
                    quiet = 0;
                } catch (SocketTimeoutException e) {
                    quiet++;
                } catch (IOException e) {
                    errors.add(e);
                    return;
                }
            }
        }, "burst-receiver");
        sender.start();
        receiver.start();
        try {
            // stop in the middle of the burst
            assertThat(underWay.await(10, TimeUnit.SECONDS)).as("300 answers before stop").isTrue();
            int sentAtStop = sent.get();
            long t0 = System.nanoTime();
            server.stop();
            long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            stopReturned.set(true);
            assertThat(stopMs).as("stop() took, ms").isLessThan(5_000);
            assertThat(sentAtStop).as("the burst was still going when stop() was called").isLessThan(BURST);
        } finally {
            stopReturned.set(true); // also when an assertion above failed: the sender winds down
            sender.join(15_000);
            receiver.join(15_000);
        }
        assertThat(sender.isAlive()).isFalse();
        assertThat(receiver.isAlive()).isFalse();
        assertThat(errors).isEmpty();

        boolean[] seen = new boolean[BURST];
        for (byte[] raw : responses) {
            Message r = new Message(raw);
            int id = r.getHeader().getID();
            assertThat(id).isBetween(0, BURST - 1);
            assertThat(seen[id]).as("id %d answered twice", id).isFalse();
            seen[id] = true;
            assertThat(r.getHeader().getFlag(Flags.QR)).isTrue();
            assertThat(r.getHeader().getFlag(Flags.AA)).isTrue();
            assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(r.getQuestion().getName()).hasToString("www.pk-hub.example.");
            assertThat(r.getSection(Section.ANSWER)).singleElement().satisfies(
                    rec -> assertThat(((ARecord) rec).getAddress().getHostAddress()).isEqualTo("192.0.2.80"));
        }
        assertThat(responses.size()).as("answers in all (of %d sent)", sent.get()).isLessThan(sent.get());

        // nothing is left on the port: plain sockets (no SO_REUSEPORT) can take it over UDP and TCP
        try (DatagramSocket u = new DatagramSocket(null); ServerSocket t = new ServerSocket()) {
            u.setReuseAddress(false);
            u.bind(new InetSocketAddress(LOOPBACK, port));
            t.bind(new InetSocketAddress(LOOPBACK, port));
        }
        // and a new member serves on the same port
        HubDnsServer again = HubDnsServer.start(config(port));
        cleanup.add(again::stop);
        assertThat(again.dnsPort()).isEqualTo(port);
        for (boolean tcp : new boolean[] {false, true}) {
            Message r = ask(port, tcp);
            assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(r.getSection(Section.ANSWER)).hasSize(1);
        }
    }

    @Test
    void stopClosesOpenTcpConnectionsAndReturnsPromptly() throws Exception {
        RunningServer running = RunningServer.start(true, Map.of(), null, 60, 100);
        cleanup.add(running);
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Socket s = new Socket(LOOPBACK, running.dnsPort());
            cleanup.add(s);
            s.setSoTimeout(3000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            byte[] q = Message.newQuery(Record.newRecord(Name.fromString("www.pk-hub.example."), Type.A, 1)).toWire();
            out.writeShort(q.length);
            out.write(q);
            out.flush();
            assertThat(RunningServer.readFrame(new java.io.DataInputStream(s.getInputStream()))).isNotNull();
            clients.add(s);
        }
        // one client is half-way through a message: it must not hold the stop up
        clients.get(2).getOutputStream().write(new byte[] {0, 40, 1, 2, 3});
        clients.get(2).getOutputStream().flush();

        long t0 = System.nanoTime();
        running.server().stop();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("stop() took, ms").isLessThan(5_000);
        for (Socket s : clients) {
            s.setSoTimeout(3000);
            try {
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            } catch (SocketTimeoutException e) {
                fail("a TCP connection stayed open after stop()");
            } catch (SocketException e) {
                assertThat(e.getMessage()).containsIgnoringCase("reset");
            }
        }
        try (ServerSocket t = new ServerSocket()) {
            t.bind(new InetSocketAddress(LOOPBACK, running.dnsPort()));
        }
    }

    /** A start that fails half-way (UDP taken after TCP was bound) must release what it bound. */
    @Test
    void aStartFailingOnTheUdpPortReportsItAndReleasesTheTcpPort() throws Exception {
        int port = FreePorts.dns(LOOPBACK);
        try (DatagramSocket holder = new DatagramSocket(null)) {
            holder.setReuseAddress(false);
            holder.bind(new InetSocketAddress(LOOPBACK, port));

            assertThatThrownBy(() -> {
                HubDnsServer s = HubDnsServer.start(config(port));
                cleanup.add(s::stop); // it should not have started; stop it if it did
            }).isInstanceOf(StartupException.class)
                    .hasMessageContaining("udp 127.0.0.1:" + port)
                    .hasMessageContaining("already in use");
        }
        try (ServerSocket t = new ServerSocket()) {
            t.bind(new InetSocketAddress(LOOPBACK, port)); // the TCP listener it opened first is gone
        }
    }

    private ServerConfig config(int dnsPort) throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        return new ServerConfig(List.of(LOOPBACK), dnsPort, 0, data, null, null, true, null, 10, 1024, 2);
    }

    private static Message ask(int port, boolean tcp) throws IOException {
        org.xbill.DNS.SimpleResolver r = new org.xbill.DNS.SimpleResolver(new InetSocketAddress(LOOPBACK, port));
        r.setTCP(tcp);
        r.setTimeout(java.time.Duration.ofSeconds(3));
        return r.send(Message.newQuery(Record.newRecord(Name.fromString("www.pk-hub.example."), Type.A, 1)));
    }
}
