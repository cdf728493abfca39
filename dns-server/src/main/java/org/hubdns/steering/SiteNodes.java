package org.hubdns.steering;

/**
 * One site's candidate nodes for one address family, ready for the query path: addresses, node
 * hashes and effective weights in parallel arrays, and the share of client networks the site keeps
 * before spilling to the next one.
 */
final class SiteNodes {
    final String site;
    final String country;
    /** {@link #country} as a {@link CountryCode}: what the query path compares. */
    final int countryCode;
    final double lat;
    final double lon;
    /** The site's point as a unit vector ({@link Located#unitX}): what ordering by distance reads. */
    final double x;
    final double y;
    final double z;
    final long salt;
    final String[] nodeIds;
    /** Per node, its addresses of this family (usually one). */
    final byte[][][] addresses;
    final long[] nodeHashes;
    final double[] weights;
    /**
     * Whether every node has the same positive weight: rendezvous ranking then orders nodes by their
     * hash's unit value alone ({@code w / -ln(u)} grows with u), with no logarithm per node.
     */
    final boolean equalWeights;
    /** Per node, its own site (they differ only in the one ranking over every site). */
    final String[] nodeSites;
    /** Per node, the counter of answers led by it, by its site (set once the platform's counters are known). */
    final LoopCounter[] answered;
    /** Effective weight over full weight of the healthy nodes: below 1 the site spills. */
    final double keep;
    final double effectiveWeight;

    SiteNodes(String site, String country, double lat, double lon, String[] nodeIds, String[] nodeSites,
            byte[][][] addresses, double[] weights, double fullWeight) {
        this.nodeSites = nodeSites;
        this.answered = new LoopCounter[nodeIds.length];
        this.site = site;
        this.country = country;
        this.countryCode = CountryCode.of(country);
        this.lat = lat;
        this.lon = lon;
        this.x = Located.unitX(lat, lon);
        this.y = Located.unitY(lat, lon);
        this.z = Located.unitZ(lat);
        this.salt = Hashing.of("site:" + site);
        this.nodeIds = nodeIds;
        this.addresses = addresses;
        this.weights = weights;
        boolean equal = weights.length > 0 && weights[0] > 0;
        for (double w : weights) {
            equal &= w == weights[0];
        }
        this.equalWeights = equal;
        this.nodeHashes = new long[nodeIds.length];
        double eff = 0;
        for (int i = 0; i < nodeIds.length; i++) {
            nodeHashes[i] = Hashing.of(nodeIds[i]); // the id alone: a node ranks the same on every member
            eff += weights[i];
        }
        this.effectiveWeight = eff;
        this.keep = fullWeight <= 0 ? 0 : Math.min(1.0, eff / fullWeight);
    }

    int size() {
        return nodeIds.length;
    }
}
