package org.hubdns.steering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Country codes as ints answer exactly what the Strings did: the same country, a platform's home
 * and served countries, also for text outside the two-capital-letter scheme (compared as Strings).
 */
class CountryCodeTest {
    /** Codes in the scheme, its edges, and text outside it (lower case, one or three letters, digits). */
    private static final String[] CODES = {"PK", "IN", "AF", "AA", "AZ", "ZA", "ZZ", "pk", "Pk", "P", "PAK", "P1",
        "@A", "[A", "", "É1"};

    @Test
    void twoCapitalLettersAreDistinctSmallIntsAndEverythingElseIsOther() {
        assertThat(CountryCode.of(null)).isEqualTo(CountryCode.NONE);
        assertThat(CountryCode.of("AA")).isZero();
        assertThat(CountryCode.of("ZZ")).isEqualTo(CountryCode.OTHER - 1);
        assertThat(CountryCode.of("PK")).isEqualTo(('P' - 'A') * 26 + 'K' - 'A');
        for (String c : new String[] {"pk", "Pk", "P", "PAK", "P1", "@A", "[A", "", "É1"}) {
            assertThat(CountryCode.of(c)).as(c).isEqualTo(CountryCode.OTHER);
        }
        int[] seen = new int[CountryCode.OTHER];
        for (char a = 'A'; a <= 'Z'; a++) {
            for (char b = 'A'; b <= 'Z'; b++) {
                seen[CountryCode.of("" + a + b)]++;
            }
        }
        assertThat(seen).containsOnly(1);
    }

    @Test
    void sameCountryByCodeAgreesWithStringEqualityForEveryPair() {
        String[] all = Arrays.copyOf(CODES, CODES.length + 1); // and null
        for (String a : all) {
            for (String b : all) {
                // new String: the codes must not rely on the Strings being one instance
                String copy = b == null ? null : new String(b);
                boolean expected = a != null && Objects.equals(a, copy);
                assertThat(CountryCode.same(CountryCode.of(a), a, CountryCode.of(copy), copy))
                        .as("%s vs %s", a, b).isEqualTo(expected);
            }
        }
    }

    @Test
    void countriesAnswerTheSameByCodeAsByString() {
        Set<String> home = Set.of("PK", "pk", "PAK");
        Set<String> served = Set.of("PK", "IN", "P1");
        for (boolean every : new boolean[] {false, true}) {
            Countries countries = new Countries(home, served, every);
            for (String c : CODES) {
                String copy = new String(c);
                int code = CountryCode.of(copy);
                assertThat(countries.home(code, copy)).as("home %s", c).isEqualTo(countries.home(copy))
                        .isEqualTo(home.contains(c));
                assertThat(countries.serves(code, copy)).as("serves %s, every %s", c, every)
                        .isEqualTo(countries.serves(copy)).isEqualTo(every || served.contains(c));
            }
        }
    }

    @Test
    void aLocatorThatSetsOnlyTheCountryStringGetsItsCodeComputed() {
        Located where = new Located();
        where.country = "IN";
        assertThat(where.countryCode()).isEqualTo(CountryCode.of("IN"));
        where.countryCode = CountryCode.of("PK"); // a locator that sets the code is believed
        assertThat(where.countryCode()).isEqualTo(CountryCode.of("PK"));
        where.clear();
        assertThat(where.countryCode).isEqualTo(CountryCode.UNSET);
        assertThat(where.countryCode()).isEqualTo(CountryCode.NONE);
    }
}
