package org.hubdns.dns.rrl;

import java.util.List;
import org.hubdns.cluster.coverage.Cidr;

/**
 * The {@code --rrl-*} options of a member.
 *
 * @param rate responses per second per client network and response class; 0 turns RRL off
 * @param burst responses a quiet network may get at once (its bucket's size)
 * @param slip of the limited responses, every slip-th is sent as a minimal truncated answer (0: none)
 * @param windowSeconds how long a network that stops flooding may stay limited at most
 * @param tableSize accounts kept (rounded up to a power of two); the quietest are forgotten beyond
 * @param exempt networks never limited
 * @param logOnly count and log what would be limited, limit nothing
 * @param ipv4Prefix the client network of an IPv4 source (bits)
 * @param ipv6Prefix the client network of an IPv6 source (bits, at most 64)
 */
public record RrlSettings(int rate, int burst, int slip, int windowSeconds, int tableSize, List<Cidr> exempt,
        boolean logOnly, int ipv4Prefix, int ipv6Prefix) {
    public static final int MAX_RATE = 1_000_000;
    public static final int MAX_BURST = 2_000_000;
    public static final int MAX_SLIP = 10;
    public static final int MAX_WINDOW = 3600;
    public static final int MIN_TABLE = 1024;
    public static final int MAX_TABLE = 1 << 24;
    public static final int DEFAULT_TABLE = 1 << 20;

    /** RRL off (the default, as in BIND and Knot). */
    public static final RrlSettings OFF = new RrlSettings(0, 0, 2, 15, DEFAULT_TABLE, List.of(), false, 24, 56);

    /** Checks every value; the messages name the flag to fix. */
    public RrlSettings {
        exempt = List.copyOf(exempt);
        check(rate >= 0 && rate <= MAX_RATE, "--rrl-rate must be between 0 (off) and " + MAX_RATE + ", not " + rate);
        check(rate == 0 || (burst >= 1 && burst <= MAX_BURST),
                "--rrl-burst must be between 1 and " + MAX_BURST + ", not " + burst);
        check(slip >= 0 && slip <= MAX_SLIP, "--rrl-slip must be between 0 (drop all) and " + MAX_SLIP + ", not " + slip);
        check(windowSeconds >= 1 && windowSeconds <= MAX_WINDOW,
                "--rrl-window must be between 1 and " + MAX_WINDOW + " seconds, not " + windowSeconds);
        check(tableSize >= MIN_TABLE && tableSize <= MAX_TABLE,
                "--rrl-table-size must be between " + MIN_TABLE + " and " + MAX_TABLE + ", not " + tableSize);
        check(ipv4Prefix >= 1 && ipv4Prefix <= 32, "--rrl-ipv4-prefix must be between 1 and 32, not " + ipv4Prefix);
        check(ipv6Prefix >= 1 && ipv6Prefix <= 64, "--rrl-ipv6-prefix must be between 1 and 64, not " + ipv6Prefix);
    }

    /** {@code burst} null: twice the rate, as documented for {@code --rrl-burst}. */
    public static RrlSettings of(int rate, Integer burst, int slip, int windowSeconds, int tableSize, List<Cidr> exempt,
            boolean logOnly, int ipv4Prefix, int ipv6Prefix) {
        int b = burst != null ? burst : (int) Math.min(MAX_BURST, 2L * rate);
        return new RrlSettings(rate, b, slip, windowSeconds, tableSize, exempt, logOnly, ipv4Prefix, ipv6Prefix);
    }

    public boolean enabled() {
        return rate > 0;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
