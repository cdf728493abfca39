package org.hubdns.cluster.feed;

import java.util.Map;

/**
 * A coverage feed as the operator configures it: which BGP peer (route-server member) connects at
 * which site, and the limits that keep a feed's routes meaningful. Its routes are kept apart (they
 * are many and change often); this record is the small, versioned part of the feed.
 *
 * @param name the feed's name, as in {@code /v1/coverage-feeds/{name}}
 * @param peers peer key to site name; a key is {@code "AS<number>"} or an address literal (an
 *     address wins over its AS)
 * @param maxPrefixV4 IPv4 routes longer than this place nobody (default 24)
 * @param maxPrefixV6 IPv6 routes longer than this place nobody (default 48)
 * @param staleAfterS seconds without a change, upload or heartbeat after which the feed places
 *     nobody (default 900; 0: never stale)
 */
public record CoverageFeed(String name, Map<String, String> peers, int maxPrefixV4, int maxPrefixV6, long staleAfterS) {
    public static final int DEFAULT_MAX_PREFIX_V4 = 24;
    public static final int DEFAULT_MAX_PREFIX_V6 = 48;
    public static final long DEFAULT_STALE_AFTER_S = 900;

    public CoverageFeed {
        peers = Map.copyOf(peers);
    }
}
