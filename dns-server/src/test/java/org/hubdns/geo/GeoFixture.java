package org.hubdns.geo;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.hubdns.server.HubDnsServer;
import org.hubdns.server.ServerConfig;
import org.hubdns.testsupport.ApiClient;
import org.hubdns.testsupport.Await;
import org.hubdns.testsupport.FreePorts;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * GeoIP fixtures (tiny City databases written with {@link MmdbWriter}) and real hubdns members on
 * 127.0.0.1 with fixed free ports, so a member can be stopped and started again as itself.
 */
final class GeoFixture {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = ApiClient.HTTP_1_1;
    static final Duration LIMIT = Duration.ofSeconds(30);
    static final String VIDEO = "video.pk-hub.example.";

    static final List<String> ISB = List.of("10.10.1.1", "10.10.1.2");
    static final List<String> KHI = List.of("10.20.1.1", "10.20.1.2");
    static final List<String> LHE = List.of("10.30.1.1", "10.30.1.2");

    static final long EPOCH_V1 = 1_789_732_800L; // 2026-09-18T12:00:00Z
    static final long EPOCH_V2 = EPOCH_V1 + 30 * 86_400L;
    static final long EPOCH_OLD = EPOCH_V1 - 30 * 86_400L;

    private GeoFixture() {
    }

    /** Common networks: Lahore /24, Islamabad IPv6 /48, Berlin (DE) /25, Delhi (IN) /25. */
    private static MmdbWriter base(long epoch) {
        return new MmdbWriter().buildEpoch(epoch)
                .add("198.51.100.0/24", 31.55, 74.34, "PK", "PB", "Lahore")
                .add("2001:db8:1::/48", 33.72, 73.04, "PK", "IS", "Islamabad")
                .add("192.0.2.0/25", 52.52, 13.40, "DE", "BE", "Berlin")
                .add("192.0.2.128/25", 28.61, 77.21, "IN", "DL", "Delhi");
    }

    /** Version 1: 203.0.113.0/24 in Karachi. */
    static byte[] v1() {
        return base(EPOCH_V1).add("203.0.113.0/24", 24.86, 67.01, "PK", "SD", "Karachi").build();
    }

    /** Version 2 (built later): 203.0.113.0/24 moved to Lahore. */
    static byte[] v2() {
        return base(EPOCH_V2).add("203.0.113.0/24", 31.55, 74.34, "PK", "PB", "Lahore").build();
    }

    /** An older build than v1: 203.0.113.0/24 in Islamabad. */
    static byte[] older() {
        return base(EPOCH_OLD).add("203.0.113.0/24", 33.72, 73.04, "PK", "IS", "Islamabad").build();
    }

    /** A well-formed MaxMind DB of the Country type. */
    static byte[] country() {
        return base(EPOCH_V2).databaseType("GeoLite2-Country").build();
    }

    static Path write(Path dir, String name, byte[] bytes) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** What GeoIpDatabase.lookup says is the prefix of the network holding {@code literal}. */
    static int dbPrefix(byte[] db, String literal) throws Exception {
        try (GeoIpDatabase d = GeoIpDatabase.open(db)) {
            byte[] a = InetAddress.getByName(literal).getAddress();
            GeoRecord r = new GeoRecord();
            d.lookup(a, a.length, r);
            return r.prefixLength;
        }
    }

    // ---------------------------------------------------------------- DNS

    /** @param cname the answer's CNAME target (the platform's fallback), or null */
    record Answer(int rcode, List<String> addresses, int scope, int source, String cname) {
    }

    static Answer ask(int dnsPort, String ecsCidr, boolean tcp) throws IOException {
        String[] p = ecsCidr.split("/");
        ClientSubnetOption ecs = new ClientSubnetOption(Integer.parseInt(p[1]), InetAddress.getByName(p[0]));
        SimpleResolver r = new SimpleResolver(new InetSocketAddress(LOOPBACK, dnsPort));
        r.setTCP(tcp);
        r.setTimeout(Duration.ofSeconds(3));
        r.setEDNS(0, 1232, 0, List.of(ecs));
        Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString(VIDEO), Type.A, DClass.IN)));
        List<String> a = m.getSection(Section.ANSWER).stream().filter(ARecord.class::isInstance)
                .map(x -> ((ARecord) x).getAddress().getHostAddress()).sorted().toList();
        int scope = -1;
        int source = -1;
        OPTRecord opt = m.getOPT();
        if (opt != null) {
            for (EDNSOption o : opt.getOptions(EDNSOption.Code.CLIENT_SUBNET)) {
                scope = ((ClientSubnetOption) o).getScopePrefixLength();
                source = ((ClientSubnetOption) o).getSourcePrefixLength();
            }
        }
        String cname = m.getSection(Section.ANSWER).stream().filter(org.xbill.DNS.CNAMERecord.class::isInstance)
                .map(x -> ((org.xbill.DNS.CNAMERecord) x).getTarget().toString()).findFirst().orElse(null);
        return new Answer(m.getRcode(), a, scope, source, cname);
    }

    static List<String> addresses(int dnsPort, String ecsCidr) {
        try {
            return ask(dnsPort, ecsCidr, false).addresses();
        } catch (IOException e) {
            return List.of();
        }
    }

    // ---------------------------------------------------------------- HTTP

    static HttpResponse<String> send(int httpPort, String method, String path, String token, String contentType,
            byte[] body) throws IOException, InterruptedException {
        return new ApiClient(HTTP, "http://127.0.0.1:" + httpPort, Duration.ofSeconds(30)).send(method, path, token,
                contentType, body);
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("not JSON (" + r.statusCode() + "): " + r.body(), e);
        }
    }

    /** Polls until {@code condition} holds; fails showing {@code state} after {@code limit}. */
    static void await(String what, Callable<Boolean> condition, Callable<Object> state) throws Exception {
        Await.until(LIMIT, what, condition, state);
    }

    static int freeTcpPort() throws IOException {
        return FreePorts.tcp();
    }

    static int freeDnsPort() throws IOException {
        return FreePorts.dns();
    }

    // ---------------------------------------------------------------- members

    /** Several members of one cluster (random name); member 1 runs --demo and the others join it. */
    static final class Cluster implements AutoCloseable {
        final String name = "geo-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        final Path root;
        final List<Member> members = new ArrayList<>();

        Cluster(Path root) {
            this.root = root;
        }

        Member add(boolean demo) throws IOException {
            Member m = new Member(this, members.size() + 1, demo, freeDnsPort(), freeTcpPort(), freeTcpPort(),
                    root.resolve("m" + (members.size() + 1)));
            members.add(m);
            return m;
        }

        Member m(int oneBased) {
            return members.get(oneBased - 1);
        }

        /** The operator token member 1 generated into its data dir. */
        String admin() throws IOException {
            return Files.readString(m(1).dataDir.resolve("admin.token")).strip();
        }

        String partner() throws IOException {
            return Files.readString(m(1).dataDir.resolve("demo-partner.token")).strip();
        }

        @Override
        public void close() {
            for (int i = members.size() - 1; i >= 0; i--) {
                try {
                    members.get(i).stop();
                } catch (RuntimeException e) {
                    // keep closing the others
                }
            }
        }
    }

    static final class Member {
        final Cluster cluster;
        final int number;
        final boolean demo;
        final int dnsPort;
        final int httpPort;
        final int clusterPort;
        final Path dataDir;
        volatile HubDnsServer server;

        Member(Cluster cluster, int number, boolean demo, int dnsPort, int httpPort, int clusterPort, Path dataDir) {
            this.cluster = cluster;
            this.number = number;
            this.demo = demo;
            this.dnsPort = dnsPort;
            this.httpPort = httpPort;
            this.clusterPort = clusterPort;
            this.dataDir = dataDir;
        }

        ServerConfig config(Path geoip) {
            List<String> join = new ArrayList<>();
            for (Member m : cluster.members) {
                if (m != this && m.server != null) {
                    join.add("127.0.0.1:" + m.clusterPort);
                }
            }
            return new ServerConfig(List.of(LOOPBACK), dnsPort, httpPort, dataDir, null, null, demo, null, 10, 1024, 1,
                    new ServerConfig.Cluster(cluster.name, clusterPort, join), geoip);
        }

        /** Starts this member, joining every running member; {@code geoip} is its --geoip or null. */
        Member start(Path geoip) throws Exception {
            if (server != null) {
                throw new IllegalStateException(this + " is running");
            }
            server = HubDnsServer.start(config(geoip));
            return this;
        }

        /** Graceful stop: copies the registry to the data dir and leaves the cluster. */
        void stop() {
            HubDnsServer s = server;
            server = null;
            if (s != null) {
                s.stop();
            }
        }

        Answer ask(String ecs, boolean tcp) throws IOException {
            return GeoFixture.ask(dnsPort, ecs, tcp);
        }

        List<String> addresses(String ecs) {
            return GeoFixture.addresses(dnsPort, ecs);
        }

        HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
            return send(httpPort, "GET", path, token, null, null);
        }

        HttpResponse<String> put(String path, String token, String contentType, byte[] body)
                throws IOException, InterruptedException {
            return send(httpPort, "PUT", path, token, contentType, body);
        }

        /** GET /v1/geoip as JSON (asserting 200). */
        JsonNode geoip(String token) throws IOException, InterruptedException {
            HttpResponse<String> r = get("/v1/geoip", token);
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET /v1/geoip: " + r.statusCode() + " " + r.body());
            }
            return json(r);
        }

        String http() {
            return "127.0.0.1:" + httpPort;
        }

        @Override
        public String toString() {
            return "member " + number + " (http " + httpPort + ", dns " + dnsPort + ", cluster " + clusterPort + ")";
        }
    }
}
