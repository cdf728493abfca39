/**
 * Coverage feeds: client networks placed by the exchange's BGP view. A feed is a configuration
 * ({@link org.hubdns.cluster.feed.CoverageFeed}: which route-server member connects at which site)
 * and a route table filled from MRT table dumps or from a live BGP session (ExaBGP's JSON), both
 * read through {@link org.hubdns.cluster.feed.RouteSink}; steering reads the result as one
 * immutable {@link org.hubdns.cluster.feed.FeedPlacement} per snapshot.
 *
 * <ul>
 *   <li>{@link org.hubdns.cluster.feed.FeedRoutes}: one feed's routes, per session, prefix and path
 *       id, in columnar primitive arrays (about 6.5 bytes per route at 20 full tables: interned
 *       attributes, a 4-byte reference per route); statistics, and {@code forEach}/{@code put} to
 *       persist and reload it. Synchronized: one writer, occasional readers.</li>
 *   <li>{@link org.hubdns.cluster.feed.PeerSites}: a feed's {@code peers} map compiled (an address
 *       key wins over the {@code AS<n>} key).</li>
 *   <li>{@link org.hubdns.cluster.feed.FeedPlacements}: builds the placement from every feed that is
 *       not stale: which routes place nobody (unmapped peer, unknown site, too long, shorter than
 *       /8 or /16, default, bogon: {@code Bogons}), the order of sites per prefix (origin =
 *       announcer first, then AS-path length, then name), and explain's evidence.</li>
 *   <li>{@link org.hubdns.cluster.feed.FeedPlacement}: the immutable longest-prefix table steering
 *       reads; a lookup allocates nothing.</li>
 * </ul>
 */
package org.hubdns.cluster.feed;
