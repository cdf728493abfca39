package org.hubdns.steering;

/** The GeoIP step of locating a client, behind a narrow seam (the database may be absent). */
@FunctionalInterface
public interface GeoLocator {
    GeoLocator NONE = (address, length, out) -> false;

    /**
     * Fills {@code out} (source GEOIP, prefix length, coordinates, country...) when the database
     * places {@code address}; may set only {@code out.prefixLength} when it knows the address but
     * has no location for it. Thread-safe, no blocking.
     */
    boolean locate(byte[] address, int length, Located out);

    /**
     * {@link #locate(byte[], int, Located)}, told whether the caller reads the subdivision and city
     * ({@code names}: explain) or not (the DNS path, which a locator may then spare reading them).
     */
    default boolean locate(byte[] address, int length, Located out, boolean names) {
        return locate(address, length, out);
    }
}
