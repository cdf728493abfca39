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
    private final boolean[] homeByCode;
    private final boolean[] servedByCode;

    Countries(Set<String> home, Set<String> served, boolean everyCountry) {
        this.home = Set.copyOf(home);
        this.served = Set.copyOf(served);
        this.everyCountry = everyCountry;
        this.homeByCode = byCode(this.home);
        this.servedByCode = byCode(this.served);
    }

    /** By country code: whether it is in {@code countries} (codes outside the scheme are asked by String). */
    private static boolean[] byCode(Set<String> countries) {
        boolean[] in = new boolean[CountryCode.OTHER];
        for (String c : countries) {
            int code = CountryCode.of(c);
            if (code >= 0 && code < CountryCode.OTHER) {
                in[code] = true;
            }
        }
        return in;
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
