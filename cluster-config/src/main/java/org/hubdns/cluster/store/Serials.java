package org.hubdns.cluster.store;

/** RFC 1982 serial number arithmetic for 32-bit SOA serials. */
public final class Serials {
    private Serials() {
    }

    /** Whether serial {@code a} is greater than {@code b} (undefined pairs, exactly 2^31 apart, are not). */
    public static boolean greater(long a, long b) {
        a &= 0xFFFFFFFFL;
        b &= 0xFFFFFFFFL;
        return (a < b && b - a > 0x80000000L) || (a > b && a - b < 0x80000000L);
    }
}
