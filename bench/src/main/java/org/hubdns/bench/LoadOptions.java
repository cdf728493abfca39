package org.hubdns.bench;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hubdns.bench.engine.RunSettings;
import org.hubdns.bench.report.AdminApi;
import org.hubdns.bench.report.SiteMap;
import org.hubdns.bench.wire.EcsList;
import org.hubdns.bench.wire.QueryFile;
import org.hubdns.bench.wire.QuerySpec;
import org.hubdns.bench.wire.QueryTemplates;
import picocli.CommandLine.Option;

/** The load flags, shared by the plain run and the scenarios; {@link #settings()} validates them all. */
public final class LoadOptions {
    /** Without --duration or --count a run still ends: after this many seconds. */
    static final double DEFAULT_DURATION = 10;
    static final int MAX_SOCKETS = 1024;

    @Option(names = "--server", paramLabel = "HOST:PORT",
            description = "DNS server to load (repeat to spread the load over several members, socket by socket); "
                    + "default 127.0.0.1:5300")
    List<String> servers = new ArrayList<>();

    @Option(names = "--queries", paramLabel = "FILE",
            description = "dnsperf input: one 'name type' per line, used in order and looped")
    Path queries;

    @Option(names = "--name", paramLabel = "NAME", description = "ask only this name (instead of --queries)")
    String name;

    @Option(names = "--type", paramLabel = "TYPE", description = "record type for --name (default A)")
    String type;

    @Option(names = "--ecs-file", paramLabel = "FILE",
            description = "client networks to send as EDNS Client Subnet, one CIDR per line, used in turn")
    Path ecsFile;

    @Option(names = "--ecs-random", paramLabel = "N", description = "N distinct random public IPv4 /24s as ECS")
    Integer ecsRandom;

    @Option(names = "--seed", paramLabel = "N", description = "seed for --ecs-random (default 1)")
    long seed = 1;

    @Option(names = "--duration", paramLabel = "SECONDS",
            description = "measured time after the warm-up (default 10 when no --count)")
    Double duration;

    @Option(names = "--count", paramLabel = "N", description = "measured queries to send (after the warm-up)")
    Long count;

    @Option(names = "--warmup", paramLabel = "SECONDS", description = "load before measuring, not counted (default 2)")
    double warmup = 2;

    @Option(names = "--concurrency", paramLabel = "N",
            description = "closed loop: queries kept in flight (default 200)")
    int concurrency = 200;

    @Option(names = "--sockets", paramLabel = "N", description = "UDP sockets or TCP connections (default 16)")
    int sockets = 16;

    @Option(names = "--rate", paramLabel = "QPS",
            description = "open loop: send at this constant rate; latency counts from the intended send time")
    Double rate;

    @Option(names = "--dnssec-ok",
            description = "set the EDNS DO bit on every query (RFC 3225), as a validating resolver asks; "
                    + "with --ecs-* the DO bit goes in the same OPT")
    boolean dnssecOk;

    @Option(names = "--tcp", description = "DNS over TCP, queries pipelined on each connection")
    boolean tcp;

    @Option(names = "--timeout", paramLabel = "MS", description = "a query without answer after this is lost (default 2000)")
    long timeoutMs = 2000;

    @Option(names = "--threads", paramLabel = "N", description = "event loops (default: the number of cores)")
    Integer threads;

    @Option(names = "--allow-remote",
            description = "allow targets outside 127.0.0.0/8 and ::1 (only servers you are allowed to load)")
    boolean allowRemote;

    @Option(names = "--report", paramLabel = "DIR", description = "write report.json and report.html into DIR")
    Path report;

    @Option(names = "--admin-url", paramLabel = "URL",
            description = "hubdns HTTP API (e.g. http://127.0.0.1:8053, or https://...): the address-to-site map "
                    + "comes from its nodes")
    String adminUrl;

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "PEM CA certificate(s) to trust for an https --admin-url (a private CA); without it the "
                    + "JVM's default trust store")
    Path caCert;

    @Option(names = "--admin-token", paramLabel = "TOKEN",
            description = "operator token for --admin-url (else $HUBDNS_ADMIN_TOKEN or --admin-token-file)")
    String adminToken;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "file holding the operator token (e.g. <data-dir>/admin.token)")
    Path adminTokenFile;

    @Option(names = "--sites", paramLabel = "FILE",
            description = "address-to-site map: 'ADDRESS SITE' lines, or the JSON of GET /v1/nodes")
    Path sitesFile;

    @Option(names = "--quiet", description = "no progress lines, only the summary")
    boolean quiet;

    public boolean quiet() {
        return quiet;
    }

    public Path reportDir() {
        return report;
    }

    public boolean hasCount() {
        return count != null;
    }

    public boolean allowRemote() {
        return allowRemote;
    }

    /** The questions, described for the report. */
    public record Questions(QueryTemplates templates, String description) {
    }

    public RunSettings settings() throws BenchInputException {
        List<InetSocketAddress> targets = new ArrayList<>();
        List<String> given = servers.isEmpty() ? List.of("127.0.0.1:5300") : servers;
        for (String s : given) {
            targets.add(Targets.parse(s, allowRemote));
        }
        return settings(targets);
    }

    public boolean hasServers() {
        return !servers.isEmpty();
    }

    /** The settings with these targets instead of --server (a scenario that started its own members). */
    public RunSettings settings(List<InetSocketAddress> targets) throws BenchInputException {
        Questions q = questions();
        EcsList ecs = ecs();
        if (ecs != null && dnssecOk) {
            ecs = ecs.withDnssecOk();
        }
        if (warmup < 0 || warmup > 3600) {
            throw new BenchInputException("--warmup " + warmup + ": give 0-3600 seconds");
        }
        if (duration != null && (duration <= 0 || duration > 86_400)) {
            throw new BenchInputException("--duration " + duration + ": give more than 0 and at most 86400 seconds");
        }
        if (count != null && count <= 0) {
            throw new BenchInputException("--count " + count + ": give a positive number of queries");
        }
        if (concurrency < 1 || concurrency > 1_000_000) {
            throw new BenchInputException("--concurrency " + concurrency + ": give 1-1000000 queries in flight");
        }
        if (sockets < 1 || sockets > MAX_SOCKETS) {
            throw new BenchInputException("--sockets " + sockets + ": give 1-" + MAX_SOCKETS);
        }
        if (rate != null && (rate <= 0 || rate > 10_000_000 || rate.isNaN())) {
            throw new BenchInputException("--rate " + rate + ": give a positive rate up to 10000000 queries per second");
        }
        if (timeoutMs < 1 || timeoutMs > 60_000) {
            throw new BenchInputException("--timeout " + timeoutMs + ": give 1-60000 ms");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int t = threads == null ? cores : threads;
        if (t < 1 || t > 256) {
            throw new BenchInputException("--threads " + t + ": give 1-256 event loops");
        }
        int n = Math.max(sockets, targets.size());
        if (rate == null && concurrency < n) {
            n = Math.max(concurrency, targets.size()); // an idle socket would only cost a file descriptor
        }
        if (rate == null && concurrency < targets.size()) {
            throw new BenchInputException("--concurrency " + concurrency + " is below the number of --server ("
                    + targets.size() + "): each server needs at least one query in flight");
        }
        double d = duration != null ? duration : count != null ? 0 : DEFAULT_DURATION;
        return new RunSettings(targets, q.templates(), ecs, seconds(warmup), seconds(d), count == null ? 0 : count,
                concurrency, n, t, rate == null ? 0 : rate, tcp, TimeUnit.MILLISECONDS.toNanos(timeoutMs), null,
                dnssecOk);
    }

    private static long seconds(double s) {
        return (long) (s * 1e9);
    }

    public Questions questions() throws BenchInputException {
        if (queries != null && name != null) {
            throw new BenchInputException("give either --queries FILE or --name NAME [--type TYPE], not both");
        }
        if (type != null && name == null) {
            throw new BenchInputException("--type needs --name (a --queries file has a type on each line)");
        }
        if (queries != null) {
            List<QuerySpec> specs = QueryFile.read(queries);
            QueryTemplates t = QueryTemplates.of(specs);
            return new Questions(t, "file " + queries + " (" + specs.size() + " lines, " + t.distinct() + " distinct)");
        }
        if (name == null) {
            throw new BenchInputException("what should be asked? give --queries FILE (dnsperf format, 'name type' "
                    + "per line) or --name NAME [--type TYPE], e.g. --name www.pk-hub.example --type A");
        }
        QuerySpec s = QueryFile.spec(name, type == null ? "A" : type, "--name/--type");
        return new Questions(QueryTemplates.of(List.of(s)), s.toString());
    }

    EcsList ecs() throws BenchInputException {
        if (ecsFile != null && ecsRandom != null) {
            throw new BenchInputException("give either --ecs-file or --ecs-random, not both");
        }
        if (ecsFile != null) {
            return EcsList.read(ecsFile);
        }
        if (ecsRandom != null) {
            return EcsList.random(ecsRandom, seed);
        }
        return null;
    }

    /** The API, when --admin-url was given (its host is checked like a DNS target). */
    public AdminApi adminApi() throws BenchInputException {
        if (adminUrl == null) {
            return null;
        }
        URI u = Targets.url(adminUrl, "--admin-url", allowRemote);
        if (caCert != null && !u.getScheme().equals("https")) {
            throw new BenchInputException("--cacert is for an https --admin-url, not " + adminUrl);
        }
        return AdminApi.of(u, AdminApi.resolveToken(adminToken, adminTokenFile), caCert);
    }

    /** --sites wins over --admin-url; with neither, no map (the report then has no per-site shares). */
    public SiteMap siteMap(AdminApi api) throws BenchInputException {
        if (sitesFile != null) {
            return SiteMap.read(sitesFile);
        }
        if (api != null) {
            return SiteMap.fromNodes(api.nodes(), "GET " + adminUrl + "/v1/nodes");
        }
        return SiteMap.NONE;
    }
}
