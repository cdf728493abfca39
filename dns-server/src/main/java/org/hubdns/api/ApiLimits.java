package org.hubdns.api;

/**
 * The {@code --api-*} limits of a member's HTTP API (never applied to DNS). Each rate is per second
 * and per member; a rate of 0 turns that limit off.
 *
 * @param writeRate writes (POST, PUT, PATCH, DELETE) per second per client address and per token
 * @param writeBurst writes a quiet client may send at once
 * @param readRate reads (GET, HEAD, OPTIONS) per second per client address and per token
 * @param readBurst reads a quiet client may send at once
 * @param authFailureRate failed authentications per second per client address
 * @param authFailureBurst failed authentications a client address may have at once
 * @param tableSize clients (addresses, tokens) each limit remembers; the quietest are forgotten beyond
 * @param largeUploads GeoIP, coverage-zone and table-dump uploads this member takes at once
 */
public record ApiLimits(int writeRate, int writeBurst, int readRate, int readBurst, int authFailureRate,
        int authFailureBurst, int tableSize, int largeUploads) {
    public static final int MAX_RATE = 1_000_000;
    public static final int MIN_TABLE = 256;
    public static final int MAX_TABLE = 1 << 22;
    public static final int DEFAULT_TABLE = 1 << 16;
    public static final int MAX_UPLOADS = 64;

    /** The documented defaults of {@code hubdns serve}. */
    public static final ApiLimits DEFAULTS = new ApiLimits(50, 100, 500, 1000, 5, 10, DEFAULT_TABLE, 2);
    /** No rate limits, two large uploads at once (in-process test members: they write fast on purpose). */
    public static final ApiLimits OFF = new ApiLimits(0, 0, 0, 0, 0, 0, DEFAULT_TABLE, 2);

    /** Checks every value; the messages name the flag to fix. */
    public ApiLimits {
        rate("--api-write-rate", writeRate, "--api-write-burst", writeBurst);
        rate("--api-read-rate", readRate, "--api-read-burst", readBurst);
        rate("--api-auth-failure-rate", authFailureRate, "--api-auth-failure-burst", authFailureBurst);
        check(tableSize >= MIN_TABLE && tableSize <= MAX_TABLE,
                "--api-limit-table-size must be between " + MIN_TABLE + " and " + MAX_TABLE + ", not " + tableSize);
        check(largeUploads >= 1 && largeUploads <= MAX_UPLOADS,
                "--api-large-uploads must be between 1 and " + MAX_UPLOADS + ", not " + largeUploads);
    }

    /** {@code null} bursts: twice the rate, as documented for the {@code --api-*-burst} flags. */
    public static ApiLimits of(int writeRate, Integer writeBurst, int readRate, Integer readBurst, int authFailureRate,
            Integer authFailureBurst, int tableSize, int largeUploads) {
        return new ApiLimits(writeRate, burst(writeRate, writeBurst), readRate, burst(readRate, readBurst),
                authFailureRate, burst(authFailureRate, authFailureBurst), tableSize, largeUploads);
    }

    public ApiLimits withWrites(int rate, int burst) {
        return new ApiLimits(rate, burst, readRate, readBurst, authFailureRate, authFailureBurst, tableSize,
                largeUploads);
    }

    public ApiLimits withReads(int rate, int burst) {
        return new ApiLimits(writeRate, writeBurst, rate, burst, authFailureRate, authFailureBurst, tableSize,
                largeUploads);
    }

    public ApiLimits withAuthFailures(int rate, int burst) {
        return new ApiLimits(writeRate, writeBurst, readRate, readBurst, rate, burst, tableSize, largeUploads);
    }

    private static int burst(int rate, Integer burst) {
        return burst != null ? burst : (int) Math.min(Integer.MAX_VALUE, 2L * rate);
    }

    private static void rate(String rateFlag, int rate, String burstFlag, int burst) {
        check(rate >= 0 && rate <= MAX_RATE, rateFlag + " must be between 0 (off) and " + MAX_RATE + ", not " + rate);
        check(rate == 0 || burst >= 1, burstFlag + " must be at least 1, not " + burst);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
