package org.hubdns.server;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.hubdns.dns.answer.DynamicNames;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real hubdns member on 127.0.0.1 with free ports, for tests: start it with zone files (name to
 * master-format text), then talk to it over real UDP and TCP sockets.
 */
public final class RunningServer implements AutoCloseable {
    public static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** Tests probe stand-ins on loopback only, as --demo allows. */
    public static final org.hubdns.health.HealthChecker.Settings PROBING = new org.hubdns.health.HealthChecker.Settings(
            org.hubdns.cluster.model.ProbePolicy.parse(List.of("127.0.0.0/8", "::1/128"), 200), 3, null);

    private final HubDnsServer server;
    private final Path dir;

    private RunningServer(HubDnsServer server, Path dir) {
        this.server = server;
        this.dir = dir;
    }

    /** The demo zone only. */
    public static RunningServer demo() throws Exception {
        return start(true, Map.of(), null);
    }

    /**
     * @param zoneFiles file name (e.g. {@code example.zone}) to its text, written to a fresh --zones dir
     */
    public static RunningServer start(boolean demo, Map<String, String> zoneFiles, String nsid) throws Exception {
        return start(demo, zoneFiles, nsid, 10, 1024);
    }

    public static RunningServer start(boolean demo, Map<String, String> zoneFiles, String nsid, int tcpIdleSeconds,
            int tcpMaxConnections) throws Exception {
        return start(demo, zoneFiles, nsid, tcpIdleSeconds, tcpMaxConnections, DynamicNames.NONE);
    }

    public static RunningServer start(boolean demo, Map<String, String> zoneFiles, String nsid, int tcpIdleSeconds,
            int tcpMaxConnections, DynamicNames dynamicNames) throws Exception {
        return start(demo, zoneFiles, nsid, tcpIdleSeconds, tcpMaxConnections, dynamicNames, c -> c);
    }

    /** The demo member with its configuration changed by {@code tweak} (e.g. a query log). */
    public static RunningServer demo(java.util.function.UnaryOperator<ServerConfig> tweak) throws Exception {
        return start(true, Map.of(), null, 10, 1024, DynamicNames.NONE, tweak);
    }

    public static RunningServer start(boolean demo, Map<String, String> zoneFiles, String nsid, int tcpIdleSeconds,
            int tcpMaxConnections, DynamicNames dynamicNames, java.util.function.UnaryOperator<ServerConfig> tweak)
            throws Exception {
        Path dir = Files.createTempDirectory("hubdns-test");
        Path zones = null;
        if (!zoneFiles.isEmpty()) {
            zones = Files.createDirectories(dir.resolve("zones"));
            for (Map.Entry<String, String> e : zoneFiles.entrySet()) {
                Files.writeString(zones.resolve(e.getKey()), e.getValue());
            }
        }
        ServerConfig cfg = new ServerConfig(List.of(LOOPBACK), 0, 0, dir.resolve("data"), zones, nsid, demo, null,
                tcpIdleSeconds, tcpMaxConnections, 2).withProbing(PROBING);
        return new RunningServer(HubDnsServer.start(tweak.apply(cfg), dynamicNames), dir);
    }

    public HubDnsServer server() {
        return server;
    }

    /** This member's registry (for tests that look below the API). */
    public org.hubdns.cluster.store.Registry registry() {
        return server.registry();
    }

    /** The --zones directory (to edit files before a reload). */
    public Path zonesDir() {
        return dir.resolve("zones");
    }

    public Path dataDir() {
        return dir.resolve("data");
    }

    /** The admin token: {@code HUBDNS_ADMIN_TOKEN} when the suite runs with one, else the one this member made. */
    public String adminToken() throws IOException {
        String env = System.getenv("HUBDNS_ADMIN_TOKEN");
        return env != null && !env.isBlank() ? env.strip() : Files.readString(dataDir().resolve("admin.token")).strip();
    }

    /** The demo partner's token (a --demo member writes it beside its data). */
    public String demoPartnerToken() throws IOException {
        return Files.readString(dataDir().resolve("demo-partner.token")).strip();
    }

    /** A scratch directory of this server's own (removed with nothing: it lives under the temp dir). */
    public Path dir() {
        return dir;
    }

    public int dnsPort() {
        return server.dnsPort();
    }

    public int httpPort() {
        return server.httpPort();
    }

    /**
     * A dnsjava resolver aimed at this server; {@code tcp} forces TCP. It adds no OPT of its own:
     * a query carries EDNS only when the test put an OPT record in it.
     */
    public SimpleResolver resolver(boolean tcp) {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress(LOOPBACK, dnsPort()));
        r.setEDNS(-1);
        r.setTCP(tcp);
        r.setTimeout(Duration.ofSeconds(3));
        r.setIgnoreTruncation(true);
        return r;
    }

    /** Sends a question without EDNS (RD set, as a stub would) over UDP or TCP. */
    public Message ask(String name, int type, boolean tcp) throws IOException {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, 1));
        return resolver(tcp).send(q);
    }

    public Message ask(String name, boolean tcp) throws IOException {
        return ask(name, Type.A, tcp);
    }

    /** Sends raw bytes over UDP; returns the raw response, or null when none came within {@code waitMs}. */
    public byte[] udpRaw(byte[] query, int waitMs) throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, LOOPBACK)) {
            s.setSoTimeout(waitMs);
            s.send(new DatagramPacket(query, query.length, LOOPBACK, dnsPort()));
            byte[] buf = new byte[65535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            return Arrays.copyOf(buf, p.getLength());
        }
    }

    /** Sends one length-prefixed message over a new TCP connection and reads one response (null: closed). */
    public byte[] tcpRaw(byte[] query) throws IOException {
        try (Socket s = new Socket(LOOPBACK, dnsPort())) {
            s.setSoTimeout(3000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(query.length);
            out.write(query);
            out.flush();
            return readFrame(new DataInputStream(s.getInputStream()));
        }
    }

    /** Reads one length-prefixed DNS message, or null at end of stream. */
    public static byte[] readFrame(DataInputStream in) throws IOException {
        int len;
        try {
            len = in.readUnsignedShort();
        } catch (java.io.EOFException e) {
            return null;
        }
        byte[] b = new byte[len];
        in.readFully(b);
        return b;
    }

    @Override
    public void close() {
        server.stop();
    }
}
