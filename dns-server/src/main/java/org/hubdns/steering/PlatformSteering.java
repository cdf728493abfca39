package org.hubdns.steering;

import java.util.List;
import java.util.Map;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.Health;
import org.hubdns.cluster.model.Platform;
import org.hubdns.cluster.model.Site;
import org.hubdns.dns.answer.AnswerSink;
import org.hubdns.dns.answer.ClientSubnet;
import org.hubdns.dns.answer.DynamicAnswers;
import org.hubdns.dns.answer.ScratchSlot;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The answer for one platform's hostnames: locate the client, order the sites (coverage-zone site
 * first, else by great-circle distance with the client's own country first, else the platform's
 * default), let each site keep the share of client networks its spare capacity allows (spillover),
 * pick {@code answers} nodes in the chosen site by weighted rendezvous hashing on the client's
 * network, and say over which prefix the answer holds (ECS scope). Everything is precomputed from
 * one registry view; a query reads arrays and allocates nothing.
 *
 * <p>Answers are in rendezvous order, not shuffled: the same network then reaches the same first
 * cache (clients mostly use the first address), which is what keeps caches warm; load is spread by
 * the hash over networks, not by the order within one answer.
 */
public final class PlatformSteering implements DynamicAnswers {
    private static final double EARTH_KM = 6371.0088;

    /** One node as steering sees it, and why it is (not) a candidate: for explain, the dashboard and logs. */
    public record NodeStatus(String id, String site, String admin, Health health, int weight, Candidacy candidacy) {
        public double load() {
            return candidacy.load();
        }

        public double effectiveWeight() {
            return candidacy.effectiveWeight();
        }

        /** Whether the node can be in this platform's answers now. */
        public boolean inAnswers() {
            return candidacy.kind().inAnswers();
        }
    }

    /** A node that can be answered, as one family's site rankings take it in. */
    record Candidate(String id, String site, byte[][] addresses, double weight) {
    }

    private final Platform platform;
    private final Locator locator;
    private final Family v4;
    private final Family v6;
    /** Per family, the site order of every client placed only in a country or nowhere (not covered or announced). */
    private final int[] unplacedV4;
    private final int[] unplacedV6;
    private final Name fallbackCname;
    private final LoopCounter fellBackNoNodes;
    private final LoopCounter fellBackUnavailable;
    private final LoopCounter fellBackForeign;
    private final LoopCounter fellBackUnlocated;
    /** By {@link Located.Source} ordinal: answers by how the client was placed. */
    private final LoopCounter[] located;
    /** By {@link ClientClass} ordinal, then {@link #LOCAL} or {@link #FALLBACK}. */
    private final LoopCounter[][] clients;
    private final Countries countries;
    private final int geoipMaxRadiusKm;
    private final boolean unlocatedFallBack;
    private final byte[][] fallbackV4;
    private final byte[][] fallbackV6;
    private final long ttl;
    private final int answers;
    private final List<NodeStatus> statuses;
    private final boolean serving;

    static final int LOCAL = 0;
    static final int FALLBACK = 1;

    /**
     * One family's candidate sites; {@code all} is every candidate node in one ranking, {@code byCountry}
     * the same per country (for clients placed only in a country); {@code feedPositions[o][i]} is the
     * place of {@code sites[i]} in the feed placement's site order {@code o}, or -1.
     */
    record Family(SiteNodes[] sites, int defaultSite, Site defaultPlace, SiteNodes all,
            Map<String, SiteNodes> byCountry, int[][] feedPositions, boolean registered) {
        /** Whether any site has a node that can take traffic (else this family answers the fallback). */
        boolean canServe() {
            for (SiteNodes s : sites) {
                if (s.effectiveWeight > 0) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Everything one platform's answers read, computed by {@link PlatformSteeringBuilder} (counters
     * already resolved, each site's answer counters set in its {@link SiteNodes}).
     */
    record Prepared(Platform platform, Locator locator, Family v4, Family v6, List<NodeStatus> statuses,
            byte[][] fallbackV4, byte[][] fallbackV6, Name fallbackCname, Countries countries,
            SteeringCounters.PlatformCounters counters) {
    }

    /** Starts the steering of {@code platform} for one snapshot. */
    public static PlatformSteeringBuilder builder(Platform platform) {
        return new PlatformSteeringBuilder(platform);
    }

    PlatformSteering(Prepared p) {
        this.platform = p.platform();
        this.locator = p.locator();
        this.ttl = platform.ttl();
        this.answers = Math.max(1, Math.min(16, platform.answers())); // the API's range, whatever was stored
        this.v4 = p.v4();
        this.v6 = p.v6();
        this.unplacedV4 = unplacedOrder(v4);
        this.unplacedV6 = unplacedOrder(v6);
        this.statuses = p.statuses();
        this.serving = statuses.stream().anyMatch(NodeStatus::inAnswers);
        this.fallbackV4 = p.fallbackV4();
        this.fallbackV6 = p.fallbackV6();
        this.fallbackCname = p.fallbackCname();
        SteeringCounters.PlatformCounters c = p.counters();
        this.fellBackNoNodes = c.fallbacks(SteeringCounters.NO_NODES);
        this.fellBackUnavailable = c.fallbacks(SteeringCounters.UNAVAILABLE);
        this.fellBackForeign = c.fallbacks(SteeringCounters.FOREIGN);
        this.fellBackUnlocated = c.fallbacks(SteeringCounters.UNLOCATED);
        this.located = c.located();
        this.clients = c.clients();
        this.countries = p.countries();
        this.geoipMaxRadiusKm = platform.effectiveGeoipMaxRadiusKm();
        this.unlocatedFallBack = platform.effectiveAnswerUnlocated() == Platform.Unlocated.FALLBACK;
    }

    /** A node's weight as steering sees it: 0 when it cannot serve, lowered by load above spillAt. */
    static double effectiveWeight(int weight, double load, double spillAt) {
        if (load >= 1.0) {
            return 0;
        }
        if (load <= spillAt) {
            return weight;
        }
        return weight * (1.0 - load) / (1.0 - spillAt);
    }

    /** Why {@code n} is (not) a candidate, before its addresses are looked at. */
    static Candidacy candidacy(CacheNode n, Health health, double load, Platform p, Map<String, Site> sites) {
        double spillAt = p.effectiveSpillAt();
        double eff = effectiveWeight(n.weight(), load, spillAt);
        Candidacy.Kind kind;
        if (!sites.containsKey(n.site())) {
            kind = Candidacy.Kind.NO_SITE;
        } else if (!n.active()) {
            kind = Candidacy.Kind.DRAINING;
        } else if (health == Health.DOWN) {
            kind = Candidacy.Kind.DOWN;
        } else if (health == Health.UNKNOWN && !p.answersUnknown()) {
            kind = Candidacy.Kind.UNKNOWN;
        } else if (eff <= 0) {
            kind = Candidacy.Kind.FULL;
        } else {
            kind = eff < n.weight() ? Candidacy.Kind.SPILLING : Candidacy.Kind.IN;
        }
        return new Candidacy(kind, load, spillAt, eff, n.site());
    }

    public Platform platform() {
        return platform;
    }

    /** Whether any node could be answered now (else the platform answers with its fallback). */
    public boolean serving() {
        return serving;
    }

    public List<NodeStatus> statuses() {
        return statuses;
    }

    @Override
    public int answer(int qtype, ClientSubnet client, AnswerSink sink) {
        return decide(qtype, client, sink, null);
    }

    /** Per-thread working memory, kept in the {@link ClientSubnet} of the event loop. */
    private static final ScratchSlot<Scratch> SCRATCH = new ScratchSlot<>(Scratch::new);

    private static final class Scratch {
        /** The counters' stripe of the thread this scratch belongs to (a ClientSubnet is one event loop's). */
        final int stripe = LoopCounter.stripeOfThisThread();
        final Located where = new Located();
        int[] order = new int[8];
        double[] distance = new double[8];
        final int[] best = new int[16];
        final double[] bestScore = new double[16];
    }

    /** The steering decision; {@code trace} (explain) sees every step, the DNS path passes null. */
    public int decide(int qtype, ClientSubnet client, AnswerSink sink, Trace trace) {
        Family fam = qtype == Type.AAAA ? v6 : v4;
        Family other = qtype == Type.AAAA ? v4 : v6;
        Scratch s = SCRATCH.in(client);
        byte[] address = client.address();
        int length = client.addressLength();
        int family = client.family();
        int source = client.sourcePrefix();
        Located where = s.where;
        locator.locate(address, length, where, trace != null);
        if (where.source == Located.Source.GEOIP && where.accuracyRadiusKm > geoipMaxRadiusKm) {
            where.source = Located.Source.GEOIP_COARSE; // a point this uncertain is only a country
        }
        int country = where.countryCode();
        ClientClass who = where.country == null ? ClientClass.UNLOCATED
                : countries.home(country, where.country) ? ClientClass.IN_COUNTRY : ClientClass.FOREIGN;
        if (trace != null) {
            trace.located(where, family, source, platform.affinityPrefix(family));
            trace.client(who, where.country, where.country == null || countries.serves(where.country));
            if (where.source == Located.Source.BGP) {
                trace.placedByFeed(locator.feeds().evidence(address, length));
            }
        }
        if (where.country != null && !countries.serves(country, where.country)) {
            return fallback(qtype, client, sink, trace, s, who, fellBackForeign,
                    scope(where, family, source, false, address, length),
                    trace == null ? null : "the client is in " + where.country
                            + ", a country this platform does not serve (serveCountries)");
        }
        if (unlocatedFallBack && unlocated(where)) {
            return fallback(qtype, client, sink, trace, s, who, fellBackUnlocated,
                    scope(where, family, source, false, address, length),
                    "the client cannot be placed and answerUnlocated is \"fallback\"");
        }
        if (!fam.registered && other.registered) {
            if (fallbackCname != null && !other.canServe()) {
                // the other type answers the fallback CNAME, and a CNAME is the only data at a name
                return fallback(qtype, client, sink, trace, s, who, fellBackUnavailable, 0, UNAVAILABLE);
            }
            if (trace != null) {
                trace.outcome("no node of this platform has an address of this family: NODATA", 0);
            }
            return USE_ZONE_DATA;
        }
        int affinity = Math.min(platform.affinityPrefix(family), source);
        long net = Hashing.network(address, length, affinity);
        boolean hashed = false;
        SiteNodes chosen = null;
        int n = fam.sites.length;
        if (n > 0) {
            int count = order(fam, where, country, s);
            if (count == 0) {
                // not placed at a point and no default site: one ranking over the sites of the client's
                // country when it is known to be in one, else over all
                SiteNodes home = where.country == null ? null : fam.byCountry.get(where.country);
                chosen = home != null ? home : fam.all;
                hashed = true;
                if (trace != null && chosen != null) {
                    trace.site(chosen.site, -1, home != null, 1.0, home != null
                            ? "the client is placed only in " + where.country + " and there is no defaultSite: "
                                    + "every candidate node of its country's sites in one ranking"
                            : "the client cannot be placed and there is no defaultSite: every candidate node in "
                                    + "one ranking");
                }
            }
            SiteNodes firstWithCapacity = null;
            int i = 0;
            for (; i < count && chosen == null; i++) {
                SiteNodes site = fam.sites[s.order[i]];
                if (site.effectiveWeight <= 0) {
                    traceSite(trace, site, where, "no capacity");
                    continue;
                }
                if (firstWithCapacity == null) {
                    firstWithCapacity = site;
                }
                if (site.keep < 1.0) {
                    hashed = true;
                    double u = Hashing.unit(Hashing.mix(net ^ site.salt));
                    if (u >= site.keep) {
                        if (trace != null) { // the text is for explain only: the DNS path allocates nothing
                            traceSite(trace, site, where, String.format("spilled: the network's hash %.3f is at "
                                    + "or above the share %.3f this site keeps", u, site.keep));
                        }
                        continue;
                    }
                }
                traceSite(trace, site, where, "chosen");
                chosen = site;
            }
            for (; trace != null && i < count; i++) {
                traceSite(trace, fam.sites[s.order[i]], where, "not tried: an earlier site serves");
            }
            if (chosen == null && firstWithCapacity != null) {
                chosen = firstWithCapacity; // every site spilled: the nearest with capacity takes it
                if (trace != null) {
                    trace.site(chosen.site, -1, false, chosen.keep, "chosen: every site spilled; the first with "
                            + "capacity serves");
                }
            }
        }
        if (chosen == null) {
            return fallback(qtype, client, sink, trace, s, who,
                    v4.registered || v6.registered ? fellBackUnavailable : fellBackNoNodes, 0, UNAVAILABLE);
        }
        int picked = rank(chosen, net, s, trace);
        if (chosen.size() > answers) {
            hashed = true;
        }
        int written = 0;
        for (int i = 0; i < picked && written < answers; i++) {
            for (byte[] a : chosen.addresses[s.best[i]]) {
                if (written < answers) {
                    sink.address(a, ttl);
                    written++;
                }
            }
        }
        int scope = scope(where, family, source, hashed, address, length);
        if (trace == null) {
            located[where.source.ordinal()].increment(s.stripe);
            clients[who.ordinal()][LOCAL].increment(s.stripe);
            if (picked > 0) {
                chosen.answered[s.best[0]].increment(s.stripe);
                client.site = chosen.nodeSites[s.best[0]];
            }
        }
        if (trace != null) {
            trace.outcome("site " + chosen.site, scope);
        }
        return scope;
    }

    private static final String UNAVAILABLE = "no local node can serve";

    /** Nothing places the client: neither at a point nor in a country. */
    private static boolean unlocated(Located where) {
        return where.country == null && !where.hasCoordinates;
    }

    private void traceSite(Trace trace, SiteNodes site, Located where, String verdict) {
        if (trace != null) {
            double distance = where.placedAtPoint() ? distanceKm(where.latitude, where.longitude, site.lat, site.lon)
                    : -1;
            trace.site(site.site, distance, where.country != null && where.country.equals(site.country), site.keep,
                    verdict);
        }
    }

    /**
     * Fills {@code s.order} with site indexes in the order they are tried; 0 means "no order": the
     * client is not placed at a point and the platform has no default site.
     *
     * <p>First the site the client is placed at: its coverage zone's site, or its route's announcing
     * sites in the feed's order (each spills to the next). Then the others by distance from the
     * client's point (for a feed, the first announcing site's), sites in the client's country first.
     * A client not placed at a point (unlocated, or only in a country) starts from the default site.
     */
    private int order(Family fam, Located where, int countryCode, Scratch s) {
        int n = fam.sites.length;
        if (s.order.length < n) {
            s.order = new int[n];
            s.distance = new double[n];
        }
        int[] announced = where.feedOrder >= 0 && where.feedOrder < fam.feedPositions.length
                ? fam.feedPositions[where.feedOrder] : null;
        if (where.placedAtPoint()) {
            if (!where.hasVector) {
                where.vector(Located.unitX(where.latitude, where.longitude),
                        Located.unitY(where.latitude, where.longitude), Located.unitZ(where.latitude));
            }
            return order(fam, true, where.x, where.y, where.z, where.country, countryCode, announced,
                    where.coverageSite, s.order, s.distance);
        }
        Site home = fam.defaultPlace;
        if (home == null) {
            return 0;
        }
        if (announced == null && where.coverageSite == null) {
            // every client placed only in a country (or nowhere) gets this one order: made with the steering
            int[] once = fam == v4 ? unplacedV4 : unplacedV6;
            System.arraycopy(once, 0, s.order, 0, once.length);
            return once.length;
        }
        // a covered or announced client with no point (its site is not in the registry): rare, so computed here
        return orderFrom(fam, home, announced, where.coverageSite, s.order, s.distance);
    }

    /**
     * The site order from the default site {@code home}, for a client not placed at a point (made
     * with the snapshot when it is neither covered nor announced).
     */
    private static int orderFrom(Family fam, Site home, int[] announced, String coverageSite, int[] order,
            double[] distance) {
        return order(fam, false, Located.unitX(home.lat(), home.lon()), Located.unitY(home.lat(), home.lon()),
                Located.unitZ(home.lat()), home.country(), CountryCode.of(home.country()), announced, coverageSite,
                order, distance);
    }

    /**
     * The order for a client not placed at a point and neither covered nor announced: from the default
     * site, whatever the client (so computed once); empty when there is no default site.
     */
    private static int[] unplacedOrder(Family fam) {
        Site home = fam.defaultPlace;
        if (home == null) {
            return new int[0];
        }
        int n = fam.sites.length;
        int[] order = new int[n];
        int count = orderFrom(fam, home, null, null, order, new double[n]);
        return java.util.Arrays.copyOf(order, count);
    }

    /**
     * Fills {@code order} (with {@code distance} as its keys) from a point given as a unit vector, as
     * {@link #order(Family, Located, int, Scratch)} says; the count of sites.
     */
    private static int order(Family fam, boolean placed, double x0, double y0, double z0, String country, int code,
            int[] announced, String coverageSite, int[] order, double[] distance) {
        int n = fam.sites.length;
        int count = 0;
        for (int i = 0; i < n; i++) {
            SiteNodes site = fam.sites[i];
            // (1 - cos) / 2 of the central angle, the haversine of the distance, from the dot product of the
            // unit vectors: it orders sites like the distance does, with no trigonometry per query
            double key = (1 - (x0 * site.x + y0 * site.y + z0 * site.z)) * 0.5;
            if (announced != null && announced[i] >= 0) {
                key = -1_000_000 + announced[i]; // the announcing sites first, in the feed's order
            } else if (!placed && i == fam.defaultSite
                    || coverageSite != null && coverageSite.equals(site.site)) {
                key = -1; // the default site for the unplaced, the coverage site for the covered: first
            } else if (country != null && !CountryCode.same(code, country, site.countryCode, site.country)) {
                key += 10; // foreign sites after every site in the client's own country (the term is at most 1)
            }
            // insertion sort: a handful of sites, no allocation
            int j = count++;
            while (j > 0 && distance[j - 1] > key) {
                distance[j] = distance[j - 1];
                order[j] = order[j - 1];
                j--;
            }
            distance[j] = key;
            order[j] = i;
        }
        return count;
    }

    static double distanceKm(double lat1, double lon1, double lat2, double lon2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double dp = p2 - p1;
        double dl = Math.toRadians(lon2 - lon1);
        double h = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * EARTH_KM * Math.asin(Math.min(1.0, Math.sqrt(h)));
    }

    /**
     * Weighted rendezvous: score = weight / -ln(u); the top {@code answers} nodes, best first. With
     * equal weights the score grows with u, so u itself orders them (no logarithm per node).
     */
    private int rank(SiteNodes site, long net, Scratch s, Trace trace) {
        int k = Math.min(answers, s.best.length);
        int filled = 0;
        boolean equal = site.equalWeights;
        for (int i = 0; i < site.size(); i++) {
            double u = Hashing.unit(Hashing.mix(site.nodeHashes[i] ^ net));
            double score = equal ? u : site.weights[i] / -Math.log(u);
            int j = filled < k ? filled++ : k;
            if (j == k && score <= s.bestScore[k - 1]) {
                continue;
            }
            if (j == k) {
                j = k - 1;
            }
            while (j > 0 && s.bestScore[j - 1] < score) {
                s.best[j] = s.best[j - 1];
                s.bestScore[j] = s.bestScore[j - 1];
                j--;
            }
            s.best[j] = i;
            s.bestScore[j] = score;
        }
        if (trace != null) {
            for (int i = 0; i < site.size(); i++) {
                double score = site.weights[i] / -Math.log(Hashing.unit(Hashing.mix(site.nodeHashes[i] ^ net)));
                int rank = 1;
                for (int j = 0; j < site.size(); j++) {
                    double other = site.weights[j] / -Math.log(Hashing.unit(Hashing.mix(site.nodeHashes[j] ^ net)));
                    if (other > score) {
                        rank++;
                    }
                }
                trace.ranked(site.site, site.nodeIds[i], site.weights[i], score, rank, rank <= filled);
            }
        }
        return filled;
    }

    /**
     * The prefix length over which this answer holds: the location's prefix (coverage zone, feed
     * route, GeoIP network), at least as long as any coverage zone or feed route nested inside the
     * client's block, and at least the affinity prefix when the hash of the client's network chose.
     */
    private int scope(Located where, int family, int source, boolean hashed, byte[] address, int length) {
        int max = family == 1 ? 32 : 128;
        int loc = where.prefixLength >= 0 ? where.prefixLength : source;
        int scope = loc;
        int nested = locator.nested(address, length, Math.min(loc, source), where.source);
        if (nested > loc) {
            if (source > loc) {
                // a more specific zone elsewhere in the client's zone does not matter to the client's own
                // block: its source prefix holds unless a zone sits inside that block too
                int inside = locator.nested(address, length, source, where.source);
                scope = Math.max(source, inside);
            } else {
                scope = nested;
            }
        }
        if (hashed) {
            scope = Math.max(scope, platform.affinityPrefix(family));
        }
        return Math.min(max, Math.max(0, scope));
    }

    /**
     * Answers the platform's fallback, counted under {@code reason}. {@code scope} is 0 when no node
     * can serve anyone, else the location's scope: a foreign client's fallback must not be cached
     * for the country's own networks.
     */
    private int fallback(int qtype, ClientSubnet client, AnswerSink sink, Trace trace, Scratch s,
            ClientClass who, LoopCounter reason, int scope, String why) {
        Located where = s.where;
        if (trace == null) {
            reason.increment(s.stripe);
            located[where.source.ordinal()].increment(s.stripe);
            clients[who.ordinal()][FALLBACK].increment(s.stripe);
            client.site = "fallback";
        }
        if (fallbackCname != null) {
            sink.alias(fallbackCname, ttl);
            if (trace != null) {
                trace.outcome("fallback: " + why + "; CNAME to " + fallbackCname, scope);
            }
            return scope;
        }
        byte[][] fb = qtype == Type.AAAA ? fallbackV6 : fallbackV4;
        if (trace != null) {
            trace.outcome("fallback: " + why + "; the platform's fixed addresses", scope);
        }
        if (fb.length == 0) {
            return USE_ZONE_DATA;
        }
        for (byte[] a : fb) {
            sink.address(a, ttl);
        }
        return scope;
    }

    // ---- for DNSSEC pre-signing (org.hubdns.dnssec): what answers this platform can give ----------

    /** Whether an {@code A} (or {@code AAAA}) query can get addresses: the types its NSEC lists. */
    public boolean answersWithData(int qtype) {
        Family fam = qtype == Type.AAAA ? v6 : v4;
        byte[][] fb = qtype == Type.AAAA ? fallbackV6 : fallbackV4;
        return fam.registered || fb.length > 0;
    }

    /** The fallback CNAME target, or null. */
    public Name fallbackCname() {
        return fallbackCname;
    }

    /**
     * Every address set an {@code A} (or {@code AAAA}) answer can hold as steering chooses them:
     * per site (and per one-ranking group), each choice of {@code answers} of its candidate nodes,
     * and the fixed fallback addresses. Each group stops at its share of {@code limit} sets; returns
     * false when one did (the rest are signed on demand). Sets may repeat; callers dedupe.
     */
    public boolean answerSets(int qtype, int limit, java.util.function.Consumer<byte[][]> out) {
        Family fam = qtype == Type.AAAA ? v6 : v4;
        java.util.List<SiteNodes> groups = new java.util.ArrayList<>(java.util.Arrays.asList(fam.sites));
        if (fam.defaultPlace == null) {
            // the one-ranking groups answer only clients not placed at a point when there is no default site
            if (fam.all != null) {
                groups.add(fam.all);
            }
            groups.addAll(fam.byCountry.values());
        }
        boolean complete = true;
        // each group gets its share of the limit, so that every site has sets signed ahead
        int share = groups.isEmpty() ? limit : Math.max(1, limit / groups.size());
        for (SiteNodes site : groups) {
            int n = site.size();
            int k = Math.min(answers, n);
            if (k == 0) {
                continue;
            }
            int[] pick = new int[k];
            for (int i = 0; i < k; i++) {
                pick[i] = i;
            }
            int emitted = 0;
            while (true) {
                if (emitted++ >= share || limit == 0) {
                    complete = false;
                    break;
                }
                java.util.List<byte[]> addrs = new java.util.ArrayList<>();
                for (int i = 0; i < k && addrs.size() < answers; i++) {
                    for (byte[] a : site.addresses[pick[i]]) {
                        if (addrs.size() < answers) {
                            addrs.add(a);
                        }
                    }
                }
                out.accept(addrs.toArray(new byte[0][]));
                int i = k - 1;
                while (i >= 0 && pick[i] == n - k + i) {
                    i--;
                }
                if (i < 0) {
                    break;
                }
                pick[i]++;
                for (int j = i + 1; j < k; j++) {
                    pick[j] = pick[j - 1] + 1;
                }
            }
        }
        byte[][] fb = qtype == Type.AAAA ? fallbackV6 : fallbackV4;
        if (fb.length > 0) {
            out.accept(fb);
        }
        return complete;
    }
}
