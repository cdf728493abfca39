package org.hubdns.cluster.model;

import java.util.List;
import org.hubdns.cluster.coverage.Cidr;

/**
 * A content partner that registers its own cache nodes, for the platforms it may serve. Only the
 * SHA-256 of its bearer token is kept. The operator also sets which addresses its nodes may have:
 * {@code prefixes} (its own address space; empty means any), {@code allowSpecial} (special-purpose
 * ranges it may use anyway, for private deployments and tests) and {@code maxNodes}.
 *
 * <p>Records stored before these fields existed read them as null: they mean "none" and the default.
 */
public record Partner(String name, List<String> platforms, String tokenSha256, List<String> prefixes,
        List<String> allowSpecial, Integer maxNodes) {
    public static final int DEFAULT_MAX_NODES = 1000;

    public Partner {
        platforms = List.copyOf(platforms);
        prefixes = prefixes == null ? List.of() : List.copyOf(prefixes);
        allowSpecial = allowSpecial == null ? List.of() : List.copyOf(allowSpecial);
        maxNodes = maxNodes == null ? DEFAULT_MAX_NODES : maxNodes;
    }

    public Partner(String name, List<String> platforms, String tokenSha256) {
        this(name, platforms, tokenSha256, null, null, null);
    }

    public Partner withToken(String sha256) {
        return new Partner(name, platforms, sha256, prefixes, allowSpecial, maxNodes);
    }

    /** Why an address is refused: what it is, and whether the partner's allowSpecial (or else its prefixes) is at stake. */
    public record Refusal(String reason, boolean special) {
    }

    /**
     * Why this partner may not have a node on {@code address} (canonical text), or null when it
     * may: an address is accepted when it is ordinary unicast or inside {@code allowSpecial}, and,
     * when {@code prefixes} is set, also inside one of them. Addresses nobody can be sent to
     * (multicast, unspecified...) are refused whatever the partner is allowed.
     */
    public Refusal refusal(String address) {
        byte[] a = Cidr.parseAddress(address);
        SpecialAddresses.Block special = SpecialAddresses.classify(a);
        if (special != null && special.use() == SpecialAddresses.Use.NEVER) {
            return new Refusal(address + " is " + special.describe() + ", which nobody can be sent to", true);
        }
        if (special != null && !inside(allowSpecial, a)) {
            return new Refusal(address + " is " + special.describe() + ", a special-purpose address outside "
                    + "allowSpecial" + (allowSpecial.isEmpty() ? "" : " (" + String.join(", ", allowSpecial) + ")"), true);
        }
        if (!prefixes.isEmpty() && !inside(prefixes, a)) {
            return new Refusal(address + " is outside prefixes (" + String.join(", ", prefixes) + ")", false);
        }
        return null;
    }

    private static boolean inside(List<String> cidrs, byte[] a) {
        for (String c : cidrs) {
            if (Cidr.parse(c).contains(a)) {
                return true;
            }
        }
        return false;
    }
}
