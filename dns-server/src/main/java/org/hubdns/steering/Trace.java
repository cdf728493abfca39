package org.hubdns.steering;

import org.hubdns.cluster.feed.FeedPlacement;

/** What {@code explain} collects from a steering decision; the DNS path passes none. */
public interface Trace {
    void located(Located where, int family, int sourcePrefix, int affinityPrefix);

    /** Whose client it is, and whether the platform serves its country (null: not known). */
    default void client(ClientClass who, String country, boolean served) {
    }

    /** The route that placed the client, when a coverage feed did (null when the evidence is gone). */
    default void placedByFeed(FeedPlacement.Evidence evidence) {
    }

    void site(String site, double distanceKm, boolean sameCountry, double keep, String verdict);

    void ranked(String site, String nodeId, double weight, double score, int rank, boolean picked);

    void outcome(String how, int scope);
}
