package org.hubdns.cluster.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hubdns.cluster.coverage.Cidr;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.Fallback;
import org.hubdns.cluster.model.HealthCheck;
import org.hubdns.cluster.model.NodeState;
import org.hubdns.cluster.model.NodeStates;
import org.hubdns.cluster.model.ProbePolicy;
import org.hubdns.cluster.model.Partner;
import org.hubdns.cluster.model.Platform;
import org.hubdns.cluster.model.Site;
import org.hubdns.cluster.model.SpecialAddresses;
import org.hubdns.cluster.model.StoredZone;
import org.hubdns.cluster.store.Conflict;
import org.hubdns.cluster.store.Kind;
import org.hubdns.cluster.store.Registry;
import org.hubdns.cluster.store.RegistryView;
import org.hubdns.cluster.store.Serials;
import org.hubdns.cluster.store.Stored;
import org.hubdns.http.ApiException;
import org.hubdns.http.Fields;

/**
 * What the partner and operator API (and the demo seeding) may do to the registry, with every
 * validation rule in one place. Blocking (cluster calls): run it on a worker, never an event loop.
 */
public final class RegistryService {
    private static final Set<String> CHECK_TYPES = Set.of("http", "tcp", "none");

    private final Registry registry;
    private final ZoneValidator zones;
    private final ProbePolicy probes;
    private final NodeStates states;

    /**
     * @param probes what nodes' checks may probe (registration refuses the rest with 422)
     * @param states nodes' health and load as this member sees them (shown with each node)
     */
    public RegistryService(Registry registry, ZoneValidator zones, ProbePolicy probes, NodeStates states) {
        this.registry = registry;
        this.zones = zones;
        this.probes = probes;
        this.states = states;
    }

    public Registry registry() {
        return registry;
    }

    // ---- sites ----

    public Site parseSite(String name, JsonObject body) {
        Fields f = Fields.of(body, "city", "country", "lat", "lon");
        String country = f.string("country", 2);
        if (!country.matches("[A-Z]{2}")) {
            throw ApiException.invalid("country", "'country' must be an ISO 3166-1 alpha-2 code such as \"PK\", not '"
                    + country + "'");
        }
        return new Site(Fields.name("site", name), f.string("city", 100), country, f.number("lat", -90, 90),
                f.number("lon", -180, 180));
    }

    public Stored putSite(Site site) {
        return registry.put(Kind.SITES, site.name(), site);
    }

    public void deleteSite(String name) {
        RegistryView view = registry.freshView();
        if (CoverageApi.current(view).sites().contains(name)) {
            throw ApiException.conflict("site '" + name + "' is the target of coverage zones; upload the coverage "
                    + "zones without it first (PUT /v1/coverage-zones)");
        }
        for (Platform p : view.platforms().values()) {
            if (name.equals(p.defaultSite())) {
                throw ApiException.conflict("site '" + name + "' is the defaultSite of platform '" + p.name()
                        + "'; change the platform first");
            }
        }
        long used = view.nodes().values().stream().filter(n -> n.site().equals(name)).count();
        if (used > 0) {
            throw ApiException.conflict("site '" + name + "' still has " + used + " cache node(s); delete or move "
                    + "them first");
        }
        if (registry.delete(Kind.SITES, name) == null) {
            throw ApiException.notFound("no site '" + name + "'");
        }
    }

    // ---- platforms ----

    public Platform parsePlatform(String name, JsonObject body) {
        Fields f = Fields.of(body, "hostnames", "ttl", "answers", "fallback", "defaultSite", "answerUnknown",
                "spillAt", "affinityPrefixV4", "affinityPrefixV6");
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
        if (defaultSite != null && !registry.view().sites().containsKey(defaultSite)
                && registry.read(Kind.SITES, defaultSite, Site.class) == null) {
            throw ApiException.invalid("defaultSite", "no site '" + defaultSite + "'; create it first");
        }
        Boolean answerUnknown = f.optBoolean("answerUnknown");
        Double spillAt = f.has("spillAt") ? f.number("spillAt", 0, 1) : null;
        return new Platform(name, hostnames, ttl, answers, fallback, defaultSite, answerUnknown, spillAt,
                f.optInteger("affinityPrefixV4", 0, 32), f.optInteger("affinityPrefixV6", 0, 128));
    }

    public Stored putPlatform(Platform p) {
        RegistryView v = registry.freshView();
        for (int i = 0; i < p.hostnames().size(); i++) {
            String h = p.hostnames().get(i);
            String apex = zoneOf(h, v.zones().keySet());
            if (apex == null) {
                apex = zoneOf(h, registry.liveKeys(Kind.ZONES));
            }
            if (apex == null) {
                throw ApiException.invalid("hostnames[" + i + "]", "'" + h + "' is not inside any zone this cluster "
                        + "serves (" + String.join(", ", v.zones().keySet()) + "); add the zone first");
            }
            for (Platform other : v.platforms().values()) {
                if (!other.name().equals(p.name()) && other.hostnames().contains(h)) {
                    throw ApiException.conflict("hostname '" + h + "' already belongs to platform '" + other.name()
                            + "'");
                }
            }
            StoredZone zone = v.zones().get(apex);
            if (zone == null) {
                zone = registry.read(Kind.ZONES, apex, StoredZone.class);
            }
            if (zone != null) {
                checkHostname(i, h, zone);
            }
        }
        return registry.put(Kind.PLATFORMS, p.name(), p);
    }

    /** A platform's answers would hide the zone's data at the name, or answer what the zone delegated. */
    private void checkHostname(int i, String h, StoredZone zone) {
        ZoneValidator.NameUse use = zones.names(zone).at(h + ".");
        if (use.delegation() != null) {
            throw ApiException.invalid("hostnames[" + i + "]", "'" + h + "' is " + (use.delegation().equals(h + ".")
                    ? "at" : "below") + " the delegation " + use.delegation() + " in zone " + zone.name()
                    + " (its NS records hand that name to other servers); choose a name this zone answers itself");
        }
        if (!use.types().isEmpty()) {
            throw ApiException.conflict("'" + h + "' holds zone data: zone " + zone.name() + " has "
                    + String.join(", ", use.types()) + " records at " + h + ". (from " + zone.source() + "), which "
                    + "the platform would hide; remove them from the zone (a higher serial) or choose another "
                    + "hostname");
        }
    }

    /**
     * Refuses (409) a zone that would put data, or a delegation, at a hostname of a platform: the
     * platform's answers would hide the one or the other. Only hostnames this zone would answer for
     * count (the deepest served zone wins).
     */
    public void checkPlatformNames(String apex, ZoneValidator.ZoneNames names) {
        RegistryView v = registry.freshView();
        java.util.Set<String> apexes = new java.util.HashSet<>(v.zones().keySet());
        apexes.add(apex);
        for (Platform p : v.platforms().values().stream().sorted(java.util.Comparator.comparing(Platform::name))
                .toList()) {
            for (String h : p.hostnames()) {
                if (!apex.equals(zoneOf(h, apexes))) {
                    continue;
                }
                ZoneValidator.NameUse use = names.at(h + ".");
                if (use.delegation() != null) {
                    throw ApiException.conflict("zone " + apex + " delegates " + use.delegation() + " (NS records), "
                            + (use.delegation().equals(h + ".") ? "which is" : "above") + " " + h + "., a hostname of "
                            + "platform '" + p.name() + "'; remove the delegation, or take the hostname out of the "
                            + "platform first");
                }
                if (!use.types().isEmpty()) {
                    throw ApiException.conflict("zone " + apex + " has " + String.join(", ", use.types())
                            + " records at " + h + "., a hostname of platform '" + p.name() + "'; remove them from "
                            + "the zone, or take the hostname out of the platform first");
                }
            }
        }
    }

    /** The served zone (apex with trailing dot) that {@code hostname} is in, or null. */
    static String zoneOf(String hostname, java.util.Collection<String> apexes) {
        String fq = hostname + ".";
        String best = null;
        for (String apex : apexes) {
            if ((fq.equals(apex) || fq.endsWith("." + apex) || ".".equals(apex))
                    && (best == null || apex.length() > best.length())) {
                best = apex;
            }
        }
        return best;
    }

    public void deletePlatform(String name) {
        long used = registry.freshView().nodes().values().stream().filter(n -> n.platform().equals(name)).count();
        if (used > 0) {
            throw ApiException.conflict("platform '" + name + "' still has " + used + " cache node(s); their "
                    + "partners must delete them first");
        }
        if (registry.delete(Kind.PLATFORMS, name) == null) {
            throw ApiException.notFound("no platform '" + name + "'");
        }
    }

    // ---- partners ----

    /** What the operator sets on a partner (PUT replaces all of it; absent lists are empty, maxNodes 1,000). */
    public record PartnerSettings(List<String> platforms, List<String> prefixes, List<String> allowSpecial,
            int maxNodes) {
        public PartnerSettings {
            platforms = List.copyOf(platforms);
            prefixes = List.copyOf(prefixes);
            allowSpecial = List.copyOf(allowSpecial);
        }
    }

    public PartnerSettings parsePartner(JsonObject body) {
        Fields f = Fields.of(body, "platforms", "prefixes", "allowSpecial", "maxNodes");
        List<String> platforms = f.strings("platforms", 0, 256, 63);
        Map<String, Platform> known = registry.view().platforms();
        for (int i = 0; i < platforms.size(); i++) {
            String p = platforms.get(i);
            if (!known.containsKey(p) && registry.read(Kind.PLATFORMS, p, Platform.class) == null) {
                throw ApiException.invalid("platforms[" + i + "]", "no platform '" + p + "'; create it first");
            }
        }
        return new PartnerSettings(platforms, cidrs(f, "prefixes"), cidrs(f, "allowSpecial"),
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
     * Creates the partner (returning its new token) or changes its settings (token null). A change
     * that would leave existing nodes outside the partner's addresses, or more nodes than maxNodes,
     * is refused with 409 listing them: nothing is ever dropped silently.
     */
    public PartnerWrite putPartner(String name, PartnerSettings s) {
        Fields.name("partner", name);
        Partner changed = registry.modify(Kind.PARTNERS, name, Partner.class, old -> {
            Partner next = new Partner(name, s.platforms(), old.tokenSha256(), s.prefixes(), s.allowSpecial(),
                    s.maxNodes());
            checkExistingNodes(next);
            return next;
        });
        if (changed != null) {
            return new PartnerWrite(changed, null);
        }
        String token = Tokens.generate();
        Partner p = new Partner(name, s.platforms(), Tokens.sha256(token), s.prefixes(), s.allowSpecial(),
                s.maxNodes());
        try {
            registry.create(Kind.PARTNERS, name, p);
        } catch (Conflict e) {
            return putPartner(name, s); // created meanwhile by another request: now it is an update
        }
        return new PartnerWrite(p, token);
    }

    private void checkExistingNodes(Partner p) {
        List<CacheNode> mine = registry.freshView().nodes().values().stream()
                .filter(n -> n.partner().equals(p.name())).sorted(java.util.Comparator.comparing(CacheNode::id))
                .toList();
        if (mine.size() > p.maxNodes()) {
            throw ApiException.conflict("partner '" + p.name() + "' has " + mine.size() + " cache nodes, more than "
                    + "maxNodes " + p.maxNodes() + ": delete nodes first or keep maxNodes at least " + mine.size());
        }
        List<String> outside = new ArrayList<>();
        for (CacheNode n : mine) {
            for (String a : n.addresses()) {
                Partner.Refusal why = p.refusal(a);
                if (why != null) {
                    outside.add(n.id() + ": " + why.reason());
                    break;
                }
            }
        }
        if (!outside.isEmpty()) {
            int shown = Math.min(outside.size(), 20);
            throw ApiException.conflict("the change would leave " + outside.size() + " node(s) of partner '"
                    + p.name() + "' on addresses it may no longer use: " + String.join("; ", outside.subList(0, shown))
                    + (shown < outside.size() ? "; and " + (outside.size() - shown) + " more" : "")
                    + ". Move or delete those nodes first, or widen prefixes/allowSpecial to cover them");
        }
    }

    /** A partner as written, with its token when this write created it (the only time it is shown). */
    public record PartnerWrite(Partner partner, String token) {
    }

    public String rotatePartnerToken(String name) {
        String token = Tokens.generate();
        Partner p = registry.modify(Kind.PARTNERS, name, Partner.class,
                old -> old.withToken(Tokens.sha256(token)));
        if (p == null) {
            throw ApiException.notFound("no partner '" + name + "'");
        }
        return token;
    }

    public void deletePartner(String name) {
        long owned = registry.freshView().nodes().values().stream().filter(n -> n.partner().equals(name)).count();
        if (owned > 0) {
            throw ApiException.conflict("partner '" + name + "' still has " + owned + " cache node(s); delete them "
                    + "first");
        }
        if (registry.delete(Kind.PARTNERS, name) == null) {
            throw ApiException.notFound("no partner '" + name + "'");
        }
    }

    public static JsonObject partnerJson(Partner p) {
        return new JsonObject().put("name", p.name()).put("platforms", new JsonArray(p.platforms()))
                .put("prefixes", new JsonArray(p.prefixes())).put("allowSpecial", new JsonArray(p.allowSpecial()))
                .put("maxNodes", p.maxNodes());
    }

    // ---- cache nodes ----
    // existence checks read the (possibly 20 ms old) view and ask the cluster only on a miss: a
    // write must not wait for the next view

    /** Reads a node body; {@code partner} is the owner (from the token, or the body for the operator). */
    public CacheNode parseNode(String id, JsonObject body, Caller caller, CacheNode existing) {
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
        HealthCheck check = f.has("check") ? parseCheck(f.object("check", "type", "port", "path", "expectStatus",
                "intervalMs", "timeoutMs", "rise", "fall"), probes.minIntervalMs()) : HealthCheck.NONE;
        int outside = check.probed() ? probes.firstOutside(addresses) : -1;
        if (outside >= 0) {
            // hubdns must not become a scanner of networks that nobody allowed
            throw ApiException.invalid("addresses[" + outside + "]", "address " + addresses.get(outside) + " is "
                    + "outside the networks this cluster may probe (" + probes.describe() + "): ask the operator "
                    + "to add its network to --probe-allow, or register the node with check type none");
        }

        // from the cluster, not the view: the operator may have just changed what this partner may use
        Partner partner = registry.read(Kind.PARTNERS, partnerName, Partner.class);
        if (partner == null) {
            throw ApiException.invalid("partner", "no partner '" + partnerName + "'");
        }
        if (!registry.view().platforms().containsKey(platform)
                && registry.read(Kind.PLATFORMS, platform, Platform.class) == null) {
            throw ApiException.invalid("platform", "no platform '" + platform + "'");
        }
        if (!partner.platforms().contains(platform)) {
            throw new ApiException(403, "Forbidden", "partner '" + partnerName + "' may not register nodes for "
                    + "platform '" + platform + "' (allowed: " + String.join(", ", partner.platforms())
                    + "); the operator grants platforms", "platform");
        }
        if (!registry.view().sites().containsKey(site) && registry.read(Kind.SITES, site, Site.class) == null) {
            throw ApiException.invalid("site", "no site '" + site + "'; the operator creates sites (GET /v1/sites lists "
                    + "them)");
        }
        for (int i = 0; i < addresses.size(); i++) {
            Partner.Refusal why = partner.refusal(addresses.get(i));
            if (why != null) {
                throw ApiException.invalid("addresses[" + i + "]", why.reason() + (why.special()
                        ? ": special-purpose addresses are not served to the public unless the operator allows the "
                        + "range for partner '" + partnerName + "' (allowSpecial)"
                        : ": the operator sets the address space of partner '" + partnerName + "' (prefixes)"));
            }
        }
        checkUnique(id, partnerName, platform, addresses, existing == null ? partner.maxNodes() : -1);
        String admin = existing == null ? CacheNode.ACTIVE : existing.admin();
        return new CacheNode(id, partnerName, platform, site, addresses, weight, check, admin);
    }

    /**
     * 409 when an address is another partner's (naming nothing of theirs), or already on another
     * node of this platform; and, for a new node ({@code maxNodes} >= 0), when the partner is at its
     * limit. Checked against the fresh view: two concurrent registrations can still both pass, which
     * is why the DNS answer drops a repeated address too.
     */
    private void checkUnique(String id, String partnerName, String platform, List<String> addresses, int maxNodes) {
        int mine = 0;
        for (CacheNode other : registry.freshView().nodes().values()) {
            if (other.id().equals(id)) {
                continue;
            }
            boolean own = other.partner().equals(partnerName);
            if (own) {
                mine++;
            }
            for (int i = 0; i < addresses.size(); i++) {
                if (!other.addresses().contains(addresses.get(i))) {
                    continue;
                }
                if (!own) {
                    throw new ApiException(409, "Conflict", "address " + addresses.get(i) + " is already registered "
                            + "by another partner", "addresses[" + i + "]");
                }
                if (other.platform().equals(platform)) {
                    throw new ApiException(409, "Conflict", "address " + addresses.get(i) + " is already on node '"
                            + other.id() + "' of platform '" + platform + "'; one address is one node: change or "
                            + "delete that node instead", "addresses[" + i + "]");
                }
            }
        }
        if (maxNodes >= 0 && mine >= maxNodes) {
            throw ApiException.conflict("partner '" + partnerName + "' has reached its maxNodes (" + maxNodes
                    + " cache nodes); delete one first, or ask the operator to raise maxNodes");
        }
    }

    private static HealthCheck parseCheck(Fields c, int minIntervalMs) {
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

    public String newNodeId() {
        byte[] b = new byte[8];
        new java.security.SecureRandom().nextBytes(b);
        return "n-" + HexFormat.of().formatHex(b);
    }

    public Stored createNode(CacheNode node) {
        try {
            return registry.create(Kind.NODES, node.id(), node);
        } catch (Conflict e) {
            throw ApiException.conflict(e.getMessage());
        }
    }

    /** The live node with its stored version, if {@code caller} may see it; 404 otherwise. */
    public Stored node(String id, Caller caller) {
        Stored s = registry.get(Kind.NODES, id);
        if (s == null || s.deleted() || !caller.owns(org.hubdns.cluster.store.Json.read(s.body(),
                CacheNode.class).partner())) {
            throw ApiException.notFound("no node '" + id + "'" + (caller instanceof Caller.PartnerCaller
                    ? " among your nodes" : ""));
        }
        return s;
    }

    public Stored updateNode(CacheNode node, Long expected) {
        try {
            return registry.update(Kind.NODES, node.id(), node, expected);
        } catch (Conflict e) {
            throw e.precondition() ? new ApiException(412, "Precondition Failed", e.getMessage(), null)
                    : ApiException.conflict(e.getMessage());
        }
    }

    public Stored setAdmin(String id, Caller caller, String admin) {
        for (int i = 0; i < 16; i++) {
            Stored s = node(id, caller);
            CacheNode n = org.hubdns.cluster.store.Json.read(s.body(), CacheNode.class);
            if (admin.equals(n.admin())) {
                return s;
            }
            try {
                return registry.update(Kind.NODES, id, n.withAdmin(admin), s.version());
            } catch (Conflict e) {
                // changed meanwhile (e.g. a PUT): apply the drain to the new version
            }
        }
        throw ApiException.conflict("node '" + id + "' is changing too fast to " + (CacheNode.ACTIVE.equals(admin)
                ? "undrain" : "drain") + "; retry");
    }

    public void deleteNode(String id, Caller caller) {
        node(id, caller);
        registry.delete(Kind.NODES, id);
    }

    public JsonObject nodeJson(CacheNode n) {
        NodeState st = states.of(n);
        JsonObject o = JsonObject.mapFrom(n);
        o.remove("admin");
        JsonObject state = new JsonObject().put("admin", n.admin()).put("health", st.health().wire())
                .put("load", st.load());
        if (st.loadReportedAtMillis() > 0) {
            state.put("loadReportedAt", java.time.Instant.ofEpochMilli(st.loadReportedAtMillis()).toString());
        }
        return o.put("state", state);
    }

    // ---- zones ----

    /**
     * Stores an uploaded zone; its serial must be above the one served (RFC 1982), unless it is
     * identical. With {@code dryRun} everything is checked and nothing written.
     */
    public ZoneWrite putZone(String name, String text, boolean dryRun) {
        String apex = Fields.hostname("name", name) + ".";
        if (text.isBlank()) {
            throw ApiException.invalid(null, "empty body: send the zone in master format (text/dns), with its SOA "
                    + "record first; nothing was changed");
        }
        Stored cur = registry.get(Kind.ZONES, apex);
        StoredZone old = cur == null || cur.deleted() ? null
                : org.hubdns.cluster.store.Json.read(cur.body(), StoredZone.class);
        // a stale serial is refused as soon as the SOA is read, not after parsing the rest
        ZoneValidator.CheckedZone checked = zones.validate(apex, text, "api", serial -> {
            if (old != null && serial != old.serial() && !Serials.greater(serial, old.serial())) {
                throw staleSerial(apex, old, serial);
            }
        });
        StoredZone z = checked.zone();
        if (old != null && !Serials.greater(z.serial(), old.serial())) {
            if (old.serial() == z.serial() && old.text().equals(z.text())) {
                return new ZoneWrite(old, false, true, checked);
            }
            throw staleSerial(apex, old, z.serial());
        }
        checkPlatformNames(apex, checked.names());
        if (dryRun) {
            return new ZoneWrite(z, old == null, false, checked);
        }
        try {
            if (old == null) {
                registry.create(Kind.ZONES, apex, z); // also over a tombstone: the operator starts afresh
            } else {
                registry.update(Kind.ZONES, apex, z, cur.version());
            }
        } catch (Conflict e) {
            throw ApiException.conflict("zone " + apex + " changed while uploading; retry");
        }
        return new ZoneWrite(z, old == null, false, checked);
    }

    private static ApiException staleSerial(String apex, StoredZone old, long serial) {
        return ApiException.conflict("zone " + apex + " is served with serial " + old.serial() + " (from "
                + old.source() + "); the upload has serial " + serial + ": raise the SOA serial to replace it");
    }

    /**
     * A zone upload as done (or, in a dry run, as it would be done).
     *
     * @param created the zone is new; @param unchanged the same zone is already served
     */
    public record ZoneWrite(StoredZone zone, boolean created, boolean unchanged, ZoneValidator.CheckedZone checked) {
    }

    public void deleteZone(String name) {
        String apex = Fields.hostname("name", name) + ".";
        RegistryView v = registry.freshView();
        for (Platform p : v.platforms().values()) {
            for (String h : p.hostnames()) {
                if (apex.equals(zoneOf(h, v.zones().keySet()))) {
                    throw ApiException.conflict("platform '" + p.name() + "' has hostname '" + h + "' in zone " + apex
                            + "; change or delete the platform first");
                }
            }
        }
        if (registry.delete(Kind.ZONES, apex) == null) {
            throw ApiException.notFound("no zone " + apex);
        }
    }
}
