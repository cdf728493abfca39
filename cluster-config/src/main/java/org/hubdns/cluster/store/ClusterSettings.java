package org.hubdns.cluster.store;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * How this member joins the cluster.
 *
 * @param members {@code host[:port]} of other members (TCP-IP join; no multicast); empty: start alone
 *     and wait for others to join
 */
public record ClusterSettings(String clusterName, InetAddress bind, int port, List<String> members, Path dataDir) {
    public ClusterSettings {
        members = List.copyOf(members);
    }
}
