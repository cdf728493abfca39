package org.hubdns.steering;

import java.util.Set;

/**
 * One platform's countries: its home (the countries of the sites it has nodes at), and those whose
 * clients its nodes serve ({@code serveCountries}; by default the home; or every country). The query
 * path asks by {@link CountryCode}: one read of a table made here, no String hashed or compared (only
 * a code outside the two-letter scheme falls back to the sets).
 */
final class Countries {
    private final Set<String> home;
    private final Set<String> served;
    private final boolean everyCountry;
    /** By country code: whether it is home, whether it is served. */
    private final boolean[] homeByCode = new boolean[CountryCode.OTHER];
    private final boolean[] servedByCode = new boolean[CountryCode.OTHER];

    Countries(Set<String> home, Set<String> served, boolean everyCountry) {
        this.home = Set.copyOf(home);
        this.served = Set.copyOf(served);
        this.everyCountry = everyCountry;
        for (String c : this.home) {
            int code = CountryCode.of(c);
            if (code >= 0 && code < CountryCode.OTHER) {
                homeByCode[code] = true;
            }
        }
        for (String c : this.served) {
            int code = CountryCode.of(c);
            if (code >= 0 && code < CountryCode.OTHER) {
                servedByCode[code] = true;
            }
        }
    }

    boolean home(String country) {
        return home.contains(country);
    }

    boolean serves(String country) {
        return everyCountry || served.contains(country);
    }

    /** {@link #home(String)} for a country given with its code (not {@link CountryCode#NONE}). */
    boolean home(int code, String country) {
        return code >= 0 && code < CountryCode.OTHER ? homeByCode[code] : home.contains(country);
    }

    /** {@link #serves(String)} for a country given with its code (not {@link CountryCode#NONE}). */
    boolean serves(int code, String country) {
        return everyCountry || (code >= 0 && code < CountryCode.OTHER ? servedByCode[code] : served.contains(country));
    }
}
