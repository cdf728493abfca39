package org.hubdns.steering;

import java.util.Set;

/**
 * One platform's countries: its home (the countries of the sites it has nodes at), and those whose
 * clients its nodes serve ({@code serveCountries}; by default the home; or every country). Lookups
 * hash a String whose hash is cached: nothing allocated on the query path.
 */
record Countries(Set<String> home, Set<String> served, boolean everyCountry) {
    Countries {
        home = Set.copyOf(home);
        served = Set.copyOf(served);
    }

    boolean home(String country) {
        return home.contains(country);
    }

    boolean serves(String country) {
        return everyCountry || served.contains(country);
    }
}
