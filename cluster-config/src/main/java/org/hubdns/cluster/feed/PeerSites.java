package org.hubdns.cluster.feed;

import java.util.HashMap;
import java.util.Map;
import org.hubdns.cluster.coverage.Cidr;

/**
 * A feed's {@code peers} map compiled for lookups: the site of an announcer (AS, address), where
 * an address key wins over the AS key. Address keys are matched in canonical form (so
 * "2001:DB8::7" and "2001:db8:0::7" are one key, and an IPv4-mapped address is its IPv4 address);
 * keys that are neither {@code AS<number>} nor an address literal match nothing (the API refuses
 * them before they get here).
 */
public final class PeerSites {
    private final Map<Long, String> byAs = new HashMap<>();
    private final Map<String, String> byAddress = new HashMap<>();

    private PeerSites(Map<String, String> peers) {
        for (Map.Entry<String, String> e : peers.entrySet()) {
            String key = e.getKey();
            if (key.length() > 2 && (key.startsWith("AS") || key.startsWith("as"))) {
                try {
                    long as = Long.parseLong(key.substring(2));
                    if (as >= 0 && as <= 0xFFFF_FFFFL && Character.isDigit(key.charAt(2))) {
                        byAs.put(as, e.getValue());
                    }
                } catch (NumberFormatException ignored) {
                    // not an AS key: matches nothing
                }
                continue;
            }
            try {
                byAddress.put(Cidr.formatAddress(FeedRoutes.canonical(Cidr.parseAddress(key))), e.getValue());
            } catch (IllegalArgumentException ignored) {
                // not an address literal: matches nothing
            }
        }
    }

    public static PeerSites of(CoverageFeed feed) {
        return new PeerSites(feed.peers());
    }

    public static PeerSites of(Map<String, String> peers) {
        return new PeerSites(peers);
    }

    /** The site of the announcer, or null when the map names neither its address nor its AS. */
    public String site(long as, byte[] address) {
        if (address != null && !byAddress.isEmpty()) {
            String s = byAddress.get(Cidr.formatAddress(FeedRoutes.canonical(address)));
            if (s != null) {
                return s;
            }
        }
        return byAs.get(as);
    }

    /** As {@link #site(long, byte[])} for a {@link FeedRoutes.Peer} (its address may be null). */
    public String site(FeedRoutes.Peer peer) {
        return site(peer.as(), peer.address() == null ? null : Cidr.parseAddress(peer.address()));
    }
}
