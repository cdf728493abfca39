package org.hubdns.server;

import io.netty.channel.EventLoopGroup;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.SocketAddress;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.hubdns.dns.Snapshot;
import org.hubdns.dns.SnapshotHolder;
import org.hubdns.dns.answer.DynamicNames;
import org.hubdns.dns.answer.ZoneTree;
import org.hubdns.dns.protocol.QueryProcessor;
import org.hubdns.dns.protocol.ServerCookies;
import org.hubdns.dns.transport.QueryProcessorFactory;
import org.hubdns.dns.transport.TcpVerticle;
import org.hubdns.dns.transport.UdpListener;
import org.hubdns.dns.zone.ZoneContent;
import org.hubdns.dns.zone.ZoneLoadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One hubdns member, wired with plain constructors: zone sources, the snapshot, the query
 * processors, UDP and TCP listeners on Vert.x's event loops, and the HTTP API.
 */
public final class HubDnsServer {
    private static final Logger LOG = LoggerFactory.getLogger(HubDnsServer.class);

    private final ServerConfig config;
    private final SnapshotHolder snapshots = new SnapshotHolder();
    private final ZoneSources sources;
    private final DynamicNames dynamicNames;
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong queryErrors = new AtomicLong();
    private final AtomicInteger tcpConnections = new AtomicInteger();
    private final long startedNanos = System.nanoTime();
    private Vertx vertx;
    private final List<UdpListener> udp = new ArrayList<>();
    private final List<String> tcpDeployments = new ArrayList<>();
    private HttpServer http;
    private int dnsPort;
    private volatile boolean serving;

    private HubDnsServer(ServerConfig config, DynamicNames dynamicNames) {
        this.config = config;
        this.dynamicNames = dynamicNames;
        this.sources = new ZoneSources(config.zonesDir(), config.demo());
    }

    /** Loads the zones, binds every listener and returns once DNS and HTTP are serving. */
    public static HubDnsServer start(ServerConfig config) throws StartupException {
        return start(config, DynamicNames.NONE);
    }

    /** As {@link #start(ServerConfig)}, with names answered per query by {@code dynamicNames}. */
    public static HubDnsServer start(ServerConfig config, DynamicNames dynamicNames) throws StartupException {
        HubDnsServer s = new HubDnsServer(config, dynamicNames);
        try {
            s.startUp();
            return s;
        } catch (StartupException e) {
            s.stop();
            throw e;
        }
    }

    private void startUp() throws StartupException {
        AdminToken admin = AdminToken.resolve(System.getenv(AdminToken.ENV), config.adminTokenFile(),
                config.dataDir());
        try {
            publish(sources.load());
        } catch (ZoneLoadException e) {
            throw new StartupException(e.getMessage());
        }
        vertx = Vertx.builder()
                .with(new VertxOptions().setEventLoopPoolSize(config.threads()).setPreferNativeTransport(true))
                .build();
        boolean epoll = vertx.isNativeTransportEnabled();
        if (!epoll) {
            LOG.warn("native epoll transport unavailable ({}); UDP falls back to one socket without SO_REUSEPORT",
                    vertx.unavailableNativeTransportCause());
        }
        ServerCookies cookies = new ServerCookies();
        byte[] nsid = config.nsid() == null ? null : config.nsid().getBytes(StandardCharsets.UTF_8);
        QueryProcessorFactory processors = () -> new QueryProcessor(snapshots, nsid, cookies);

        // TCP first: its bind fails when another server holds the port, which SO_REUSEPORT on UDP would hide
        dnsPort = config.dnsPort() == 0 ? freePort(config.bind().get(0)) : config.dnsPort();
        for (InetAddress a : config.bind()) {
            SocketAddress sa = SocketAddress.inetSocketAddress(dnsPort, a.getHostAddress());
            String id = await(vertx.deployVerticle(
                    () -> new TcpVerticle(List.of(sa), processors, config.tcpIdleTimeoutSeconds(),
                            config.tcpMaxConnections(), tcpConnections),
                    new DeploymentOptions().setInstances(config.threads())),
                    "listen on tcp " + hostPort(a, dnsPort), "--dns-port");
            tcpDeployments.add(id);
            LOG.info("listening dns/tcp {}", hostPort(a, dnsPort));
        }
        EventLoopGroup loops = ((VertxInternal) vertx).nettyEventLoopGroup();
        for (InetAddress a : config.bind()) {
            InetSocketAddress isa = new InetSocketAddress(a, dnsPort);
            try {
                UdpListener l = UdpListener.bind(loops, epoll, isa, processors, queryErrors);
                udp.add(l);
                LOG.info("listening dns/udp {} ({} sockets{})", hostPort(a, dnsPort), l.sockets(),
                        l.reusePort() ? ", SO_REUSEPORT" : "");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartupException("interrupted while binding udp " + hostPort(a, dnsPort));
            } catch (Exception e) { // also the checked IOException that Netty's sync() throws undeclared
                throw bindFailure("listen on udp " + hostPort(a, dnsPort), "--dns-port", e);
            }
        }
        HttpApi api = new HttpApi(this, admin);
        http = vertx.createHttpServer(new HttpServerOptions().setIdleTimeout(60))
                .requestHandler(api.router(vertx));
        InetAddress httpAddress = config.bind().get(0);
        await(http.listen(config.httpPort(), httpAddress.getHostAddress()),
                "listen on http " + hostPort(httpAddress, config.httpPort()), "--http-port");
        LOG.info("listening http {}", hostPort(httpAddress, http.actualPort()));
        if (admin.generatedAt() != null) {
            LOG.info("generated an admin token, stored in {} (keep it secret; set {} to choose your own)",
                    admin.generatedAt(), AdminToken.ENV);
        }
        serving = true;
        Snapshot s = snapshots.current();
        LOG.info("serving {} zone(s), {} names", s.zones().zones().size(), s.zones().nameCount());
    }

    /** For --dns-port 0 (tests): a port the kernel says is free now, used for both UDP and TCP. */
    private static int freePort(InetAddress a) throws StartupException {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, a)) {
            return probe.getLocalPort();
        } catch (java.io.IOException e) {
            throw new StartupException("cannot find a free port on " + a.getHostAddress() + ": " + e.getMessage());
        }
    }

    private <T> T await(Future<T> f, String what, String flag) throws StartupException {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while trying to " + what);
        } catch (java.util.concurrent.ExecutionException e) {
            throw bindFailure(what, flag, e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new StartupException("timed out trying to " + what);
        }
    }

    private static StartupException bindFailure(String what, String flag, Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage() == null ? root.toString() : root.getMessage();
        if (root instanceof BindException || msg.toLowerCase().contains("address already in use")) {
            return new StartupException("cannot " + what + ": the port is already in use; stop the other "
                    + "server or choose another " + flag, cause);
        }
        if (msg.toLowerCase().contains("cannot assign requested address")) {
            return new StartupException("cannot " + what + ": that address is not on this machine; fix --bind",
                    cause);
        }
        if (msg.toLowerCase().contains("permission denied")) {
            return new StartupException("cannot " + what + ": permission denied (ports below 1024 need root "
                    + "or CAP_NET_BIND_SERVICE)", cause);
        }
        return new StartupException("cannot " + what + ": " + msg, cause);
    }

    private static String hostPort(InetAddress a, int port) {
        String h = io.netty.util.NetUtil.toAddressString(a); // RFC 5952: [::1], not [0:0:0:0:0:0:0:1]
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + port;
    }

    private void publish(List<ZoneContent> zones) throws ZoneLoadException {
        ZoneTree tree;
        try {
            tree = ZoneTree.compile(zones, dynamicNames.current());
        } catch (RuntimeException e) {
            // the parser's checks should have caught it; say which zones, never leave a bare stack trace
            throw new ZoneLoadException("the zones could not be compiled (" + e + "); sources: "
                    + zones.stream().map(ZoneContent::source).toList()
                    + ". Please report this with the zone files.", e);
        }
        snapshots.publish(new Snapshot(tree, generation.incrementAndGet()));
    }

    /** Re-reads every zone source off the event loops; on any error the current data keeps serving. */
    public Future<Snapshot> reload() {
        Vertx v = vertx;
        if (v == null) {
            return Future.failedFuture("the server is stopped");
        }
        return v.executeBlocking(() -> {
            synchronized (sources) {
                try {
                    publish(sources.load());
                } catch (ZoneLoadException e) {
                    LOG.error("zone reload failed, still serving generation {}: {}", snapshots.current().generation(),
                            e.getMessage());
                    throw e;
                }
            }
            Snapshot s = snapshots.current();
            LOG.info("zones reloaded: {} zone(s), {} names, generation {}", s.zones().zones().size(),
                    s.zones().nameCount(), s.generation());
            return s;
        }, false);
    }

    public Snapshot snapshot() {
        return snapshots.current();
    }

    boolean serving() {
        return serving;
    }

    long uptimeSeconds() {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos);
    }

    public int dnsPort() {
        return dnsPort;
    }

    public int httpPort() {
        return http == null ? -1 : http.actualPort();
    }

    /**
     * Stops taking new queries and connections, lets the event loops answer what they already
     * read, then closes everything.
     */
    public void stop() {
        serving = false;
        for (UdpListener l : udp) {
            try {
                l.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        udp.clear();
        if (vertx == null) {
            return;
        }
        try {
            List<Future<Void>> undeploy = new ArrayList<>();
            for (String id : tcpDeployments) {
                undeploy.add(vertx.undeploy(id));
            }
            Future.all(undeploy).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            if (http != null) {
                http.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("shutdown was not clean: {}", e.toString());
        }
        vertx = null;
    }
}
