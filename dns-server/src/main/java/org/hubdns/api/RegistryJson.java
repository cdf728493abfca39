package org.hubdns.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hubdns.cluster.coverage.Cidr;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.Fallback;
import org.hubdns.cluster.model.HealthCheck;
import org.hubdns.cluster.model.NodeState;
import org.hubdns.cluster.model.Partner;
import org.hubdns.cluster.model.Platform;
import org.hubdns.cluster.model.Site;
import org.hubdns.cluster.model.SpecialAddresses;

/**
 * The registry resources as the API's JSON: request bodies read into model objects (every rule a
 * body can be checked against by itself: fields, types, ranges, formats, repeats; 400 or 422
 * naming the field), and model objects rendered as responses. Rules that need the registry or the
 * cluster's settings are {@link RegistryService}'s. Pure: no registry, no I/O.
 */
public final class RegistryJson {
    private static final Set<String> CHECK_TYPES = Set.of("http", "tcp", "none");

    private RegistryJson() {
    }

    // ---- requests ----

    public static Site readSite(String name, JsonObject body) {
        Fields f = Fields.of(body, "city", "country", "lat", "lon");
        String country = f.string("country", 2);
        if (!country.matches("[A-Z]{2}")) {
            throw ApiException.invalid("country", "'country' must be an ISO 3166-1 alpha-2 code such as \"PK\", not '"
                    + country + "'");
        }
        return new Site(Fields.name("site", name), f.string("city", 100), country, f.number("lat", -90, 90),
                f.number("lon", -180, 180));
    }

    /** Whether {@code defaultSite} exists is {@link RegistryService#checkPlatform}'s to say. */
    public static Platform readPlatform(String name, JsonObject body) {
        Fields f = Fields.of(body, "hostnames", "ttl", "answers", "fallback", "defaultSite", "answerUnknown",
                "spillAt", "affinityPrefixV4", "affinityPrefixV6", "geoipMaxRadiusKm", "serveCountries", "answerUnlocated");
        Fields.name("platform", name);
        List<String> hostnames = new ArrayList<>();
        List<String> given = f.strings("hostnames", 1, 64, 253);
        for (int i = 0; i < given.size(); i++) {
            String h = Fields.hostname("hostnames[" + i + "]", given.get(i));
            if (hostnames.contains(h)) {
                throw ApiException.invalid("hostnames[" + i + "]", "'" + given.get(i) + "' is listed twice");
            }
            hostnames.add(h);
        }
        int ttl = (int) f.integer("ttl", 0, 86400, 30L);
        int answers = (int) f.integer("answers", 1, 16, 2L);
        Fields fb = f.object("fallback", "cname", "addresses");
        Fallback fallback;
        if (fb.has("cname") == fb.has("addresses")) {
            throw ApiException.badRequest("fallback", "'fallback' must have exactly one of 'cname' or 'addresses'");
        } else if (fb.has("cname")) {
            fallback = new Fallback(Fields.hostname("fallback.cname", fb.string("cname", 253)) + ".", null);
        } else {
            List<String> addrs = new ArrayList<>();
            List<String> raw = fb.strings("addresses", 1, 16, 64);
            for (int i = 0; i < raw.size(); i++) {
                String a = Fields.unicast("fallback.addresses[" + i + "]", raw.get(i));
                SpecialAddresses.Block special = SpecialAddresses.classify(Cidr.parseAddress(a));
                if (special != null && special.use() == SpecialAddresses.Use.LOCAL) {
                    // the operator's choice otherwise (private deployments use private fallbacks), but
                    // loopback or link-local sends every client to itself
                    throw ApiException.invalid("fallback.addresses[" + i + "]", "'" + raw.get(i) + "' is "
                            + special.describe() + ": as a fallback it would send every client to itself");
                }
                if (addrs.contains(a)) {
                    throw ApiException.invalid("fallback.addresses[" + i + "]", "'" + raw.get(i) + "' is listed twice");
                }
                addrs.add(a);
            }
            fallback = new Fallback(null, addrs);
        }
        String defaultSite = f.optString("defaultSite", 63);
        Boolean answerUnknown = f.optBoolean("answerUnknown");
        Double spillAt = f.has("spillAt") ? f.number("spillAt", 0, 1) : null;
        return new Platform(name, hostnames, ttl, answers, fallback, defaultSite, answerUnknown, spillAt,
                f.optInteger("affinityPrefixV4", 0, 32), f.optInteger("affinityPrefixV6", 0, 128),
                f.optInteger("geoipMaxRadiusKm", 0, 20_000), serveCountries(f), answerUnlocated(f));
    }

    /** ISO 3166-1 alpha-2 codes, and XK (Kosovo), which GeoIP databases use although ISO has not assigned it. */
    private static final java.util.Set<String> COUNTRIES;

    static {
        java.util.Set<String> c = new java.util.HashSet<>(java.util.Locale.getISOCountries(java.util.Locale.IsoCountryCode.PART1_ALPHA2));
        c.add("XK");
        COUNTRIES = java.util.Set.copyOf(c);
    }

    private static List<String> serveCountries(Fields f) {
        if (!f.has("serveCountries")) {
            return null;
        }
        List<String> given = f.strings("serveCountries", 1, 300, 2);
        for (int i = 0; i < given.size(); i++) {
            String c = given.get(i);
            if (c.equals(Platform.EVERY_COUNTRY)) {
                if (given.size() > 1) {
                    throw ApiException.invalid("serveCountries[" + i + "]", "'*' serves every country and must be "
                            + "alone: send [\"*\"], or list the countries without it");
                }
            } else if (!COUNTRIES.contains(c)) {
                throw ApiException.invalid("serveCountries[" + i + "]", "'" + c + "' is not an ISO 3166-1 alpha-2 "
                        + "country code: use upper-case codes such as \"PK\", or [\"*\"] for every country"
                        + (COUNTRIES.contains(c.toUpperCase(java.util.Locale.ROOT)) ? " (did you mean \""
                                + c.toUpperCase(java.util.Locale.ROOT) + "\"?)" : ""));
            }
        }
        return given;
    }

    private static Platform.Unlocated answerUnlocated(Fields f) {
        String v = f.optString("answerUnlocated", 16);
        if (v == null) {
            return null;
        }
        for (Platform.Unlocated u : Platform.Unlocated.values()) {
            if (u.wire().equals(v)) {
                return u;
            }
        }
        throw ApiException.invalid("answerUnlocated", "'answerUnlocated' must be \"default\" (the defaultSite, "
                + "else every node) or \"fallback\" (the platform's fallback), not '" + v + "'");
    }

    /** Whether the platforms exist is {@link RegistryService#checkPartner}'s to say. */
    public static RegistryService.PartnerSettings readPartner(JsonObject body) {
        Fields f = Fields.of(body, "platforms", "prefixes", "allowSpecial", "maxNodes");
        List<String> platforms = f.strings("platforms", 0, 256, 63);
        return new RegistryService.PartnerSettings(platforms, cidrs(f, "prefixes"), cidrs(f, "allowSpecial"),
                (int) f.integer("maxNodes", 0, 1_000_000, (long) Partner.DEFAULT_MAX_NODES));
    }

    /** A list of CIDRs in canonical form; absent is empty. */
    private static List<String> cidrs(Fields f, String field) {
        if (!f.has(field)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        List<String> raw = f.strings(field, 0, 256, 64);
        for (int i = 0; i < raw.size(); i++) {
            String c;
            try {
                c = Cidr.parse(raw.get(i)).toString();
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(field + "[" + i + "]", e.getMessage());
            }
            if (out.contains(c)) {
                throw ApiException.invalid(field + "[" + i + "]", "'" + raw.get(i) + "' is listed twice (as " + c + ")");
            }
            out.add(c);
        }
        return out;
    }

    /**
     * Reads a node body. The owner is the partner of {@code existing} (a change), else the caller's
     * partner, else (the operator) the body's {@code partner}: only the operator may name one.
     *
     * @param minIntervalMs the cluster's shortest probe interval ({@link RegistryService#minProbeIntervalMs})
     */
    public static RegistryService.NodeRequest readNode(JsonObject body, Caller caller, CacheNode existing,
            int minIntervalMs) {
        Fields f = caller instanceof Caller.Operator
                ? Fields.of(body, "platform", "site", "addresses", "weight", "check", "partner")
                : Fields.of(body, "platform", "site", "addresses", "weight", "check");
        String partnerName;
        if (existing != null) {
            partnerName = existing.partner();
            if (f.has("partner") && !f.string("partner", 63).equals(partnerName)) {
                throw ApiException.invalid("partner", "a node cannot change partner; delete it and register it anew");
            }
        } else if (caller instanceof Caller.PartnerCaller pc) {
            partnerName = pc.name();
        } else {
            partnerName = f.string("partner", 63);
        }
        String platform = f.string("platform", 63);
        String site = f.string("site", 63);
        List<String> addresses = new ArrayList<>();
        List<String> raw = f.strings("addresses", 1, 32, 64);
        for (int i = 0; i < raw.size(); i++) {
            String a = Fields.unicast("addresses[" + i + "]", raw.get(i));
            if (addresses.contains(a)) {
                throw ApiException.invalid("addresses[" + i + "]", "'" + raw.get(i) + "' is listed twice");
            }
            addresses.add(a);
        }
        int weight = (int) f.integer("weight", 1, 1000, 100L);
        HealthCheck check = f.has("check") ? readCheck(f.object("check", "type", "port", "path", "expectStatus",
                "intervalMs", "timeoutMs", "rise", "fall"), minIntervalMs) : HealthCheck.NONE;
        return new RegistryService.NodeRequest(partnerName, platform, site, addresses, weight, check);
    }

    private static HealthCheck readCheck(Fields c, int minIntervalMs) {
        String type = c.string("type", 10);
        if (!CHECK_TYPES.contains(type)) {
            throw ApiException.invalid("check.type", "'check.type' must be http, tcp or none, not '" + type + "'");
        }
        Integer port = c.optInteger("port", 1, 65535);
        String path = c.optString("path", 1024);
        Integer expect = c.optInteger("expectStatus", 100, 599);
        Integer interval = c.optInteger("intervalMs", 100, 3_600_000);
        Integer timeout = c.optInteger("timeoutMs", 10, 3_600_000);
        Integer rise = c.optInteger("rise", 1, 100);
        Integer fall = c.optInteger("fall", 1, 100);
        switch (type) {
            case "http" -> {
                if (port == null) {
                    throw ApiException.badRequest("check.port", "an http check needs 'check.port'");
                }
                if (path == null) {
                    path = "/";
                }
                if (!path.startsWith("/") || path.chars().anyMatch(ch -> ch <= ' ' || ch == 127)) {
                    throw ApiException.invalid("check.path", "'check.path' must start with '/' and have no spaces "
                            + "or control characters");
                }
            }
            case "tcp" -> {
                if (port == null) {
                    throw ApiException.badRequest("check.port", "a tcp check needs 'check.port'");
                }
                if (path != null || expect != null) {
                    throw ApiException.badRequest(path != null ? "check.path" : "check.expectStatus",
                            "a tcp check has no 'path' or 'expectStatus'");
                }
            }
            default -> {
                if (port != null || path != null || expect != null) {
                    throw ApiException.badRequest("check.type", "a check of type none takes no port, path or "
                            + "expectStatus");
                }
            }
        }
        if (interval != null && interval < minIntervalMs) {
            throw ApiException.invalid("check.intervalMs", "'check.intervalMs' (" + interval + ") is below this "
                    + "cluster's minimum probe interval of " + minIntervalMs + " ms (--probe-min-interval)");
        }
        int effInterval = Math.max(minIntervalMs, interval == null ? HealthCheck.DEFAULT_INTERVAL_MS : interval);
        int effTimeout = timeout == null ? Math.min(HealthCheck.DEFAULT_TIMEOUT_MS, effInterval - 1) : timeout;
        if (effTimeout >= effInterval) {
            throw ApiException.invalid("check.timeoutMs", "'check.timeoutMs' (" + effTimeout + ") must be below the "
                    + "interval (" + effInterval + " ms)");
        }
        return new HealthCheck(type, port, path, expect, interval, timeout, rise, fall);
    }

    // ---- responses ----

    /** A partner without its token hash (the token itself is shown once, by the write that made it). */
    public static JsonObject partnerJson(Partner p) {
        return new JsonObject().put("name", p.name()).put("platforms", new JsonArray(p.platforms()))
                .put("prefixes", new JsonArray(p.prefixes())).put("allowSpecial", new JsonArray(p.allowSpecial()))
                .put("maxNodes", p.maxNodes());
    }

    /** A node with its state: the partner's admin setting, and health and load as this member sees them. */
    public static JsonObject nodeJson(CacheNode n, NodeState st) {
        JsonObject o = JsonObject.mapFrom(n);
        o.remove("admin");
        JsonObject state = new JsonObject().put("admin", n.admin()).put("health", st.health().wire())
                .put("load", st.load());
        if (st.loadReportedAtMillis() > 0) {
            state.put("loadReportedAt", java.time.Instant.ofEpochMilli(st.loadReportedAtMillis()).toString());
        }
        return o.put("state", state);
    }
}
