package org.hubdns.server;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * The settings of one hubdns member, from flags and the YAML file.
 *
 * @param dnsPort 0 picks a free port (tests)
 * @param httpPort 0 picks a free port (tests)
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
        Cluster cluster) {
    public ServerConfig {
        bind = List.copyOf(bind);
    }

    /** A member that forms its own cluster on a free port (tests). */
    public ServerConfig(List<InetAddress> bind, int dnsPort, int httpPort, Path dataDir, Path zonesDir, String nsid,
            boolean demo, Path adminTokenFile, int tcpIdleTimeoutSeconds, int tcpMaxConnections, int threads) {
        this(bind, dnsPort, httpPort, dataDir, zonesDir, nsid, demo, adminTokenFile, tcpIdleTimeoutSeconds,
                tcpMaxConnections, threads, Cluster.ALONE);
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
