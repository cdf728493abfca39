package org.hubdns.feed;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.hubdns.cluster.coverage.Cidr;
import org.hubdns.cluster.feed.CoverageFeed;
import org.hubdns.cluster.feed.FeedPlacement;
import org.hubdns.cluster.model.SpecialAddresses;

/**
 * Builds the one {@link FeedPlacement} of this member from the feeds that place clients (not stale):
 * per prefix, the sites of its announcers, the shortest AS path first (a route whose origin is the
 * announcer itself before others); routes longer than the feed's limits, shorter than /8 (IPv4) or
 * /16 (IPv6), and special-purpose prefixes place nobody.
 */
final class Placements {
    private Placements() {
    }

    /** One feed's part: its configuration and table. */
    record Part(CoverageFeed config, MapFeedTable table) {
    }

    private record Candidate(String site, int rank, int pathLength) {
    }

    static FeedPlacement build(List<Part> parts) {
        Map<Cidr, List<Candidate>> byPrefix = new HashMap<>();
        for (Part p : parts) {
            for (MapFeedTable.Route r : p.table().routes()) {
                if (!placing(r.prefix(), p.config())) {
                    continue;
                }
                String site = siteOf(p.config(), r.as(), r.announcer());
                if (site == null) {
                    continue;
                }
                long[] path = r.asPath();
                boolean own = path.length > 0 && path[path.length - 1] == r.as() || path.length == 0;
                byPrefix.computeIfAbsent(r.prefix(), k -> new ArrayList<>())
                        .add(new Candidate(site, own ? 0 : 1, path.length));
            }
        }
        FeedPlacement.Builder b = FeedPlacement.builder();
        byPrefix.forEach((prefix, cands) -> {
            cands.sort(Comparator.comparingInt(Candidate::rank).thenComparingInt(Candidate::pathLength)
                    .thenComparing(Candidate::site));
            LinkedHashSet<String> sites = new LinkedHashSet<>();
            cands.forEach(c -> sites.add(c.site()));
            b.add(prefix, List.copyOf(sites));
        });
        return b.build();
    }

    /** The site a route's announcer connects at: its address first, else its AS; null when unmapped. */
    static String siteOf(CoverageFeed feed, long as, byte[] announcer) {
        if (announcer != null) {
            String s = feed.peers().get(Cidr.formatAddress(announcer));
            if (s != null) {
                return s;
            }
        }
        return as == 0 ? null : feed.peers().get("AS" + as);
    }

    static boolean placing(Cidr prefix, CoverageFeed feed) {
        int len = prefix.prefix();
        if (prefix.isIpv4() ? len < 8 || len > feed.maxPrefixV4() : len < 16 || len > feed.maxPrefixV6()) {
            return false;
        }
        return SpecialAddresses.classify(prefix.address()) == null;
    }
}
