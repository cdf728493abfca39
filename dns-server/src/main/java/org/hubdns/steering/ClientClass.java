package org.hubdns.steering;

/**
 * Whose client a query is, for the share of answers "kept in the country": in one of the countries
 * of the platform's sites, in another country, or in no known country. Exported as the {@code client}
 * label of {@code hubdns_steering_clients_total}.
 */
public enum ClientClass {
    /** Placed in a country where the platform has sites (by a coverage zone or feed: its site's country). */
    IN_COUNTRY("in_country"),
    /** Placed in another country. */
    FOREIGN("foreign"),
    /** No country known. */
    UNLOCATED("unlocated");

    private final String wire;

    ClientClass(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
