package org.hubdns.steering;

/** Where a client is, as far as the coverage zones and the GeoIP database tell (mutable, per thread). */
public final class Located {
    public enum Source { COVERAGE, GEOIP, NONE }

    public Source source = Source.NONE;
    /** The prefix length over which this location holds (coverage prefix, GeoIP network), or -1. */
    public int prefixLength = -1;
    public boolean hasCoordinates;
    public double latitude;
    public double longitude;
    public String country;
    public String subdivision;
    public String city;
    /** The coverage zone's site, when located by one. */
    public String coverageSite;
    /** The GeoIP step's per-thread cache, kept here because this object lives as long as its event loop. */
    public Object geoCache;

    void clear() {
        source = Source.NONE;
        prefixLength = -1;
        hasCoordinates = false;
        latitude = 0;
        longitude = 0;
        country = null;
        subdivision = null;
        city = null;
        coverageSite = null;
    }
}
