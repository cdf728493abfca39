package org.hubdns.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.hubdns.bench.wire.EcsList;
import org.hubdns.bench.wire.QuerySpec;
import org.hubdns.bench.wire.QueryTemplates;
import org.hubdns.bench.wire.Response;
import org.hubdns.bench.wire.ResponseParser;
import org.hubdns.bench.wire.RrTypes;
import org.hubdns.server.HubDnsServer;
import org.hubdns.server.ServerConfig;

/**
 * A real hubdns member with the demo data in this JVM, on free 127.0.0.1 ports, alone in its own
 * cluster, with a known admin token in a file (as dns-server's tests start one).
 */
final class InJvmHubdns implements AutoCloseable {
    static final String TOKEN = "bench-test-admin-token-0123456789";

    private final HubDnsServer server;
    final Path tokenFile;

    private InJvmHubdns(HubDnsServer server, Path tokenFile) {
        this.server = server;
        this.tokenFile = tokenFile;
    }

    static InJvmHubdns demo(Path dir) throws Exception {
        return demo(dir, c -> c);
    }

    /** The demo member with its configuration changed by {@code tweak} (e.g. HTTPS). */
    static InJvmHubdns demo(Path dir, java.util.function.UnaryOperator<ServerConfig> tweak) throws Exception {
        Path token = dir.resolve("admin.token");
        Files.writeString(token, TOKEN + "\n");
        ServerConfig cfg = new ServerConfig(List.of(InetAddress.getLoopbackAddress()), 0, 0, dir.resolve("data"), null,
                null, true, token, 10, 1024, 2);
        return new InJvmHubdns(HubDnsServer.start(tweak.apply(cfg)), token);
    }

    int httpPort() {
        return server.httpPort();
    }

    String dns() {
        return "127.0.0.1:" + server.dnsPort();
    }

    String adminUrl() {
        return "http://127.0.0.1:" + server.httpPort();
    }

    HttpResponse<String> http(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(adminUrl() + path))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Asks {@code name} A with ECS {@code cidr} until the first address answered starts with {@code prefix}
     * (the snapshot is rebuilt a moment after a registry change); false when {@code seconds} pass first.
     */
    boolean awaitFirstAddress(String name, String cidr, String prefix, int seconds) throws Exception {
        Path f = Files.createTempFile("ecs", ".txt");
        Files.writeString(f, cidr + "\n");
        EcsList ecs = EcsList.read(f);
        QueryTemplates t = QueryTemplates.of(List.of(new QuerySpec(name, RrTypes.A)));
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(100);
            int id = 1;
            Response r = new Response();
            byte[] in = new byte[4096];
            while (System.nanoTime() - deadline < 0) {
                ByteBuf b = Unpooled.buffer();
                t.write(b, 0, ++id & 0xffff, ecs.data(), ecs.offset(0), ecs.length(0));
                byte[] q = new byte[b.readableBytes()];
                b.readBytes(q);
                s.send(new DatagramPacket(q, q.length, InetAddress.getLoopbackAddress(), server.dnsPort()));
                try {
                    DatagramPacket p = new DatagramPacket(in, in.length);
                    s.receive(p);
                    ResponseParser.parse(in, p.getLength(), r);
                    if (r.addressCount() > 0 && r.isV4(0)
                            && org.hubdns.bench.engine.AddressCounts.v4Text(r.v4(0)).startsWith(prefix)) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    // ask again
                }
            }
            return false;
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
