package org.hubdns.cluster.model;

import java.util.List;

/**
 * A service whose users are steered: its hostnames (inside served zones), the TTL and number of
 * addresses per answer, and the fallback used when no local cache node can serve.
 */
public record Platform(String name, List<String> hostnames, int ttl, int answers, Fallback fallback) {
    public Platform {
        hostnames = List.copyOf(hostnames);
    }
}
