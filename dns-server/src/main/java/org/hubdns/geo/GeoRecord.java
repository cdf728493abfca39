package org.hubdns.geo;

/**
 * What the database says about one client address. Mutable and meant to be reused by one thread,
 * so that a lookup on the DNS hot path does not allocate a result.
 */
public final class GeoRecord {
    public boolean hasLocation;
    public double latitude;
    public double longitude;
    /** ISO 3166-1 alpha-2, e.g. "PK"; null when the database has no country for the network. */
    public String countryIso;
    /** ISO 3166-2 code of the first (largest) subdivision without the country, e.g. "SD"; may be null. */
    public String subdivisionIso;
    /** English city name; may be null (GeoLite2 then places the network only in its country, at its centroid). */
    public String city;
    /** How far from the point the network's users may be, in km ({@code location.accuracy_radius}); -1 when absent. */
    public int accuracyRadiusKm = -1;
    /**
     * Prefix length of the database network holding the address, in the family of the address
     * that was asked (0-32 for a 4-byte address, 0-128 for 16 bytes), so it can serve directly as
     * an ECS scope.
     */
    public int prefixLength;

    public void clear() {
        hasLocation = false;
        latitude = 0;
        longitude = 0;
        countryIso = null;
        subdivisionIso = null;
        city = null;
        accuracyRadiusKm = -1;
        prefixLength = 0;
    }

    @Override
    public String toString() {
        return "GeoRecord[" + (hasLocation ? latitude + "," + longitude : "no location") + " " + countryIso + "/"
                + subdivisionIso + " " + city + (accuracyRadiusKm >= 0 ? " ~" + accuracyRadiusKm + " km" : "") + " /"
                + prefixLength + "]";
    }
}
