package org.hubdns.steering;

/**
 * Where a client is, as far as the coverage zones, the coverage feeds and the GeoIP database tell
 * (mutable, per thread).
 */
public final class Located {
    /** How the client was placed, in the order of evidence; {@link #wire()} names it in explain and metrics. */
    public enum Source {
        /** An operator's coverage zone: the client is at its site. */
        COVERAGE("coverage"),
        /** A coverage feed's route (the exchange's BGP view): the client is at the announcing sites. */
        BGP("bgp"),
        /** A GeoIP record with a city and a small enough accuracy radius: a point. */
        GEOIP("geoip"),
        /** A GeoIP record without a city, or with a large accuracy radius: only a country. */
        GEOIP_COARSE("geoip_coarse"),
        /** Nothing places the client. */
        NONE("none");

        private final String wire;

        Source(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    public Source source = Source.NONE;
    /** The prefix length over which this location holds (coverage prefix, feed route, GeoIP network), or -1. */
    public int prefixLength = -1;
    /**
     * Whether latitude/longitude are set: the coverage site's, the first announcing site's, or the
     * GeoIP record's (a coarse record's point is kept for explain but not used for distance).
     */
    public boolean hasCoordinates;
    public double latitude;
    public double longitude;
    /**
     * The point as a unit vector ({@link #unitX}, {@link #unitY}, {@link #unitZ}), when the locator
     * set it with the point ({@link #hasVector}): steering orders sites by the vectors' dot product,
     * the cosine of the central angle, with no trigonometry per query. A locator that sets only
     * latitude and longitude leaves hasVector false, and steering computes it.
     */
    public boolean hasVector;
    public double x;
    public double y;
    public double z;
    /** ISO 3166-1 alpha-2; for a coverage zone or a feed, the site's country. */
    public String country;
    /**
     * {@link #country} as a {@link CountryCode}, which steering compares instead of the String; a
     * locator that sets only the String leaves {@link CountryCode#UNSET} and steering computes it.
     */
    public int countryCode = CountryCode.UNSET;
    /**
     * The GeoIP record's subdivision and city: set only when the locator is asked for names
     * (explain's trace); the DNS path does not read them, and GeoIP leaves them null there.
     */
    public String subdivision;
    public String city;
    /** The GeoIP record's accuracy radius in km, or -1. */
    public int accuracyRadiusKm = -1;
    /** The coverage zone's site, when located by one. */
    public String coverageSite;
    /** The feed placement's index (of its site order), when located by a feed; else -1. */
    public int feedOrder = -1;
    /** The sites that announce the client's route, best first, when located by a feed (shared: never modify). */
    public String[] feedSites;
    /** The GeoIP step's per-thread cache, kept here because this object lives as long as its event loop. */
    public Object geoCache;

    void clear() {
        source = Source.NONE;
        prefixLength = -1;
        hasCoordinates = false;
        latitude = 0;
        longitude = 0;
        hasVector = false;
        country = null;
        countryCode = CountryCode.UNSET;
        subdivision = null;
        city = null;
        accuracyRadiusKm = -1;
        coverageSite = null;
        feedOrder = -1;
        feedSites = null;
    }

    /** {@link #country}'s code, computed when the locator set only the String. */
    int countryCode() {
        return countryCode != CountryCode.UNSET ? countryCode : CountryCode.of(country);
    }

    /** Whether the client has a point that distance can be measured from. */
    boolean placedAtPoint() {
        return hasCoordinates && source != Source.GEOIP_COARSE;
    }

    /** Sets the point's unit vector (see {@link #hasVector}). */
    public void vector(double x, double y, double z) {
        this.x = x;
        this.y = y;
        this.z = z;
        this.hasVector = true;
    }

    /** The unit vector's x (toward 0° N 0° E) of a point in degrees; y toward 0° N 90° E, z toward the north pole. */
    public static double unitX(double latitude, double longitude) {
        return Math.cos(Math.toRadians(latitude)) * Math.cos(Math.toRadians(longitude));
    }

    public static double unitY(double latitude, double longitude) {
        return Math.cos(Math.toRadians(latitude)) * Math.sin(Math.toRadians(longitude));
    }

    public static double unitZ(double latitude) {
        return Math.sin(Math.toRadians(latitude));
    }
}
