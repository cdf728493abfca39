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
        int threads) {
    public ServerConfig {
        bind = List.copyOf(bind);
    }
}
