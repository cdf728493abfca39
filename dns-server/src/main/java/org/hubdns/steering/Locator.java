package org.hubdns.steering;

import java.util.Map;
import org.hubdns.cluster.coverage.CoverageSet;
import org.hubdns.cluster.feed.FeedPlacement;
import org.hubdns.cluster.model.Site;

/**
 * Locates a client, in the order of evidence: the operator's coverage zones (longest prefix), then
 * the coverage feeds (the longest route over every live feed), then the GeoIP database, else
 * nowhere. Immutable, shared by every platform of one snapshot.
 */
public final class Locator {
    public static final Locator NONE = new Locator(CoverageSet.EMPTY, Map.of(), GeoLocator.NONE);

    final CoverageSet coverage;
    private final Site[] coverageSites; // by coverage site index
    private final int[] coverageCountries; // by coverage site index: the site's CountryCode
    private final FeedPlacement feeds;
    /** Per feed site order, the first announcing site the registry knows: the client's place and country. */
    private final Site[] feedAnchors;
    private final int[] feedCountries; // by feed site order: the anchor's CountryCode
    /** The coverage sites' and the feed anchors' points as unit vectors, three doubles each (made once). */
    private final double[] coverageVectors;
    private final double[] feedVectors;
    private final GeoLocator geo;

    public Locator(CoverageSet coverage, Map<String, Site> sites, GeoLocator geo) {
        this(coverage, FeedPlacement.EMPTY, sites, geo);
    }

    public Locator(CoverageSet coverage, FeedPlacement feeds, Map<String, Site> sites, GeoLocator geo) {
        this.coverage = coverage;
        this.feeds = feeds;
        this.geo = geo == null ? GeoLocator.NONE : geo;
        this.coverageSites = new Site[coverage.sites().size()];
        this.coverageCountries = new int[coverageSites.length];
        for (int i = 0; i < coverageSites.length; i++) {
            coverageSites[i] = sites.get(coverage.site(i));
            coverageCountries[i] = coverageSites[i] == null ? CountryCode.NONE
                    : CountryCode.of(coverageSites[i].country());
        }
        int orders = feedOrders(feeds);
        this.feedAnchors = new Site[orders];
        this.feedCountries = new int[orders];
        for (int o = 0; o < orders; o++) {
            for (String s : feeds.sites(o)) {
                if (sites.containsKey(s)) {
                    feedAnchors[o] = sites.get(s);
                    break;
                }
            }
            feedCountries[o] = feedAnchors[o] == null ? CountryCode.NONE : CountryCode.of(feedAnchors[o].country());
        }
        this.coverageVectors = vectors(coverageSites);
        this.feedVectors = vectors(feedAnchors);
    }

    private static double[] vectors(Site[] sites) {
        double[] v = new double[sites.length * 3];
        for (int i = 0; i < sites.length; i++) {
            if (sites[i] != null) {
                v[3 * i] = Located.unitX(sites[i].lat(), sites[i].lon());
                v[3 * i + 1] = Located.unitY(sites[i].lat(), sites[i].lon());
                v[3 * i + 2] = Located.unitZ(sites[i].lat());
            }
        }
        return v;
    }

    /** The number of distinct site orders of a placement (its match indexes are 0 to this - 1). */
    static int feedOrders(FeedPlacement feeds) {
        int n = 0;
        while (true) {
            try {
                feeds.sites(n);
            } catch (ArrayIndexOutOfBoundsException e) {
                return n;
            }
            n++;
        }
    }

    /** The feed placement this locator reads (explain asks it for the evidence). */
    public FeedPlacement feeds() {
        return feeds;
    }

    /** Places the client in {@code out}; {@code names}: whether the caller reads GeoIP's subdivision and city. */
    void locate(byte[] address, int length, Located out, boolean names) {
        out.clear();
        int idx = coverage.isEmpty() ? -1 : coverage.matchSiteIndex(address, length);
        if (idx >= 0) {
            out.source = Located.Source.COVERAGE;
            out.prefixLength = coverage.matchPrefixLength(address, length);
            out.coverageSite = coverage.site(idx);
            at(coverageSites[idx], coverageCountries[idx], coverageVectors, idx, out);
            return;
        }
        int order = feeds.match(address, length);
        if (order >= 0) {
            out.source = Located.Source.BGP;
            out.prefixLength = feeds.matchPrefixLength(address, length);
            out.feedOrder = order;
            out.feedSites = feeds.sites(order);
            at(feedAnchors[order], feedCountries[order], feedVectors, order, out);
            return;
        }
        if (!geo.locate(address, length, out, names)) {
            out.source = Located.Source.NONE;
        }
    }

    private static void at(Site s, int countryCode, double[] vectors, int i, Located out) {
        if (s != null) {
            out.hasCoordinates = true;
            out.latitude = s.lat();
            out.longitude = s.lon();
            out.vector(vectors[3 * i], vectors[3 * i + 1], vectors[3 * i + 2]);
            out.country = s.country();
            out.countryCode = countryCode;
        }
    }

    /**
     * The ECS scope floor from coverage zones, and (unless a coverage zone placed the client, which
     * no feed route can then change) feed routes, nested inside the client's block (RFC 7871 7.2.1).
     */
    int nested(byte[] address, int length, int prefix, Located.Source source) {
        int p = Math.max(0, prefix);
        int zones = coverage.isEmpty() ? -1 : coverage.longestWithin(address, length, p);
        if (source == Located.Source.COVERAGE) {
            return zones;
        }
        return Math.max(zones, feeds.longestWithin(address, length, p));
    }
}
