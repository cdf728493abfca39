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
 *
 * <p>Tokens: a partner holds several ({@code tokens}). Records stored before that had one,
 * {@code tokenSha256}; it keeps working as a token of its own ({@link #allTokens}, id
 * {@link #legacyId}) until the partner's tokens next change, which writes it into {@code tokens}.
 */
public record Partner(String name, List<String> platforms, String tokenSha256, List<String> prefixes,
        List<String> allowSpecial, Integer maxNodes, List<PartnerToken> tokens) {
    public static final int DEFAULT_MAX_NODES = 1000;

    public Partner {
        platforms = List.copyOf(platforms);
        prefixes = prefixes == null ? List.of() : List.copyOf(prefixes);
        allowSpecial = allowSpecial == null ? List.of() : List.copyOf(allowSpecial);
        maxNodes = maxNodes == null ? DEFAULT_MAX_NODES : maxNodes;
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
    }

    public Partner(String name, List<String> platforms, String tokenSha256, List<String> prefixes,
            List<String> allowSpecial, Integer maxNodes) {
        this(name, platforms, tokenSha256, prefixes, allowSpecial, maxNodes, null);
    }

    public Partner(String name, List<String> platforms, String tokenSha256) {
        this(name, platforms, tokenSha256, null, null, null, null);
    }

    /** Every token in force: the stored single one of an older version (if any), then {@code tokens}. */
    public List<PartnerToken> allTokens() {
        if (tokenSha256 == null) {
            return tokens;
        }
        List<PartnerToken> all = new java.util.ArrayList<>(tokens.size() + 1);
        all.add(new PartnerToken(legacyId(tokenSha256), tokenSha256, null, null));
        all.addAll(tokens);
        return List.copyOf(all);
    }

    /** The same partner holding exactly {@code next} (the single token of an older version folded in or dropped). */
    public Partner withTokens(List<PartnerToken> next) {
        return new Partner(name, platforms, null, prefixes, allowSpecial, maxNodes, next);
    }

    /** Only this token: what rotating (replace all) leaves. */
    public Partner withOnlyToken(PartnerToken token) {
        return withTokens(List.of(token));
    }

    /** The same partner with other settings, its tokens unchanged. */
    public Partner withSettings(List<String> platforms, List<String> prefixes, List<String> allowSpecial,
            Integer maxNodes) {
        return new Partner(name, platforms, tokenSha256, prefixes, allowSpecial, maxNodes, tokens);
    }

    /**
     * The id of a token stored as an older version's single {@code tokenSha256}: derived from the
     * hash (the same on every member, so it can be listed and revoked), never revealing it.
     */
    public static String legacyId(String sha256) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(("legacy:" + sha256).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return "t-" + java.util.HexFormat.of().formatHex(d, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
