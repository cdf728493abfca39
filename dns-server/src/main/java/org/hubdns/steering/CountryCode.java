package org.hubdns.steering;

/**
 * ISO 3166-1 alpha-2 country codes as small ints, so that steering compares a client's country with
 * a site's, and looks it up in a platform's countries, with an int instead of hashing and comparing
 * Strings on every query. Two capital letters map to 0-675; any other text to {@link #OTHER}, for
 * which callers compare the Strings (so a code outside the scheme behaves exactly as before).
 */
public final class CountryCode {
    /** No country. */
    public static final int NONE = -1;
    /** A code that is not two capital letters: compare the Strings. */
    public static final int OTHER = 26 * 26;
    /** The locator set only {@link Located#country}: the code is computed from it when needed. */
    public static final int UNSET = -2;

    private CountryCode() {
    }

    /** {@code country}'s code: 0-675, {@link #OTHER}, or {@link #NONE} for null. */
    public static int of(String country) {
        if (country == null) {
            return NONE;
        }
        if (country.length() != 2) {
            return OTHER;
        }
        int a = country.charAt(0) - 'A';
        int b = country.charAt(1) - 'A';
        return a >= 0 && a < 26 && b >= 0 && b < 26 ? a * 26 + b : OTHER;
    }

    /**
     * Whether two countries, each given as its String and its code, are the same country: the codes
     * decide unless either is {@link #OTHER}.
     */
    static boolean same(int code, String country, int otherCode, String other) {
        if (code == OTHER || otherCode == OTHER) {
            return country != null && country.equals(other);
        }
        return code == otherCode && code != NONE;
    }
}
