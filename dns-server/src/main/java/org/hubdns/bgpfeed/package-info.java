/**
 * {@code hubdns bgp-feed}: the bridge from a live BGP session to a coverage feed. ExaBGP, peering
 * with the exchange's route server, runs it as a {@code process} with {@code encoder json}; it reads
 * ExaBGP's JSON lines from standard input ({@link org.hubdns.bgpfeed.BlockingStdin}), keeps them in
 * a bounded FIFO ({@link org.hubdns.bgpfeed.LineQueue}) and posts them, exactly as read and in
 * order, in batches of at most one second or 10,000 routes to
 * {@code POST /v1/coverage-feeds/{name}/updates} ({@link org.hubdns.bgpfeed.FeedForwarder} over
 * {@link org.hubdns.bgpfeed.FeedApi}), retrying with backoff; an empty POST is the heartbeat that
 * keeps the feed fresh while a BGP session is up. It never writes to standard output, which ExaBGP
 * reads as commands. The parsing of the lines is cluster-config's
 * {@link org.hubdns.cluster.feed.ExaBgpJson}, which the API applies with.
 */
package org.hubdns.bgpfeed;
