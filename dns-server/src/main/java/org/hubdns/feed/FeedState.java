package org.hubdns.feed;

import java.util.List;
import java.util.Map;

/**
 * A feed as this member serves it, for the API, the metrics and the dashboard.
 *
 * @param routesV4 IPv4 routes in the table (every path counts)
 * @param routesV6 IPv6 routes
 * @param peers the announcers seen, with their site (null: unmapped, they place nobody) and routes
 * @param lastUpdateMillis the last change, dump upload or heartbeat (0: never)
 * @param stale whether the feed has stopped placing clients for want of news
 * @param lastUpload what the last table dump held (null: none)
 * @param skippedLines update lines that were not ExaBGP JSON, since the feed's last dump
 * @param applied the last log sequence applied here
 */
public record FeedState(String name, long routesV4, long routesV6, List<Peer> peers, long lastUpdateMillis,
        boolean stale, Map<String, Object> lastUpload, long skippedLines, long applied) {

    /** An announcer of the feed's routes. */
    public record Peer(long as, String address, String site, long routes) {
    }
}
