/**
 * Coverage feeds: client networks placed by the exchange's BGP view. A feed is a configuration
 * ({@link org.hubdns.cluster.feed.CoverageFeed}: which route-server member connects at which site)
 * and a route table filled from MRT table dumps or from a live BGP session (ExaBGP's JSON), both
 * read through {@link org.hubdns.cluster.feed.RouteSink}; steering reads the result as one
 * immutable {@link org.hubdns.cluster.feed.FeedPlacement} per snapshot.
 */
package org.hubdns.cluster.feed;
