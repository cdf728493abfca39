package org.hubdns.server;

import org.hubdns.snapshot.SnapshotBuilder;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.util.Map;
import org.hubdns.api.AdminTokens;
import org.hubdns.api.ApiLimiter;
import org.hubdns.api.HttpApi;
import org.hubdns.server.http.ApiListener;
import org.hubdns.server.http.CertificatePair;
import org.hubdns.server.http.TlsPairException;
import org.hubdns.server.http.TlsReload;
import org.hubdns.api.MemberStatus;
import org.hubdns.api.ZoneUploads;
import org.hubdns.api.Auth;
import org.hubdns.cluster.coverage.CoverageDataset;
import org.hubdns.api.RegistryService;
import org.hubdns.cluster.model.StoredZone;
import org.hubdns.cluster.store.ClusterSettings;
import org.hubdns.cluster.store.Json;
import org.hubdns.cluster.store.Kind;
import org.hubdns.cluster.store.Registry;
import org.hubdns.cluster.store.Serials;
import org.hubdns.cluster.store.Stored;
import org.hubdns.api.ApiException;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
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
import org.hubdns.snapshot.Snapshot;
import org.hubdns.snapshot.SnapshotHolder;
import org.hubdns.dns.answer.DynamicNames;
import org.hubdns.dns.protocol.QueryProcessor;
import org.hubdns.dns.protocol.ServerCookies;
import org.hubdns.dns.rrl.ResponseRateLimiter;
import org.hubdns.dns.rrl.RrlSettings;
import org.hubdns.dns.transport.QueryProcessorFactory;
import org.hubdns.dns.transport.TcpVerticle;
import org.hubdns.dns.transport.UdpListener;
import org.hubdns.dns.zone.ZoneLoadException;
import org.hubdns.dns.zone.ZoneSources;
import org.hubdns.geo.GeoIpDataset;
import org.hubdns.geo.InvalidGeoIpException;
import org.hubdns.health.HealthChecker;
import org.hubdns.dns.stats.QueryLog;
import org.hubdns.dns.stats.StatsRegistry;
import org.hubdns.server.metrics.MetricSources;
import org.hubdns.server.metrics.Metrics;
import org.hubdns.server.metrics.Traffic;
import org.hubdns.server.querylog.QueryLogWriter;
import org.hubdns.steering.SteeringCounters;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One hubdns member, wired with plain constructors: the HTTP API, the cluster registry (joined and
 * restored), zone sources offered to it, the snapshot rebuilt from every registry view, the query
 * processors, and UDP and TCP listeners on Vert.x's event loops.
 */
public final class HubDnsServer {
    private static final Logger LOG = LoggerFactory.getLogger(HubDnsServer.class);
    /** How long start-up waits for the first verdicts on probed nodes before binding DNS. */
    private static final long FIRST_PROBES_MS = 3000;

    private final ServerConfig config;
    private final SnapshotHolder snapshots = new SnapshotHolder();
    private final ZoneSources sources;
    private final AtomicLong queryErrors = new AtomicLong();
    private final AtomicInteger tcpConnections = new AtomicInteger();
    private final long startedNanos = System.nanoTime();
    private Vertx vertx;
    /** Written while starting and stopping, read by metrics scrapes on other threads. */
    private final List<UdpListener> udp = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<String> tcpDeployments = new ArrayList<>();
    private ApiListener http;
    private HttpApi api;
    private final SnapshotBuilder snapshotBuilder;
    private volatile Registry registry;
    private volatile RegistryService service;
    private volatile HealthChecker health;
    private volatile org.hubdns.feed.CoverageFeeds feeds;
    /** What steering places clients by from the coverage feeds (empty until the feeds are loaded). */
    private final java.util.function.Supplier<org.hubdns.cluster.feed.FeedPlacement> feedPlacement =
            () -> feeds == null ? org.hubdns.cluster.feed.FeedPlacement.EMPTY : feeds.current();
    private final Metrics metrics = new Metrics();
    private final org.hubdns.dnssec.Dnssec dnssec;
    private final StatsRegistry queryStats = new StatsRegistry();
    private final SteeringCounters steering = new SteeringCounters();
    private final Traffic traffic = new Traffic(queryStats, steering);
    private QueryLogWriter queryLog;
    private final ResponseRateLimiter rateLimiter;
    private final ApiLimiter apiLimiter;
    private final GeoIpDataset geoIp;
    private volatile String notReady = "starting";
    /** How many queries start-up ran through a detached snapshot before DNS was bound. */
    private volatile int warmedQueries;
    private int dnsPort;

    private HubDnsServer(ServerConfig config, DynamicNames dynamicNames) {
        this.config = config;
        this.sources = new ZoneSources(config.zonesDir(), config.demo());
        this.rateLimiter = new ResponseRateLimiter(config.rrl());
        this.apiLimiter = new ApiLimiter(config.apiLimits());
        this.snapshotBuilder = new SnapshotBuilder(snapshots, dynamicNames, GeoIpDataset::locator,
                () -> registry == null ? null : registry.view(), () -> health == null ? Map.of() : health.current(),
                steering, feedPlacement);
        this.geoIp = new GeoIpDataset(() -> hostPort(config.bind().get(0), httpPort()));
        this.dnssec = new org.hubdns.dnssec.Dnssec(config.dnssec());
        snapshotBuilder.dnssec(dnssec);
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

    /**
     * The start-up phases, in order; each is logged once at INFO with its duration. {@code reason}
     * is what {@code GET /v1/health} says while the phase runs (null: the previous phase's stays).
     */
    private enum Phase {
        /** Checks --geoip and the zone files, opens the query log, starts Vert.x and binds HTTP. */
        PREPARE("prepare", "starting"),
        /** Joins the cluster (or starts it alone); the registry comes back from the data dir. */
        JOIN("join", "joining the cluster"),
        /** Admin token, health checker, registry service; this member's zone files, demo and --geoip offered. */
        RESTORE("restore", "restoring the registry"),
        /** Builds the snapshot from the registry and subscribes to every later change. */
        FIRST_SNAPSHOT("first snapshot", "building the first snapshot"),
        /** Waits (bounded) for the first health verdicts, so that DNS does not answer with unknown nodes. */
        FIRST_VERDICTS("first verdicts", "probing cache nodes"),
        /** Runs queries through a detached copy of the snapshot, so the first client's is not the cold one. */
        WARM("warm the query path", "warming the query path"),
        /** Opens the registry API and binds DNS on TCP, then UDP. */
        BIND_DNS("bind DNS", null);

        final String label;
        final String reason;

        Phase(String label, String reason) {
            this.label = label;
            this.reason = reason;
        }
    }

    @FunctionalInterface
    private interface Step<T> {
        T run() throws StartupException;
    }

    private <T> T phase(Phase phase, Step<T> step) throws StartupException {
        if (phase.reason != null) {
            notReady = phase.reason;
        }
        long t0 = System.nanoTime();
        T out = step.run();
        LOG.info("start-up phase '{}' done in {} ms", phase.label,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        return out;
    }

    private void startUp() throws StartupException {
        List<ZoneSources.Loaded> fileZones = phase(Phase.PREPARE, this::prepare);
        phase(Phase.JOIN, () -> {
            join();
            return null;
        });
        AdminTokens.Resolved admin = phase(Phase.RESTORE, () -> restore(fileZones));
        phase(Phase.FIRST_SNAPSHOT, () -> {
            registry.onView(view -> {
                snapshotBuilder.build(view);
                geoIp.publish(view);
            });
            // a view that came between attach and this listener (a --geoip seed's) was seen by no one
            geoIp.publish(registry.view());
            health.onChange(snapshotBuilder::rebuild);
            feeds.onChange(snapshotBuilder::rebuild);
            return snapshotBuilder.build(registry.freshView());
        });
        phase(Phase.FIRST_VERDICTS, () -> {
            if (!health.awaitFirstVerdicts(FIRST_PROBES_MS)) {
                LOG.info("some cache nodes have no health verdict yet after {} ms; they count as unknown until they do",
                        FIRST_PROBES_MS);
            }
            return null;
        });
        phase(Phase.WARM, () -> {
            QueryPathWarmup.Result w = QueryPathWarmup.run(snapshotBuilder.detached(new SteeringCounters()));
            warmedQueries = w.queries();
            LOG.info("warmed the query path: {} queries ({} distinct) in {} ms, counted nowhere", w.queries(),
                    w.distinct(), w.millis());
            return w;
        });
        Snapshot first = snapshots.current();
        phase(Phase.BIND_DNS, () -> {
            api.activate(service, new Auth(registry, admin.sha256()));
            bindDns();
            return null;
        });
        if (admin.generatedAt() != null) {
            // where, never what: log lines end up in journald and log shippers, the token only in its 0600 file
            LOG.info("generated the cluster's admin token into {} (keep it secret; every member accepts it; set {} "
                    + "to choose your own)", admin.generatedAt(), AdminTokens.ENV);
        }
        notReady = null;
        LOG.info("serving {} zone(s), {} names; {} platform(s), {} cache node(s)", first.zones().zones().size(),
                first.zones().nameCount(), registry.view().platforms().size(), registry.view().nodes().size());
    }

    /** {@link Phase#PREPARE}: everything that can fail on this machine alone, before the cluster sees us. */
    private List<ZoneSources.Loaded> prepare() throws StartupException {
        CertificatePair tlsPair = null;
        if (config.http().https()) {
            try { // before joining, like --geoip: a member that cannot serve its API should not join
                tlsPair = CertificatePair.read(config.http().tls());
            } catch (TlsPairException e) {
                throw new StartupException(e.getMessage());
            }
        }
        if (config.geoip() != null) {
            try { // before joining: a bad file must leave nothing behind in the cluster
                GeoIpDataset.check(config.geoip());
            } catch (InvalidGeoIpException e) {
                throw new StartupException("--geoip " + config.geoip() + ": " + e.getMessage());
            }
        }
        List<ZoneSources.Loaded> fileZones;
        try {
            fileZones = sources.loadForCluster();
        } catch (ZoneLoadException e) {
            throw new StartupException(e.getMessage());
        }
        if (config.queryLog() != null) {
            try {
                queryLog = new QueryLogWriter(config.queryLog(), config.queryLogSample());
            } catch (IOException | RuntimeException e) {
                throw new StartupException("cannot open the query log " + config.queryLog() + ": " + e.getMessage()
                        + "; fix --query-log");
            }
            LOG.info("query log: {} of the queries to {}", config.queryLogSample(), config.queryLog());
        }
        metrics.register(new MetricSources(queryStats, steering, () -> health,
                () -> registry == null ? null : registry.view(), () -> registry == null ? 0 : registry.view().members(),
                () -> snapshots.current().generation(), this::snapshotAgeSeconds, this::geoIpBuildEpoch,
                queryErrors::get, () -> queryLog == null ? 0 : queryLog.dropped(),
                () -> feeds == null ? Map.of() : feeds.states()));
        metrics.register(rateLimiter);
        metrics.register(apiLimiter);
        metrics.register(dnssec);
        metrics.registerHttpConnections(() -> http == null ? 0 : http.openConnections(),
                () -> http == null ? 0 : http.refusedConnections(), () -> http == null ? 0 : http.slowConnectionsClosed());
        metrics.registerUdpSockets(this::udpListeners);
        vertx = Vertx.builder()
                .with(new VertxOptions().setEventLoopPoolSize(config.threads()).setPreferNativeTransport(true)
                        // no per-connection metrics on the DNS TCP path; HTTP, pools and the rest stay
                        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
                                .setDisabledMetricsCategories(Set.of(MetricsDomain.NET_SERVER.name(),
                                        MetricsDomain.DATAGRAM_SOCKET.name()))))
                .withMetrics(new MicrometerMetricsFactory(metrics.meterRegistry()))
                .build();
        vertx.setPeriodic(1000, t -> traffic.sample());
        org.hubdns.api.ApiLimits limits = config.apiLimits();
        LOG.info("API limits per client address and token: writes {}/s (burst {}), reads {}/s (burst {}); failed "
                + "authentications {}/s per address (burst {}); {} large uploads at once (0/s: no limit)",
                limits.writeRate(), limits.writeBurst(), limits.readRate(), limits.readBurst(),
                limits.authFailureRate(), limits.authFailureBurst(), limits.largeUploads());
        if (rateLimiter.enabled()) {
            RrlSettings r = config.rrl();
            LOG.info("response rate limiting{}: {}/s per client network (/{} IPv4, /{} IPv6) and response class, "
                    + "burst {}, slip {}, window {} s, {} accounts ({} MiB), {} exempt networks",
                    r.logOnly() ? " (log only)" : "", r.rate(), r.ipv4Prefix(), r.ipv6Prefix(), r.burst(), r.slip(),
                    r.windowSeconds(), rateLimiter.tableCapacity(), rateLimiter.tableCapacity() * 16L >> 20,
                    r.exempt().size());
            // at most once a minute, and only when something was limited
            vertx.setPeriodic(60_000, t -> {
                String report = rateLimiter.minuteReport();
                if (report != null) {
                    LOG.warn(report);
                }
            });
        }
        if (!vertx.isNativeTransportEnabled()) {
            LOG.warn("native epoll transport unavailable ({}); UDP falls back to one socket without SO_REUSEPORT",
                    vertx.unavailableNativeTransportCause());
        }
        // HTTP first, so that /v1/health can say why this member is not ready while it joins
        api = buildApi();
        http = ApiListener.create(vertx, config.http(), tlsPair, api.router());
        InetAddress httpAddress = config.bind().get(0);
        String scheme = http.https() ? "https" : "http";
        await(http.listen(config.httpPort(), httpAddress.getHostAddress()),
                "listen on " + scheme + " " + hostPort(httpAddress, config.httpPort()), "--http-port");
        LOG.info("listening {} {}", scheme, hostPort(httpAddress, http.actualPort()));

        // the DNS port is bound only after the first snapshot; a port in use should not wait for the join
        if (config.dnsPort() != 0) {
            for (InetAddress a : config.bind()) {
                try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
                    probe.setReuseAddress(true);
                    probe.bind(new InetSocketAddress(a, config.dnsPort()));
                } catch (java.io.IOException e) {
                    throw bindFailure("listen on tcp " + hostPort(a, config.dnsPort()), "--dns-port", e);
                }
            }
        }
        return fileZones;
    }

    /** {@link Phase#JOIN}. */
    private void join() throws StartupException {
        ClusterSettings cs = clusterSettings();
        LOG.info("joining cluster '{}' on {} (members: {})", cs.clusterName(), hostPort(cs.bind(), cs.port()),
                cs.members().isEmpty() ? "none given, starting alone" : String.join(", ", cs.members()));
        try {
            registry = Registry.start(cs, Map.of(CoverageDataset.NAME, CoverageDataset::decode,
                    GeoIpDataset.NAME, GeoIpDataset::decode));
        } catch (IOException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    /** {@link Phase#RESTORE}: returns the admin token as resolved (generated or given). */
    private AdminTokens.Resolved restore(List<ZoneSources.Loaded> fileZones) throws StartupException {
        AdminTokens.Resolved admin;
        try {
            admin = AdminTokens.resolve(registry, System.getenv(AdminTokens.ENV), config.adminTokenFile(),
                    config.dataDir());
        } catch (IOException e) {
            throw new StartupException(e.getMessage(), e);
        }
        health = HealthChecker.start(vertx, registry, config.probing());
        service = new RegistryService(registry, new ZoneUploads(snapshotBuilder::parsed), config.probing().policy(),
                health);
        try {
            checkAgainstPlatforms(fileZones);
        } catch (ZoneLoadException e) {
            throw new StartupException(e.getMessage());
        }
        for (ZoneSources.Loaded z : fileZones) {
            offerZone(z.stored());
        }
        if (config.demo()) {
            DemoData.seed(service, config.dataDir());
        }
        geoIp.attach(registry);
        feeds = new org.hubdns.feed.CoverageFeeds(registry, System::currentTimeMillis).start();
        if (config.geoip() != null) {
            try {
                geoIp.seed(config.geoip());
            } catch (InvalidGeoIpException e) {
                throw new StartupException("--geoip " + config.geoip() + ": " + e.getMessage());
            } catch (IOException e) {
                throw new StartupException("--geoip " + config.geoip() + ": cannot read it: " + e.getMessage(), e);
            }
        }
        return admin;
    }

    /**
     * {@link Phase#BIND_DNS}: TCP first, since its bind fails when another server holds the port, which
     * SO_REUSEPORT on UDP would hide.
     */
    private void bindDns() throws StartupException {
        ServerCookies cookies = new ServerCookies(AdminTokens.cookieSecret(registry));
        byte[] nsid = config.nsid() == null ? null : config.nsid().getBytes(StandardCharsets.UTF_8);
        QueryLog log = queryLog == null ? QueryLog.OFF : queryLog;
        QueryProcessorFactory processors = () -> new QueryProcessor(snapshots, nsid, cookies, queryStats.newStats(),
                log, rateLimiter.gate());
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
                UdpListener l = UdpListener.bind(loops, vertx.isNativeTransportEnabled(), isa, processors,
                        queryErrors);
                udp.add(l);
                LOG.info("listening dns/udp {} ({} sockets{})", hostPort(a, dnsPort), l.sockets(),
                        l.reusePort() ? ", SO_REUSEPORT, batch calls: " + l.batchCalls() + ", replies from " + l.replies()
                                + (l.dontFragment() ? ", DF set" : "") : "");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartupException("interrupted while binding udp " + hostPort(a, dnsPort));
            } catch (Exception e) { // also the checked IOException that Netty's sync() throws undeclared
                throw bindFailure("listen on udp " + hostPort(a, dnsPort), "--dns-port", e);
            }
        }
    }

    /** The HTTP API, each handler given exactly what it reads (the registry and checker exist only after the join). */
    private HttpApi buildApi() {
        MemberStatus status = new MemberStatus() {
            @Override
            public String notReady() {
                return notReady;
            }

            @Override
            public String httpAddress() {
                return HubDnsServer.this.httpAddress();
            }

            @Override
            public long uptimeSeconds() {
                return HubDnsServer.this.uptimeSeconds();
            }

            @Override
            public long lastSnapshotBuildMicros() {
                return snapshotBuilder.lastBuildMicros();
            }
        };
        return new HttpApi(vertx, status, snapshots::current, () -> registry, () -> health, () -> feeds,
                traffic::dashboard, metrics::scrape, this::reload, config.probing().policy().minIntervalMs(), apiLimiter);
    }

    private ClusterSettings clusterSettings() throws StartupException {
        InetAddress bind = config.bind().get(0);
        int port = config.cluster().port() == 0 ? freePort(bind) : config.cluster().port();
        return new ClusterSettings(config.cluster().name(), bind, port, config.cluster().members(),
                config.dataDir());
    }

    /** A zone from this member's files enters the cluster only with a higher serial than the cluster's. */
    private void offerZone(StoredZone z) {
        Stored held = registry.offer(Kind.ZONES, z.name(), z, (mine, cur) ->
                Serials.greater(z.serial(), Json.read(cur.body(), StoredZone.class).serial()));
        StoredZone now = Json.read(held.body(), StoredZone.class);
        if (z.source().equals(ZoneSources.DEMO_SOURCE)) {
            // the demo has no file to edit: the cluster's newer copy (an upload, say) is what the operator chose
            String path = z.name().endsWith(".") ? z.name().substring(0, z.name().length() - 1) : z.name();
            if (held.deleted()) {
                LOG.info("demo zone {} not loaded: an operator deleted it (at serial {}); upload a zone with a higher "
                        + "serial (PUT /v1/zones/{}) to serve it again", z.name(), now.serial(), path);
            } else if (!now.equals(z) && !now.text().equals(z.text())) {
                LOG.info("demo zone {} (serial {}) not loaded: the cluster serves serial {} from {}; upload a zone "
                        + "with a higher serial (PUT /v1/zones/{}) to change it", z.name(), z.serial(), now.serial(),
                        now.source(), path);
            }
        } else if (held.deleted()) {
            LOG.warn("zone {} from {} has serial {}, not above the serial {} it had when an operator deleted it; "
                    + "raise the serial to serve it again", z.name(), z.source(), z.serial(), now.serial());
        } else if (!now.equals(z) && !now.text().equals(z.text())) {
            LOG.warn("zone {} from {} (serial {}) is not served: the cluster has serial {} from {}; raise the "
                    + "serial in the file to replace it", z.name(), z.source(), z.serial(), now.serial(), now.source());
        }
    }

    /**
     * A file zone that would replace the cluster's copy may not put data or a delegation at a
     * platform's hostname (the platform's answers would hide it): refused like a zone with an error.
     */
    private void checkAgainstPlatforms(List<ZoneSources.Loaded> zones) throws ZoneLoadException {
        for (ZoneSources.Loaded z : zones) {
            Stored cur = registry.get(Kind.ZONES, z.stored().name());
            long held = cur == null ? 0 : Json.read(cur.body(), StoredZone.class).serial();
            if (cur != null && !Serials.greater(z.stored().serial(), held)) {
                continue; // the cluster keeps its copy: nothing changes
            }
            try {
                service.checkPlatformNames(z.stored().name(), ZoneUploads.names(z.content()));
            } catch (ApiException e) {
                throw new ZoneLoadException(z.stored().source() + ": " + e.getMessage());
            }
        }
    }

    /** Waits (bounded) until this member's snapshot includes every registry change seen so far. */
    Snapshot awaitSnapshot() {
        long mark = registry.changeMark();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (snapshots.current().viewSequence() < mark && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return snapshots.current();
    }

    private void closeRegistry() {
        if (feeds != null) {
            feeds.close();
        }
        if (health != null) {
            health.close(); // withdraws this member's verdicts at once
        }
        if (registry != null) {
            registry.close(); // copies the registry to the data dir, then leaves the cluster gracefully
            registry = null;
        }
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

    /**
     * Re-reads this member's zone files off the event loops and offers them to the cluster (a higher
     * serial replaces the cluster's copy on every member); on any error nothing changes.
     */
    public Future<Snapshot> reload() {
        Vertx v = vertx;
        if (v == null || registry == null) {
            return Future.failedFuture("the server is not running");
        }
        return v.executeBlocking(() -> {
            synchronized (sources) {
                List<ZoneSources.Loaded> zones;
                try {
                    zones = sources.loadForCluster();
                    checkAgainstPlatforms(zones);
                } catch (ZoneLoadException e) {
                    LOG.error("zone reload failed, still serving generation {}: {}", snapshots.current().generation(),
                            e.getMessage());
                    throw e;
                }
                zones.forEach(z -> offerZone(z.stored()));
            }
            Snapshot s = awaitSnapshot();
            LOG.info("zones reloaded: {} zone(s), {} names, generation {}", s.zones().zones().size(),
                    s.zones().nameCount(), s.generation());
            return s;
        }, false);
    }

    /**
     * Re-reads {@code --tls-cert} and {@code --tls-key} (SIGHUP) and serves them to new connections when
     * they are a valid pair; otherwise the old pair keeps serving and the refusal is logged.
     */
    public Future<TlsReload> reloadTls() {
        ApiListener l = http;
        return l == null ? Future.failedFuture("the server is not running") : l.reloadTls();
    }

    /** The HTTP listener (for tests of its limits and certificate). */
    ApiListener httpListener() {
        return http;
    }

    /** 0 while the snapshot is current; else how long the newest one has been waiting to be built. */
    private double snapshotAgeSeconds() {
        Registry r = registry;
        if (r == null || snapshots.current().viewSequence() >= r.changeMark()) {
            return 0;
        }
        return snapshots.ageSeconds();
    }

    private Long geoIpBuildEpoch() {
        Registry r = registry;
        return r == null ? null : GeoIpDataset.buildEpoch(r.view());
    }

    /** host:port of this member's HTTP API, or null before it listens. */
    String httpAddress() {
        return http == null ? null : hostPort(config.bind().get(0), http.actualPort());
    }

    public Snapshot snapshot() {
        return snapshots.current();
    }

    long uptimeSeconds() {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos);
    }

    /** How many queries start-up ran through a detached copy of the first snapshot before binding DNS (none counted). */
    public int warmedQueries() {
        return warmedQueries;
    }

    /** The UDP listeners, one per bound address, in bind order. */
    public List<UdpListener> udpListeners() {
        return List.copyOf(udp);
    }

    public int dnsPort() {
        return dnsPort;
    }

    public int httpPort() {
        return http == null ? -1 : http.actualPort();
    }

    /** The joined registry, null before (for tests that look below the API). */
    Registry registry() {
        return registry;
    }

    /**
     * Stops taking new queries and connections, lets the event loops answer what they already
     * read, then closes everything.
     */
    public void stop() {
        notReady = "stopping";
        for (UdpListener l : udp) {
            try {
                l.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        udp.clear();
        if (vertx == null) {
            closeRegistry();
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
        } catch (Exception e) {
            LOG.warn("shutdown was not clean: {}", e.toString());
        }
        closeRegistry();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("shutdown was not clean: {}", e.toString());
        }
        vertx = null;
        if (queryLog != null) {
            queryLog.close(); // after the listeners: the last queries are written
        }
        metrics.close();
        dnssec.close();
    }
}
