package org.hubdns.api;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.hubdns.cluster.coverage.CoverageDataset;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.HealthCheck;
import org.hubdns.cluster.model.NodeState;
import org.hubdns.cluster.model.NodeStates;
import org.hubdns.cluster.model.ProbePolicy;
import org.hubdns.cluster.model.Partner;
import org.hubdns.cluster.model.PartnerToken;
import org.hubdns.cluster.model.Platform;
import org.hubdns.cluster.model.Site;
import org.hubdns.cluster.model.StoredZone;
import org.hubdns.cluster.store.Conflict;
import org.hubdns.cluster.store.Kind;
import org.hubdns.cluster.store.Registry;
import org.hubdns.cluster.store.RegistryView;
import org.hubdns.cluster.store.Serials;
import org.hubdns.cluster.store.Stored;

/**
 * What the partner and operator API (and the demo seeding) may do to the registry: it takes and
 * returns model objects (the API layer maps JSON, {@link RegistryJson}) and holds every rule that
 * needs the registry or the cluster's settings (existence, ownership, uniqueness, address space,
 * probe policy, zone and platform names), then writes. Blocking (cluster calls): run it on a
 * worker, never an event loop.
 */
public final class RegistryService {
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

    public Stored putSite(Site site) {
        return registry.put(Kind.SITES, site.name(), site);
    }

    public void deleteSite(String name) {
        RegistryView view = registry.freshView();
        if (CoverageDataset.current(view).sites().contains(name)) {
            throw ApiException.conflict("site '" + name + "' is the target of coverage zones; upload the coverage "
                    + "zones without it first (PUT /v1/coverage-zones)");
        }
        for (var f : registry.feeds().values()) {
            if (f.config().peers().containsValue(name)) {
                throw ApiException.conflict("site '" + name + "' is where peers of coverage feed '" + f.config().name()
                        + "' connect; change the feed's peers first (PUT /v1/coverage-feeds/" + f.config().name() + ")");
            }
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

    /**
     * Refuses (422) a platform whose rules need the registry: its defaultSite must exist. Its JSON
     * has been read by the API layer ({@link RegistryJson#readPlatform}).
     */
    public Platform checkPlatform(Platform p) {
        String defaultSite = p.defaultSite();
        if (defaultSite != null && !registry.view().sites().containsKey(defaultSite)
                && registry.read(Kind.SITES, defaultSite, Site.class) == null) {
            throw ApiException.invalid("defaultSite", "no site '" + defaultSite + "'; create it first");
        }
        return p;
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

    /** Refuses (422) settings that grant a platform that does not exist. */
    public PartnerSettings checkPartner(PartnerSettings s) {
        List<String> platforms = s.platforms();
        Map<String, Platform> known = registry.view().platforms();
        for (int i = 0; i < platforms.size(); i++) {
            String p = platforms.get(i);
            if (!known.containsKey(p) && registry.read(Kind.PLATFORMS, p, Platform.class) == null) {
                throw ApiException.invalid("platforms[" + i + "]", "no platform '" + p + "'; create it first");
            }
        }
        return s;
    }

    /**
     * Creates the partner (returning its new token) or changes its settings (token null). A change
     * that would leave existing nodes outside the partner's addresses, or more nodes than maxNodes,
     * is refused with 409 listing them: nothing is ever dropped silently.
     */
    public PartnerWrite putPartner(String name, PartnerSettings s) {
        Fields.name("partner", name);
        Partner changed = registry.modify(Kind.PARTNERS, name, Partner.class, old -> {
            Partner next = old.withSettings(s.platforms(), s.prefixes(), s.allowSpecial(), s.maxNodes());
            checkExistingNodes(next);
            return next;
        });
        if (changed != null) {
            return new PartnerWrite(changed, null);
        }
        String token = Tokens.generate();
        Partner p = new Partner(name, s.platforms(), null, s.prefixes(), s.allowSpecial(), s.maxNodes(),
                List.of(new PartnerToken(Tokens.newId(), Tokens.sha256(token), System.currentTimeMillis(), null)));
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

    /** A token just made: its id, its value (shown this once) and when it stops working (null: never). */
    public record IssuedToken(String id, String token, Long expiresAt) {
    }

    /** How many tokens a partner may hold at once (enough to rotate through several deployments). */
    public static final int MAX_PARTNER_TOKENS = 100;

    /** Replaces all of the partner's tokens with one new one ({@code POST /v1/partners/{name}/token}). */
    public IssuedToken rotatePartnerToken(String name) {
        String token = Tokens.generate();
        PartnerToken t = new PartnerToken(Tokens.newId(), Tokens.sha256(token), System.currentTimeMillis(), null);
        if (registry.modify(Kind.PARTNERS, name, Partner.class, old -> old.withOnlyToken(t)) == null) {
            throw ApiException.notFound("no partner '" + name + "'");
        }
        return new IssuedToken(t.id(), token, null);
    }

    /** Adds a token to the partner's others (all keep working until revoked or expired). */
    public IssuedToken addPartnerToken(String name, Long expiresAt) {
        String token = Tokens.generate();
        PartnerToken t = new PartnerToken(Tokens.newId(), Tokens.sha256(token), System.currentTimeMillis(), expiresAt);
        Partner p = registry.modify(Kind.PARTNERS, name, Partner.class, old -> {
            List<PartnerToken> all = old.allTokens();
            if (all.size() >= MAX_PARTNER_TOKENS) {
                throw ApiException.conflict("partner '" + name + "' already holds " + all.size() + " tokens (at most "
                        + MAX_PARTNER_TOKENS + "); revoke unused ones first (DELETE /v1/partners/" + name
                        + "/tokens/{id})");
            }
            List<PartnerToken> next = new ArrayList<>(all);
            next.add(t);
            return old.withTokens(next);
        });
        if (p == null) {
            throw ApiException.notFound("no partner '" + name + "'");
        }
        return new IssuedToken(t.id(), token, expiresAt);
    }

    /** Revokes one token of the partner: refused at once on every member (Auth confirms with the cluster). */
    public void revokePartnerToken(String name, String id) {
        boolean[] had = {false};
        Partner p = registry.modify(Kind.PARTNERS, name, Partner.class, old -> {
            List<PartnerToken> next = old.allTokens().stream().filter(t -> !t.id().equals(id)).toList();
            had[0] = next.size() < old.allTokens().size();
            return had[0] ? old.withTokens(next) : null;
        });
        if (!had[0]) {
            throw ApiException.notFound(p == null && registry.read(Kind.PARTNERS, name, Partner.class) == null
                    ? "no partner '" + name + "'" : "partner '" + name + "' has no token '" + id
                    + "' (GET /v1/partners/" + name + "/tokens lists them)");
        }
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

    // ---- cache nodes ----
    // existence checks read the (possibly 20 ms old) view and ask the cluster only on a miss: a
    // write must not wait for the next view

    /** A node as its partner (or the operator) asks for it, read from the request by the API layer. */
    public record NodeRequest(String partner, String platform, String site, List<String> addresses, int weight,
            HealthCheck check) {
        public NodeRequest {
            addresses = List.copyOf(addresses);
        }
    }

    /**
     * The node {@code request} makes of node {@code id} ({@code existing} when it is a change), after
     * the rules that need the registry or the cluster's settings: what may be probed, the partner's
     * platforms, address space and maxNodes, the site, and addresses no other node has.
     */
    public CacheNode checkNode(String id, NodeRequest request, CacheNode existing) {
        String partnerName = request.partner();
        String platform = request.platform();
        String site = request.site();
        List<String> addresses = request.addresses();
        HealthCheck check = request.check();
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
        return new CacheNode(id, partnerName, platform, site, addresses, request.weight(), check, admin);
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

    /** The shortest probe interval this cluster allows (--probe-min-interval), in ms. */
    public int minProbeIntervalMs() {
        return probes.minIntervalMs();
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

    /** How this member sees the node's health and load now. */
    public NodeState stateOf(CacheNode n) {
        return states.of(n);
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
