package org.hubdns.steering;

/** What {@code explain} collects from a steering decision; the DNS path passes none. */
public interface Trace {
    void located(Located where, int family, int sourcePrefix, int affinityPrefix);

    void site(String site, double distanceKm, boolean sameCountry, double keep, String verdict);

    void ranked(String site, String nodeId, double weight, double score, int rank, boolean picked);

    void outcome(String how, int scope);
}
