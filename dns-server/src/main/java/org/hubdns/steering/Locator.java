package org.hubdns.steering;

import java.util.Map;
import org.hubdns.cluster.coverage.CoverageSet;
import org.hubdns.cluster.model.Site;

/**
 * Locates a client: the operator's coverage zones first (longest prefix), then the GeoIP database,
 * else nowhere. Immutable, shared by every platform of one snapshot.
 */
public final class Locator {
    public static final Locator NONE = new Locator(CoverageSet.EMPTY, Map.of(), GeoLocator.NONE);

    final CoverageSet coverage;
    private final Site[] coverageSites; // by coverage site index
    private final GeoLocator geo;

    public Locator(CoverageSet coverage, Map<String, Site> sites, GeoLocator geo) {
        this.coverage = coverage;
        this.geo = geo;
        this.coverageSites = new Site[coverage.sites().size()];
        for (int i = 0; i < coverageSites.length; i++) {
            coverageSites[i] = sites.get(coverage.site(i));
        }
    }

    void locate(byte[] address, int length, Located out) {
        out.clear();
        int idx = coverage.isEmpty() ? -1 : coverage.matchSiteIndex(address, length);
        if (idx >= 0) {
            out.source = Located.Source.COVERAGE;
            out.prefixLength = coverage.matchPrefixLength(address, length);
            out.coverageSite = coverage.site(idx);
            Site s = coverageSites[idx];
            if (s != null) {
                out.hasCoordinates = true;
                out.latitude = s.lat();
                out.longitude = s.lon();
                out.country = s.country();
            }
            return;
        }
        if (!geo.locate(address, length, out)) {
            out.source = Located.Source.NONE;
        }
    }

    /** The ECS scope floor from coverage zones nested inside the client's block (RFC 7871 7.2.1). */
    int nestedCoverage(byte[] address, int length, int prefix) {
        return coverage.isEmpty() ? -1 : coverage.longestWithin(address, length, Math.max(0, prefix));
    }
}
