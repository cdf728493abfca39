package org.hubdns.server;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.hubdns.dns.rrl.RrlSettings;
import org.hubdns.health.HealthChecker;

/**
 * The settings of one hubdns member, from flags and the YAML file.
 *
 * @param dnsPort 0 picks a free port (tests)
 * @param httpPort 0 picks a free port (tests)
 * @param geoip a GeoIP2/GeoLite2 City database to seed the cluster with, or null
 * @param probing what the health checker may probe, how often at most, from how many members
 * @param queryLog a file or "stdout" for the query log, or null (off)
 * @param queryLogSample the fraction of queries logged, in (0, 1]
 * @param rrl response rate limiting ({@link RrlSettings#OFF}: none)
 * @param dnssec signature validity and refresh, and rollover waits, of signed zones
 */
public record ServerConfig(
        List<InetAddress> bind,
        int dnsPort,
        int httpPort,
        Path dataDir,
        Path zonesDir,
        String nsid,
        boolean demo,
        Path adminTokenFile,
        int tcpIdleTimeoutSeconds,
        int tcpMaxConnections,
        int threads,
        Cluster cluster,
        Path geoip,
        HealthChecker.Settings probing,
        String queryLog,
        double queryLogSample,
        RrlSettings rrl,
        org.hubdns.dnssec.Dnssec.Timings dnssec) {
    public ServerConfig {
        bind = List.copyOf(bind);
        dnssec = dnssec == null ? org.hubdns.dnssec.Dnssec.Timings.DEFAULT : dnssec;
    }

    /** With the default DNSSEC timings. */
    public ServerConfig(List<InetAddress> bind, int dnsPort, int httpPort, Path dataDir, Path zonesDir, String nsid,
            boolean demo, Path adminTokenFile, int tcpIdleTimeoutSeconds, int tcpMaxConnections, int threads,
            Cluster cluster, Path geoip, HealthChecker.Settings probing, String queryLog, double queryLogSample,
            RrlSettings rrl) {
        this(bind, dnsPort, httpPort, dataDir, zonesDir, nsid, demo, adminTokenFile, tcpIdleTimeoutSeconds,
                tcpMaxConnections, threads, cluster, geoip, probing, queryLog, queryLogSample, rrl, null);
    }

    public ServerConfig withDnssec(org.hubdns.dnssec.Dnssec.Timings timings) {
        return new ServerConfig(bind, dnsPort, httpPort, dataDir, zonesDir, nsid, demo, adminTokenFile,
                tcpIdleTimeoutSeconds, tcpMaxConnections, threads, cluster, geoip, probing, queryLog, queryLogSample,
                rrl, timings);
    }

    /** Without health-check settings: nothing may be probed. */
    public ServerConfig(List<InetAddress> bind, int dnsPort, int httpPort, Path dataDir, Path zonesDir, String nsid,
            boolean demo, Path adminTokenFile, int tcpIdleTimeoutSeconds, int tcpMaxConnections, int threads,
            Cluster cluster, Path geoip) {
        this(bind, dnsPort, httpPort, dataDir, zonesDir, nsid, demo, adminTokenFile, tcpIdleTimeoutSeconds,
                tcpMaxConnections, threads, cluster, geoip, HealthChecker.Settings.DEFAULT, null, 1.0, RrlSettings.OFF);
    }

    public ServerConfig withProbing(HealthChecker.Settings settings) {
        return new ServerConfig(bind, dnsPort, httpPort, dataDir, zonesDir, nsid, demo, adminTokenFile,
                tcpIdleTimeoutSeconds, tcpMaxConnections, threads, cluster, geoip, settings, queryLog, queryLogSample, rrl, dnssec);
    }

    public ServerConfig withQueryLog(String target, double sample) {
        return new ServerConfig(bind, dnsPort, httpPort, dataDir, zonesDir, nsid, demo, adminTokenFile,
                tcpIdleTimeoutSeconds, tcpMaxConnections, threads, cluster, geoip, probing, target, sample, rrl, dnssec);
    }

    public ServerConfig withRrl(RrlSettings settings) {
        return new ServerConfig(bind, dnsPort, httpPort, dataDir, zonesDir, nsid, demo, adminTokenFile,
                tcpIdleTimeoutSeconds, tcpMaxConnections, threads, cluster, geoip, probing, queryLog, queryLogSample,
                settings, dnssec);
    }

    /** A member that forms its own cluster on a free port (tests). */
    public ServerConfig(List<InetAddress> bind, int dnsPort, int httpPort, Path dataDir, Path zonesDir, String nsid,
            boolean demo, Path adminTokenFile, int tcpIdleTimeoutSeconds, int tcpMaxConnections, int threads) {
        this(bind, dnsPort, httpPort, dataDir, zonesDir, nsid, demo, adminTokenFile, tcpIdleTimeoutSeconds,
                tcpMaxConnections, threads, Cluster.ALONE, null);
    }

    /** A member of the given cluster, without a GeoIP database of its own. */
    public ServerConfig(List<InetAddress> bind, int dnsPort, int httpPort, Path dataDir, Path zonesDir, String nsid,
            boolean demo, Path adminTokenFile, int tcpIdleTimeoutSeconds, int tcpMaxConnections, int threads,
            Cluster cluster) {
        this(bind, dnsPort, httpPort, dataDir, zonesDir, nsid, demo, adminTokenFile, tcpIdleTimeoutSeconds,
                tcpMaxConnections, threads, cluster, null);
    }

    /**
     * How this member finds the others.
     *
     * @param port the Hazelcast port on the first --bind address; 0 picks a free one (tests)
     * @param members {@code host[:port]} of other members
     */
    public record Cluster(String name, int port, List<String> members) {
        public static final Cluster ALONE = new Cluster("hubdns", 0, List.of());

        public Cluster {
            members = List.copyOf(members);
        }
    }
}
