package org.hubdns.cluster.model;

import java.util.List;
import org.hubdns.cluster.coverage.Cidr;

/**
 * The IANA special-purpose address registries (RFC 6890 and its updates, IPv4 and IPv6) plus the
 * few neighbours that are just as wrong as the address of a public cache node (multicast, 6bone,
 * site-local, IPv6 outside 2000::/3): which class an address belongs to, most specific block first.
 *
 * <p>Pure and table-driven: registration looks an address up here and refuses what is special
 * unless the operator allowed the range for the partner. The table is small (tens of blocks), so a
 * linear longest-match scan is plenty for a registration-time check.
 */
public final class SpecialAddresses {

    /** What hubdns may do with an address of a block. */
    public enum Use {
        /** Ordinary global unicast: anybody may register it. */
        ORDINARY,
        /** Special-purpose: refused unless the partner's {@code allowSpecial} covers it. */
        SPECIAL,
        /** Loopback and link-local: special, and also refused as a platform's fallback (it points clients at themselves). */
        LOCAL,
        /** Nobody can be sent there (multicast, unspecified, broadcast, reserved): refused everywhere. */
        NEVER
    }

    /** One registry entry: the block, what it is called, where it is defined, and how hubdns treats it. */
    public record Block(Cidr cidr, String name, String reference, Use use) {
        /** For messages: "loopback (127.0.0.0/8, RFC 1122)". */
        public String describe() {
            return name + " (" + cidr + ", " + reference + ")";
        }
    }

    private static final List<Block> BLOCKS = List.of(
            // IPv4 Special-Purpose Address Registry
            block("0.0.0.0/8", "\"this network\"", "RFC 791", Use.NEVER),
            block("0.0.0.0/32", "unspecified \"this host\"", "RFC 1122", Use.NEVER),
            block("10.0.0.0/8", "private-use", "RFC 1918", Use.SPECIAL),
            block("100.64.0.0/10", "shared address space for carrier-grade NAT", "RFC 6598", Use.SPECIAL),
            block("127.0.0.0/8", "loopback", "RFC 1122", Use.LOCAL),
            block("169.254.0.0/16", "link-local", "RFC 3927", Use.LOCAL),
            block("172.16.0.0/12", "private-use", "RFC 1918", Use.SPECIAL),
            block("192.0.0.0/24", "IETF protocol assignments", "RFC 6890", Use.SPECIAL),
            block("192.0.0.0/29", "DS-Lite IPv4 service continuity prefix", "RFC 7335", Use.SPECIAL),
            block("192.0.0.8/32", "IPv4 dummy address", "RFC 7600", Use.SPECIAL),
            block("192.0.0.9/32", "Port Control Protocol anycast", "RFC 7723", Use.SPECIAL),
            block("192.0.0.10/32", "TURN anycast", "RFC 8155", Use.SPECIAL),
            block("192.0.0.170/31", "NAT64/DNS64 discovery", "RFC 8880", Use.SPECIAL),
            block("192.0.2.0/24", "TEST-NET-1 documentation", "RFC 5737", Use.SPECIAL),
            block("192.31.196.0/24", "AS112-v4 anycast", "RFC 7535", Use.SPECIAL),
            block("192.52.193.0/24", "AMT relay anycast", "RFC 7450", Use.SPECIAL),
            block("192.88.99.0/24", "deprecated 6to4 relay anycast", "RFC 7526", Use.SPECIAL),
            block("192.168.0.0/16", "private-use", "RFC 1918", Use.SPECIAL),
            block("192.175.48.0/24", "AS112 direct delegation", "RFC 7534", Use.SPECIAL),
            block("198.18.0.0/15", "benchmarking", "RFC 2544", Use.SPECIAL),
            block("198.51.100.0/24", "TEST-NET-2 documentation", "RFC 5737", Use.SPECIAL),
            block("203.0.113.0/24", "TEST-NET-3 documentation", "RFC 5737", Use.SPECIAL),
            block("224.0.0.0/4", "multicast", "RFC 5771", Use.NEVER),
            block("240.0.0.0/4", "reserved", "RFC 1112", Use.NEVER),
            block("255.255.255.255/32", "limited broadcast", "RFC 919", Use.NEVER),
            // IPv6: global unicast is 2000::/3; everything else the IETF reserved, with named exceptions
            block("::/0", "reserved by the IETF, outside global unicast 2000::/3", "RFC 4291", Use.SPECIAL),
            block("2000::/3", null, "RFC 4291", Use.ORDINARY),
            block("::/128", "unspecified", "RFC 4291", Use.NEVER),
            block("::1/128", "loopback", "RFC 4291", Use.LOCAL),
            block("::/96", "deprecated IPv4-compatible", "RFC 4291", Use.NEVER),
            block("::ffff:0:0/96", "IPv4-mapped", "RFC 4291", Use.NEVER),
            block("64:ff9b::/96", "NAT64 IPv4/IPv6 translation", "RFC 6052", Use.SPECIAL),
            block("64:ff9b:1::/48", "local-use IPv4/IPv6 translation", "RFC 8215", Use.SPECIAL),
            block("100::/64", "discard-only", "RFC 6666", Use.SPECIAL),
            block("100:0:0:1::/64", "dummy IPv6 prefix", "RFC 9780", Use.SPECIAL),
            block("2001::/23", "IETF protocol assignments", "RFC 2928", Use.SPECIAL),
            block("2001::/32", "Teredo", "RFC 4380", Use.SPECIAL),
            block("2001:1::1/128", "Port Control Protocol anycast", "RFC 7723", Use.SPECIAL),
            block("2001:1::2/128", "TURN anycast", "RFC 8155", Use.SPECIAL),
            block("2001:1::3/128", "DNS-SD service registration anycast", "RFC 9665", Use.SPECIAL),
            block("2001:2::/48", "benchmarking", "RFC 5180", Use.SPECIAL),
            block("2001:3::/32", "AMT", "RFC 7450", Use.SPECIAL),
            block("2001:4:112::/48", "AS112-v6", "RFC 7535", Use.SPECIAL),
            block("2001:10::/28", "deprecated ORCHID", "RFC 4843", Use.SPECIAL),
            block("2001:20::/28", "ORCHIDv2", "RFC 7343", Use.SPECIAL),
            block("2001:30::/28", "DRIP drone remote ID", "RFC 9374", Use.SPECIAL),
            block("2001:db8::/32", "documentation", "RFC 3849", Use.SPECIAL),
            block("2002::/16", "6to4", "RFC 3056", Use.SPECIAL),
            block("2620:4f:8000::/48", "AS112 direct delegation", "RFC 7534", Use.SPECIAL),
            block("3ffe::/16", "6bone (returned)", "RFC 3701", Use.SPECIAL),
            block("3fff::/20", "documentation", "RFC 9637", Use.SPECIAL),
            block("5f00::/16", "segment routing SIDs", "RFC 9602", Use.SPECIAL),
            block("fc00::/7", "unique-local private-use", "RFC 4193", Use.SPECIAL),
            block("fe80::/10", "link-local", "RFC 4291", Use.LOCAL),
            block("fec0::/10", "deprecated site-local", "RFC 3879", Use.SPECIAL),
            block("ff00::/8", "multicast", "RFC 4291", Use.NEVER));

    private static Block block(String cidr, String name, String reference, Use use) {
        return new Block(Cidr.parse(cidr), name, reference, use);
    }

    private SpecialAddresses() {
    }

    public static List<Block> blocks() {
        return BLOCKS;
    }

    /**
     * The most specific special block holding {@code address} (4 or 16 bytes), or null when the
     * address is ordinary unicast.
     */
    public static Block classify(byte[] address) {
        Block best = null;
        for (Block b : BLOCKS) {
            if (b.cidr().contains(address) && (best == null || b.cidr().prefix() > best.cidr().prefix())) {
                best = b;
            }
        }
        return best == null || best.use() == Use.ORDINARY ? null : best;
    }

    /**
     * Whether packets from anywhere on the Internet may reach {@code address}: ordinary unicast, and
     * not one of the special blocks (private-use, shared CGN space, unique-local, loopback, link-local,
     * documentation and the like), which routers do not carry between networks.
     */
    public static boolean isGloballyRoutable(byte[] address) {
        return classify(address) == null;
    }
}
