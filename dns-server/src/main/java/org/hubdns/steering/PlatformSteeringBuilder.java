package org.hubdns.steering;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.Health;
import org.hubdns.cluster.model.NodeState;
import org.hubdns.cluster.model.Platform;
import org.hubdns.cluster.model.Site;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Prepares one platform's {@link PlatformSteering} for a snapshot, off the event loops: each family's
 * sites and candidate nodes, the fallback, and the counters its answers increment, resolved here
 * once so that the query path only increments adders it already holds.
 */
public final class PlatformSteeringBuilder {
    private final Platform platform;
    private Map<String, Site> sites = Map.of();
    private List<CacheNode> nodes = List.of();
    private Map<String, NodeState> states = Map.of();
    private Locator locator = Locator.NONE;
    private SteeringCounters counters;

    PlatformSteeringBuilder(Platform platform) {
        this.platform = Objects.requireNonNull(platform);
    }

    /** Every site of the registry by name (nodes at other sites are out: NO_SITE). */
    public PlatformSteeringBuilder sites(Map<String, Site> sites) {
        this.sites = sites;
        return this;
    }

    /** The platform's cache nodes. */
    public PlatformSteeringBuilder nodes(List<CacheNode> nodes) {
        this.nodes = nodes;
        return this;
    }

    /** Nodes' health and load by node id (a node without an entry has no verdict yet). */
    public PlatformSteeringBuilder states(Map<String, NodeState> states) {
        this.states = states;
        return this;
    }

    /** How clients are located (shared by the snapshot's platforms). */
    public PlatformSteeringBuilder locator(Locator locator) {
        this.locator = locator;
        return this;
    }

    /** Where answers and fallbacks are counted (kept across snapshots; default: counters of its own). */
    public PlatformSteeringBuilder counters(SteeringCounters counters) {
        this.counters = counters;
        return this;
    }

    /** @throws IllegalArgumentException when the platform's fallback CNAME is not a domain name */
    public PlatformSteering build() {
        SteeringCounters.PlatformCounters c = (counters == null ? new SteeringCounters() : counters)
                .platform(platform.name());
        List<PlatformSteering.NodeStatus> st = new ArrayList<>();
        PlatformSteering.Family v4 = family(4, platform, sites, nodes, states, st, locator);
        PlatformSteering.Family v6 = family(16, platform, sites, nodes, states, null, locator);
        st.sort(Comparator.comparing(PlatformSteering.NodeStatus::site).thenComparing(PlatformSteering.NodeStatus::id));
        List<String> fb = platform.fallback().addresses() == null ? List.of() : platform.fallback().addresses();
        Name cname = null;
        if (platform.fallback().cname() != null) {
            try {
                cname = Name.fromString(platform.fallback().cname());
            } catch (TextParseException e) {
                throw new IllegalArgumentException("platform " + platform.name() + ": bad fallback cname", e);
            }
        }
        for (PlatformSteering.Family f : List.of(v4, v6)) {
            for (SiteNodes sn : f.sites()) {
                count(sn, c);
            }
            if (f.all() != null) {
                count(f.all(), c);
            }
            for (SiteNodes sn : f.byCountry().values()) {
                count(sn, c);
            }
        }
        for (CacheNode n : nodes) {
            if (sites.containsKey(n.site())) {
                c.answers(n.site()); // listed at 0 from the start
            }
        }
        return new PlatformSteering(new PlatformSteering.Prepared(platform, locator, v4, v6, List.copyOf(st),
                literals(fb, 4), literals(fb, 16), cname, countries(), c));
    }

    /**
     * Home: the countries of the sites the platform has nodes at (whatever their state, so that a
     * site going down does not change whose clients are foreign). Served: {@code serveCountries},
     * by default the home.
     */
    private Countries countries() {
        java.util.Set<String> home = new java.util.TreeSet<>();
        for (CacheNode n : nodes) {
            Site s = sites.get(n.site());
            if (s != null && s.country() != null) {
                home.add(s.country());
            }
        }
        List<String> serve = platform.serveCountries();
        if (serve == null) {
            return new Countries(home, home, false);
        }
        return new Countries(home, platform.servesEveryCountry() ? java.util.Set.of() : java.util.Set.copyOf(serve),
                platform.servesEveryCountry());
    }

    private void count(SiteNodes sn, SteeringCounters.PlatformCounters c) {
        for (int i = 0; i < sn.answered.length; i++) {
            sn.answered[i] = c.answers(sn.nodeSites[i]);
        }
    }

    private static byte[][] literals(List<String> addresses, int length) {
        List<byte[]> out = new ArrayList<>();
        java.util.Set<java.nio.ByteBuffer> taken = new java.util.HashSet<>();
        for (String a : addresses) {
            byte[] b = io.netty.util.NetUtil.createByteArrayFromIpAddressString(a);
            if (b != null && b.length == length && taken.add(java.nio.ByteBuffer.wrap(b))) {
                out.add(b);
            }
        }
        return out.toArray(new byte[0][]);
    }

    private static PlatformSteering.Family family(int length, Platform p, Map<String, Site> sites, List<CacheNode> nodes,
            Map<String, NodeState> states, List<PlatformSteering.NodeStatus> statuses, Locator locator) {
        Map<String, List<PlatformSteering.Candidate>> bySite = new LinkedHashMap<>();
        Map<String, Double> fullBySite = new LinkedHashMap<>();
        boolean registered = false;
        List<CacheNode> sorted = new ArrayList<>(nodes);
        sorted.sort(Comparator.comparing(CacheNode::id));
        // an answer never carries one address twice: the registry refuses duplicates, but data stored
        // before that rule (or two racing registrations) may hold them; the first serving node by id
        // keeps the address. Done here, once per snapshot, not per query.
        java.util.Set<java.nio.ByteBuffer> taken = new java.util.HashSet<>();
        for (CacheNode n : sorted) {
            NodeState s = states.get(n.id());
            // no verdict yet is unknown; a node without checks is always up
            Health health = !n.check().probed() ? Health.UP : s == null ? Health.UNKNOWN : s.health();
            double load = s == null ? 0.0 : s.load();
            Candidacy candidacy = PlatformSteering.candidacy(n, health, load, p, sites);
            List<byte[]> mine = new ArrayList<>();
            for (String a : n.addresses()) {
                byte[] b = io.netty.util.NetUtil.createByteArrayFromIpAddressString(a);
                if (b != null && b.length == length) {
                    mine.add(b);
                }
            }
            List<byte[]> answered = new ArrayList<>();
            if (candidacy.kind().inAnswers()) {
                for (byte[] b : mine) {
                    if (taken.add(java.nio.ByteBuffer.wrap(b))) {
                        answered.add(b);
                    }
                }
                if (answered.isEmpty() && !mine.isEmpty()) {
                    candidacy = candidacy.addressTaken();
                }
            }
            if (statuses != null) {
                statuses.add(new PlatformSteering.NodeStatus(n.id(), n.site(), n.admin(), health, n.weight(), candidacy));
            }
            if (mine.isEmpty()) {
                continue;
            }
            registered = true;
            if (candidacy.kind().countsInCapacity()) {
                // a full node still counts in its site's capacity: that is what makes the site spill
                fullBySite.merge(n.site(), (double) n.weight(), Double::sum);
            }
            if (candidacy.kind().inAnswers()) {
                bySite.computeIfAbsent(n.site(), k -> new ArrayList<>()).add(new PlatformSteering.Candidate(n.id(), n.site(),
                        answered.toArray(new byte[0][]), candidacy.effectiveWeight()));
            }
        }
        List<SiteNodes> out = new ArrayList<>();
        List<PlatformSteering.Candidate> every = new ArrayList<>();
        Map<String, List<PlatformSteering.Candidate>> byCountry = new java.util.TreeMap<>();
        Map<String, Double> fullByCountry = new java.util.HashMap<>();
        double fullAll = 0;
        for (Map.Entry<String, List<PlatformSteering.Candidate>> e : bySite.entrySet()) {
            Site site = sites.get(e.getKey());
            double full = fullBySite.getOrDefault(e.getKey(), 0.0);
            out.add(siteNodes(site, e.getValue(), full));
            every.addAll(e.getValue());
            fullAll += full;
            if (site.country() != null) {
                byCountry.computeIfAbsent(site.country(), k -> new ArrayList<>()).addAll(e.getValue());
                fullByCountry.merge(site.country(), full, Double::sum);
            }
        }
        out.sort(Comparator.comparing(s -> s.site));
        int def = -1;
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).site.equals(p.defaultSite())) {
                def = i;
            }
        }
        SiteNodes all = every.isEmpty() ? null
                : siteNodes(new Site("*", null, null, 0, 0), every, fullAll);
        // the default site places the unlocated even when none of its own nodes can serve
        Site defaultPlace = p.defaultSite() == null ? null : sites.get(p.defaultSite());
        Map<String, SiteNodes> countryRankings = new java.util.HashMap<>();
        byCountry.forEach((country, candidates) -> countryRankings.put(country, siteNodes(
                new Site("*:" + country, null, country, 0, 0), candidates, fullByCountry.get(country))));
        SiteNodes[] ordered = out.toArray(new SiteNodes[0]);
        return new PlatformSteering.Family(ordered, def, defaultPlace, all, Map.copyOf(countryRankings),
                feedPositions(ordered, locator), registered);
    }

    /** For each of the feed placement's site orders, where each of these sites stands in it (-1: not in it). */
    private static int[][] feedPositions(SiteNodes[] sites, Locator locator) {
        org.hubdns.cluster.feed.FeedPlacement feeds = locator.feeds();
        int[][] out = new int[Locator.feedOrders(feeds)][];
        for (int o = 0; o < out.length; o++) {
            List<String> order = List.of(feeds.sites(o));
            out[o] = new int[sites.length];
            for (int i = 0; i < sites.length; i++) {
                out[o][i] = order.indexOf(sites[i].site);
            }
        }
        return out;
    }

    private static SiteNodes siteNodes(Site site, List<PlatformSteering.Candidate> nodes, double full) {
        String[] ids = new String[nodes.size()];
        String[] sites = new String[nodes.size()];
        byte[][][] addrs = new byte[nodes.size()][][];
        double[] w = new double[nodes.size()];
        for (int i = 0; i < ids.length; i++) {
            PlatformSteering.Candidate c = nodes.get(i);
            ids[i] = c.id();
            addrs[i] = c.addresses();
            w[i] = c.weight();
            sites[i] = c.site();
        }
        return new SiteNodes(site.name(), site.country(), site.lat(), site.lon(), ids, sites, addrs, w, full);
    }

}
