package org.hubdns.cluster.feed;

/**
 * A coverage feed as the registry keeps it: the operator's configuration and the feed's epoch, the
 * time it was created (ms; above any earlier feed's of that name), kept by every later PUT. The
 * epoch names the feed's route log and table dumps, so that a feed deleted and created again never
 * replays the old one's; a new feed counts as heard from at its epoch (it is not stale at once).
 */
public record StoredFeed(CoverageFeed config, long epoch) {
    /** The name of this feed's live-update log (and of its dumps): {@code name@epoch}. */
    public String logId() {
        return config.name() + "@" + Long.toHexString(epoch);
    }

    /** The dataset holding this feed's routes as of some point of its log (an uploaded dump or a compaction). */
    public static String datasetName(String feed) {
        return "feed." + feed;
    }
}
