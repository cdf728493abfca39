package org.hubdns.server;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.hubdns.cluster.coverage.Cidr;
import org.hubdns.cluster.model.ProbePolicy;
import org.hubdns.dns.rrl.RrlSettings;
import org.hubdns.health.HealthChecker;
import sun.misc.Signal;

/** {@code hubdns serve}: runs one member until SIGTERM/SIGINT; SIGHUP reloads the zones. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serve DNS (UDP and TCP) and the HTTP API. Every option can also be set in a YAML "
                + "--config file (key = the long option name without dashes); flags win over the file.")
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
    private static final java.util.regex.Pattern IPV4 =
            java.util.regex.Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
                    + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--bind", split = ",", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Addresses to listen on, IPv4 and/or IPv6 (default: ${DEFAULT-VALUE}).")
    List<String> bind = new ArrayList<>();

    @Option(names = "--dns-port", paramLabel = "N", defaultValue = "5300",
            description = "DNS port, UDP and TCP (default: ${DEFAULT-VALUE}).")
    int dnsPort;

    @Option(names = "--http-port", paramLabel = "N", defaultValue = "8053",
            description = "HTTP API port (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./data",
            description = "Where this member keeps its state, e.g. admin.token (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--zones", paramLabel = "DIR",
            description = "Serve every *.zone file (RFC 1035 master format) in DIR; the origin is the file's "
                    + "$ORIGIN, else its name without .zone.")
    Path zones;

    @Option(names = "--nsid", paramLabel = "TEXT",
            description = "This server's identity, returned for the NSID option (RFC 5001).")
    String nsid;

    @Option(names = "--demo", description = "Also serve the demo zone pk-hub.example.")
    boolean demo;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of option: value defaults.")
    Path config;

    @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = "hubdns",
            description = "Members join only a cluster of the same name (default: ${DEFAULT-VALUE}).")
    String clusterName;

    @Option(names = "--cluster-port", paramLabel = "N", defaultValue = "5701",
            description = "Port for the cluster's own traffic, on the first --bind address; keep it on a private "
                    + "network: it has no TLS or authentication (default: ${DEFAULT-VALUE}).")
    int clusterPort;

    @Option(names = "--members", split = ",", paramLabel = "HOST[:PORT]",
            description = "Other members to join (TCP; no multicast). Without it the member starts alone and "
                    + "others join it.")
    List<String> members = new ArrayList<>();

    @Option(names = "--geoip", paramLabel = "FILE",
            description = "A MaxMind GeoIP2/GeoLite2 City database (.mmdb). It seeds the cluster when the cluster "
                    + "has none or an older build; every member then serves it (PUT /v1/geoip replaces it).")
    Path geoip;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "File holding the operator's bearer token (else $HUBDNS_ADMIN_TOKEN, else "
                    + "<data-dir>/admin.token, generated on first start).")
    Path adminTokenFile;

    @Option(names = "--tcp-idle-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Close a DNS TCP connection idle this long (default: ${DEFAULT-VALUE}).")
    int tcpIdleTimeout;

    @Option(names = "--tcp-max-connections", paramLabel = "N", defaultValue = "1024",
            description = "Most DNS TCP connections at once; more are closed on accept (default: ${DEFAULT-VALUE}).")
    int tcpMaxConnections;

    @Option(names = "--probe-allow", split = ",", paramLabel = "CIDR",
            description = "Networks the health checker may probe (nodes with checks elsewhere are refused at "
                    + "registration). Empty by default; --demo alone allows 127.0.0.0/8.")
    List<String> probeAllow;

    @Option(names = "--probe-min-interval", paramLabel = "MS", defaultValue = "500",
            description = "The shortest probe interval a node's check may ask for (default: ${DEFAULT-VALUE}).")
    int probeMinInterval;

    @Option(names = "--probers-per-node", paramLabel = "K", defaultValue = "3",
            description = "How many members probe each node; its health is their majority (default: "
                    + "${DEFAULT-VALUE}, fewer in a smaller cluster).")
    int probersPerNode;

    @Option(names = "--probe-source", paramLabel = "ADDR",
            description = "Send probes from this local address (default: the kernel's choice).")
    String probeSource;

    @Option(names = "--dnssec-signature-validity", paramLabel = "SECONDS", defaultValue = "259200",
            description = "How long the RRSIGs of signed zones are valid; bounds how long an answer naming a removed "
                    + "node can be replayed (default: ${DEFAULT-VALUE}, 3 days).")
    long dnssecValidity;

    @Option(names = "--dnssec-signature-refresh", paramLabel = "SECONDS", defaultValue = "86400",
            description = "Signatures with less than this left are made again (default: ${DEFAULT-VALUE}, 1 day); "
                    + "must be below --dnssec-signature-validity.")
    long dnssecRefresh;

    private org.hubdns.dnssec.Dnssec.Timings dnssecTimings() {
        if (dnssecValidity < 60 || dnssecRefresh < 1 || dnssecRefresh >= dnssecValidity) {
            throw usage("--dnssec-signature-validity must be at least 60 seconds and --dnssec-signature-refresh "
                    + "between 1 second and the validity (got " + dnssecValidity + " and " + dnssecRefresh + ")");
        }
        return new org.hubdns.dnssec.Dnssec.Timings(java.time.Duration.ofSeconds(dnssecValidity),
                java.time.Duration.ofSeconds(dnssecRefresh), org.hubdns.dnssec.Rollover.Timings.DEFAULT);
    }

    @Option(names = "--query-log", paramLabel = "FILE|stdout",
            description = "Log queries as JSON lines to FILE (appended) or stdout; off by default.")
    String queryLog;

    @Option(names = "--query-log-sample", paramLabel = "RATE", defaultValue = "1.0",
            description = "Fraction of queries the query log keeps, in (0, 1] (default: ${DEFAULT-VALUE}).")
    double queryLogSample;

    @Option(names = "--rrl-rate", paramLabel = "N", defaultValue = "0",
            description = "Response rate limiting: UDP responses per second per client network and response class "
                    + "(positive answers per name, NXDOMAIN, NODATA, referrals, errors, large); 0 turns it off "
                    + "(default: ${DEFAULT-VALUE}).")
    int rrlRate;

    @Option(names = "--rrl-burst", paramLabel = "N",
            description = "Responses a quiet network may get at once before --rrl-rate applies (default: twice the rate).")
    Integer rrlBurst;

    @Option(names = "--rrl-slip", paramLabel = "N", defaultValue = "2",
            description = "Of the limited responses, send every N-th as a minimal truncated answer (TC=1, so real "
                    + "resolvers retry over TCP) and drop the others; 0 drops all, 1 slips all (default: ${DEFAULT-VALUE}).")
    int rrlSlip;

    @Option(names = "--rrl-window", paramLabel = "SECONDS", defaultValue = "15",
            description = "A network that stops flooding is served again within this long (default: ${DEFAULT-VALUE}).")
    int rrlWindow;

    @Option(names = "--rrl-table-size", paramLabel = "N", defaultValue = "1048576",
            description = "Accounts the rate limiter keeps (16 bytes each); the quietest are forgotten beyond it "
                    + "(default: ${DEFAULT-VALUE}).")
    int rrlTableSize;

    @Option(names = "--rrl-exempt", split = ",", paramLabel = "CIDR",
            description = "Client networks never rate limited (e.g. your own resolvers, monitoring).")
    List<String> rrlExempt = new ArrayList<>();

    @Option(names = "--rrl-log-only",
            description = "Count and log what the rate limiter would limit, but limit nothing (for tuning).")
    boolean rrlLogOnly;

    @Option(names = "--rrl-ipv4-prefix", paramLabel = "BITS", defaultValue = "24",
            description = "Rate-limit IPv4 clients per network of this prefix length (default: ${DEFAULT-VALUE}).")
    int rrlIpv4Prefix;

    @Option(names = "--rrl-ipv6-prefix", paramLabel = "BITS", defaultValue = "56",
            description = "Rate-limit IPv6 clients per network of this prefix length, at most 64 "
                    + "(default: ${DEFAULT-VALUE}).")
    int rrlIpv6Prefix;

    @Option(names = "--threads", paramLabel = "N",
            description = "Event loops, each with its own UDP socket (default: the number of cores).")
    Integer threads;

    @Override
    public Integer call() {
        ServerConfig cfg = toConfig();
        long t0 = System.nanoTime();
        // before "ready": a supervisor may signal the moment it reads that line, and the JVM's own
        // handlers would exit at once (143 on TERM, 129 on HUP) instead of stopping or reloading
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        AtomicBoolean hupWhileStarting = new AtomicBoolean();
        Signal.handle(new Signal("HUP"), s -> hupWhileStarting.set(true));
        HubDnsServer server;
        try {
            server = HubDnsServer.start(cfg);
        } catch (StartupException e) {
            System.err.println("hubdns: error: " + e.getMessage());
            return 1;
        }
        Signal.handle(new Signal("HUP"), s -> server.reload());
        if (hupWhileStarting.get()) {
            server.reload(); // the files may have changed after start() read them
        }
        Runtime rt = Runtime.getRuntime();
        LOG.info("ready in {} ms (heap used {} MiB)", (System.nanoTime() - t0) / 1_000_000,
                (rt.totalMemory() - rt.freeMemory()) >> 20);
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("stopping: no new queries, answering those already received");
        server.stop();
        LOG.info("stopped");
        return 0;
    }

    private ServerConfig toConfig() {
        List<InetAddress> addresses = new ArrayList<>();
        for (String b : bind) {
            addresses.add(ipLiteral(b.strip(), "--bind"));
        }
        if (addresses.isEmpty()) {
            throw usage("--bind needs at least one address");
        }
        port("--dns-port", dnsPort);
        port("--http-port", httpPort);
        if (nsid != null && nsid.getBytes(StandardCharsets.UTF_8).length > 128) {
            throw usage("--nsid is longer than 128 bytes");
        }
        if (tcpIdleTimeout < 1) {
            throw usage("--tcp-idle-timeout must be at least 1 second");
        }
        if (tcpMaxConnections < 1) {
            throw usage("--tcp-max-connections must be at least 1");
        }
        int loops = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (loops < 1 || loops > 256) {
            throw usage("--threads must be between 1 and 256");
        }
        port("--cluster-port", clusterPort);
        if (!clusterName.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
            throw usage("--cluster-name takes letters, digits, '.', '_' and '-', not '" + clusterName + "'");
        }
        List<String> others = new ArrayList<>();
        for (String m : members) {
            String member = m.strip();
            if (!member.matches("[A-Za-z0-9.:\\[\\]-]+")) {
                throw usage("--members takes host[:port] entries, not '" + member + "'");
            }
            if (!member.isEmpty()) {
                others.add(member);
            }
        }
        return new ServerConfig(addresses, dnsPort, httpPort, dataDir, zones, nsid, demo, adminTokenFile,
                tcpIdleTimeout, tcpMaxConnections, loops, new ServerConfig.Cluster(clusterName, clusterPort, others), geoip,
                probing(), queryLog, queryLogSample(), rrl(), dnssecTimings());
    }

    private RrlSettings rrl() {
        List<Cidr> exempt = new ArrayList<>();
        for (String e : rrlExempt) {
            String text = e.strip();
            if (text.isEmpty()) {
                continue;
            }
            try {
                exempt.add(Cidr.parse(text));
            } catch (IllegalArgumentException ex) {
                throw usage("--rrl-exempt: " + ex.getMessage());
            }
        }
        try {
            return RrlSettings.of(rrlRate, rrlBurst, rrlSlip, rrlWindow, rrlTableSize, exempt, rrlLogOnly,
                    rrlIpv4Prefix, rrlIpv6Prefix);
        } catch (IllegalArgumentException ex) {
            throw usage(ex.getMessage());
        }
    }

    private double queryLogSample() {
        if (!(queryLogSample > 0 && queryLogSample <= 1)) {
            throw usage("--query-log-sample must be above 0 and at most 1, not " + queryLogSample);
        }
        if (queryLog != null && queryLog.isBlank()) {
            throw usage("--query-log needs a file name or stdout");
        }
        return queryLogSample;
    }

    private HealthChecker.Settings probing() {
        List<String> allow = probeAllow != null ? probeAllow : demo ? List.of("127.0.0.0/8") : List.of();
        if (probeMinInterval < 100 || probeMinInterval > 3_600_000) {
            throw usage("--probe-min-interval must be between 100 and 3600000 ms, not " + probeMinInterval);
        }
        if (probersPerNode < 1 || probersPerNode > 15) {
            throw usage("--probers-per-node must be between 1 and 15, not " + probersPerNode);
        }
        ProbePolicy policy;
        try {
            policy = ProbePolicy.parse(allow, probeMinInterval);
        } catch (IllegalArgumentException e) {
            throw usage("--probe-allow: " + e.getMessage());
        }
        String source = null;
        if (probeSource != null) {
            source = ipLiteral(probeSource.strip(), "--probe-source").getHostAddress();
        }
        return new HealthChecker.Settings(policy, probersPerNode, source);
    }

    private InetAddress ipLiteral(String s, String flag) {
        // only literals: a host name would need a DNS lookup at start-up, and could change under us;
        // and only dotted quads for IPv4, as InetAddress would read "1.2.3" as 1.2.0.3 and "10" as 0.0.0.10
        if (!IPV4.matcher(s).matches() && !s.contains(":")) {
            throw usage(flag + " takes IP addresses, not '" + s + "'");
        }
        try {
            InetAddress a = InetAddress.getByName(s);
            if (a.isAnyLocalAddress()) {
                // a wildcard socket may answer from another address than the one asked, which resolvers drop
                throw usage(flag + " " + s + ": give an address of this machine, not the wildcard address");
            }
            return a;
        } catch (java.net.UnknownHostException e) {
            throw usage(flag + ": '" + s + "' is not an IP address");
        }
    }

    private void port(String flag, int p) {
        if (p < 0 || p > 65535) {
            throw usage(flag + " must be between 0 and 65535, not " + p);
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
