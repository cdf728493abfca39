/**
 * Coverage feeds on this member: {@link org.hubdns.feed.CoverageFeeds} keeps a replica of every
 * feed (its newest base, an uploaded MRT dump or a compacted table, plus the entries of its
 * live-update log after it, applied in sequence order on one thread), decides staleness, compacts
 * the log (on the oldest member) and hands steering one immutable
 * {@link org.hubdns.cluster.feed.FeedPlacement}, rebuilding the snapshot when it changes.
 * {@link org.hubdns.feed.FeedState} is what the API, the metrics and the dashboard show. The cluster
 * side (the log map, streamed datasets) is {@code org.hubdns.cluster.store}'s; the HTTP side is
 * {@code org.hubdns.api.CoverageFeedApi}.
 */
package org.hubdns.feed;
