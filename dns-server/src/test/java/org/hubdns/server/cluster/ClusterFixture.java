package org.hubdns.server.cluster;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.hubdns.cluster.store.Registry;
import org.hubdns.server.HubDnsServer;
import org.hubdns.server.RunningServer;
import org.hubdns.server.ServerConfig;
import org.hubdns.testsupport.ApiClient;
import org.hubdns.testsupport.Await;
import org.hubdns.testsupport.FreePorts;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * N hubdns members in this JVM, each a real {@link HubDnsServer} on 127.0.0.1 with its own ports
 * (chosen here, so that a member can be restarted on the same ones) and its own data dir; member 1
 * (index 0) runs {@code --demo} and is the one every other member is told to join.
 */
final class ClusterFixture implements AutoCloseable {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = ApiClient.HTTP_1_1;
    static final Duration CONVERGE = Duration.ofSeconds(20);

    /** One member: its fixed ports and data dir survive a stop, so it can be started again as itself. */
    final class Member {
        final int index;
        final int dnsPort;
        final int httpPort;
        final int clusterPort;
        final Path dataDir;
        volatile HubDnsServer server;

        Member(int index, int dnsPort, int httpPort, int clusterPort, Path dataDir) {
            this.index = index;
            this.dnsPort = dnsPort;
            this.httpPort = httpPort;
            this.clusterPort = clusterPort;
            this.dataDir = dataDir;
        }

        ServerConfig config() {
            List<String> members = index == 0 ? List.of() : List.of("127.0.0.1:" + members().get(0).clusterPort);
            // each member probes from its own loopback address, so a stand-in can tell the probers apart
            return new ServerConfig(List.of(LOOPBACK), dnsPort, httpPort, dataDir, null, null, index == 0,
                    adminTokenFile, 10, 1024, 1, new ServerConfig.Cluster(clusterName, clusterPort, members))
                    .withProbing(new org.hubdns.health.HealthChecker.Settings(RunningServer.PROBING.policy(),
                            probersPerNode, probeSource()));
        }

        /** 127.0.0.1 for member 1, 127.0.0.2 for member 2... */
        String probeSource() {
            return "127.0.0." + (index + 1);
        }

        Member start() throws Exception {
            if (server != null) {
                throw new IllegalStateException("member " + (index + 1) + " is running");
            }
            server = HubDnsServer.start(config());
            return this;
        }

        /** Graceful: copies the registry to the data dir and leaves the cluster. */
        void stop() {
            HubDnsServer s = server;
            server = null;
            if (s != null) {
                s.stop();
            }
        }

        /** As a crash would: the Hazelcast member is terminated (no migration, no goodbye), then the rest is closed. */
        void kill() {
            HubDnsServer s = server;
            server = null;
            if (s != null) {
                registry(s).terminate();
                s.stop();
            }
        }

        boolean running() {
            return server != null;
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + httpPort + path);
        }

        HttpResponse<String> send(String method, String path, String token, String contentType, String body)
                throws IOException, InterruptedException {
            return new ApiClient(HTTP, "http://127.0.0.1:" + httpPort, Duration.ofSeconds(15)).send(method, path, token,
                    contentType, body);
        }

        HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
            return send("GET", path, token, null, null);
        }

        HttpResponse<String> putJson(String path, String token, Object json) throws IOException, InterruptedException {
            return send("PUT", path, token, "application/json", JSON.writeValueAsString(json));
        }

        HttpResponse<String> postJson(String path, String token, Object json) throws IOException, InterruptedException {
            return send("POST", path, token, "application/json", json == null ? null : JSON.writeValueAsString(json));
        }

        HttpResponse<String> delete(String path, String token) throws IOException, InterruptedException {
            return send("DELETE", path, token, null, null);
        }

        /** An A query over real UDP without EDNS. */
        Message ask(String name) throws IOException {
            return ask(name, false);
        }

        Message ask(String name, boolean tcp) throws IOException {
            SimpleResolver r = new SimpleResolver(new InetSocketAddress(LOOPBACK, dnsPort));
            r.setEDNS(-1);
            r.setTCP(tcp);
            r.setTimeout(Duration.ofSeconds(2));
            return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, 1)));
        }

        /** The A addresses answered for {@code name}, in answer order (empty on any failure). */
        List<String> addresses(String name) {
            try {
                return ClusterFixture.addresses(ask(name));
            } catch (IOException e) {
                return List.of();
            }
        }

        @Override
        public String toString() {
            return "member " + (index + 1) + " (http " + httpPort + ", dns " + dnsPort + ", cluster " + clusterPort + ")";
        }
    }

    final String clusterName = "t-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    final Path root;
    final Path adminTokenFile;
    final String adminToken;
    private final List<Member> members = new ArrayList<>();
    /** k of the health checker (3, as in production, unless a test wants to see duties spread). */
    volatile int probersPerNode = 3;

    /**
     * @param withToken true: a token file given to every member; false: none, the first member generates one
     */
    ClusterFixture(int n, boolean withToken) throws IOException {
        root = Files.createTempDirectory("hubdns-cluster");
        if (withToken) {
            adminToken = "t0ken-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "-for-tests";
            adminTokenFile = root.resolve("admin-token");
            Files.writeString(adminTokenFile, adminToken + "\n");
        } else {
            adminToken = null;
            adminTokenFile = null;
        }
        for (int i = 0; i < n; i++) {
            members.add(new Member(i, freeDnsPort(), freeTcpPort(), freeTcpPort(), root.resolve("m" + (i + 1))));
        }
    }

    /** Starts every member: member 1 first, then the others together (they join it). */
    static ClusterFixture start(int n, boolean withToken) throws Exception {
        return start(n, withToken, 3);
    }

    /** As {@link #start(int, boolean)}, each node probed by {@code probersPerNode} members. */
    static ClusterFixture start(int n, boolean withToken, int probersPerNode) throws Exception {
        ClusterFixture c = new ClusterFixture(n, withToken);
        c.probersPerNode = probersPerNode;
        try {
            c.members.get(0).start();
            c.startTogether(c.members.subList(1, c.members.size()));
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * Starts {@code joining} at the same time, as an operator starting several members does: the
     * cluster admits them in one round (one partition migration rather than one per member).
     */
    void startTogether(List<Member> joining) throws Exception {
        List<java.util.concurrent.CompletableFuture<Member>> starts = new ArrayList<>();
        for (Member m : joining) {
            starts.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return m.start();
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, runnable -> new Thread(runnable, "start-member-" + (m.index + 1)).start()));
        }
        Exception failed = null;
        for (java.util.concurrent.CompletableFuture<Member> f : starts) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (failed == null) {
                    failed = e.getCause() instanceof Exception x ? x : e;
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    List<Member> members() {
        return members;
    }

    Member m(int oneBased) {
        return members.get(oneBased - 1);
    }

    /** The operator's token: the file's, else the one member 1 generated into its data dir. */
    String admin() throws IOException {
        return adminToken != null ? adminToken : Files.readString(m(1).dataDir.resolve("admin.token")).strip();
    }

    String demoPartnerToken() throws IOException {
        return Files.readString(m(1).dataDir.resolve("demo-partner.token")).strip();
    }

    /**
     * Lets the demo partner register nodes in {@code cidrs} as well as its own 10.0.0.0/8, and any
     * number of them: the tests' stand-ins are on loopback and their nodes on documentation or
     * benchmarking addresses, all special-purpose, which a partner may use only when the operator
     * allows the range.
     */
    void demoMayUse(String... cidrs) throws Exception {
        List<String> allow = new ArrayList<>(List.of("10.0.0.0/8"));
        allow.addAll(List.of(cidrs));
        HttpResponse<String> r = m(1).putJson("/v1/partners/demo", admin(), java.util.Map.of("platforms",
                List.of("video"), "allowSpecial", allow, "maxNodes", 1_000_000));
        if (r.statusCode() != 200) {
            throw new AssertionError("PUT /v1/partners/demo: " + r.statusCode() + " " + r.body());
        }
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

    // ------------------------------------------------------------------ helpers

    static Registry registry(HubDnsServer s) {
        try {
            Method m = HubDnsServer.class.getDeclaredMethod("registry");
            m.setAccessible(true);
            return (Registry) m.invoke(s);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> addresses(Message m) {
        return m.getSection(Section.ANSWER).stream().filter(ARecord.class::isInstance)
                .map(r -> ((ARecord) r).getAddress().getHostAddress()).toList();
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("not JSON (" + r.statusCode() + "): " + r.body(), e);
        }
    }

    /** Polls {@code condition} until it holds; fails with {@code state} when {@code limit} passes. */
    static void await(Duration limit, String what, Callable<Boolean> condition, Callable<Object> state)
            throws Exception {
        Await.until(limit, what, condition, state);
    }

    static int freeTcpPort() throws IOException {
        return FreePorts.tcp();
    }

    static int freeDnsPort() throws IOException {
        return FreePorts.dns();
    }

    static final String ZONE_TEMPLATE = """
            $ORIGIN %1$s.
            $TTL 300
            @       IN SOA  ns1 hostmaster ( %2$d 7200 1800 1209600 300 )
            @       IN NS   ns1
            ns1     IN A    192.0.2.53
            www     IN A    %3$s
            """;

    static String zone(String origin, long serial, String wwwAddress) {
        return String.format(ZONE_TEMPLATE, origin, serial, wwwAddress);
    }
}
