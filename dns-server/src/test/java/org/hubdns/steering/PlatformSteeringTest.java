package org.hubdns.steering;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.hubdns.cluster.coverage.CoverageSet;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.Fallback;
import org.hubdns.cluster.model.HealthCheck;
import org.hubdns.cluster.model.Health;
import org.hubdns.cluster.model.NodeState;
import org.hubdns.cluster.model.Platform;
import org.hubdns.cluster.model.Site;
import org.hubdns.dns.answer.AnswerSink;
import org.hubdns.dns.answer.ClientSubnet;
import org.hubdns.dns.answer.DynamicAnswers;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The steering decision at unit level, through its public seam: {@link PlatformSteering#decide}
 * with a fake {@link GeoLocator} that places clients by their first octet (the real GeoIP reader has
 * its own tests). Distance order and same-country preference, one ranking over all nodes when the
 * client cannot be placed and there is no defaultSite, and the rendezvous properties (about 1/N of
 * networks move when a node leaves or joins, only those of that node; weight-proportional shares).
 * Seeded; the seed is in every failure message.
 */
class PlatformSteeringTest {
    static final long SEED = Long.getLong("steering.seed", System.nanoTime());

    static final Map<String, Site> SITES = new LinkedHashMap<>();

    static {
        SITES.put("isb", new Site("isb", "Islamabad", "PK", 33.72, 73.04));
        SITES.put("khi", new Site("khi", "Karachi", "PK", 24.86, 67.01));
        SITES.put("lhe", new Site("lhe", "Lahore", "PK", 31.55, 74.34));
        SITES.put("del", new Site("del", "Delhi", "IN", 28.61, 77.21));
        SITES.put("kbl", new Site("kbl", "Kabul", "AF", 34.53, 69.17));
    }

    /** First octet to a place: {lat, lon}, country, GeoIP network length. */
    record Place(double lat, double lon, String country, int prefix) {
    }

    static final Map<Integer, Place> PLACES = Map.of(
            11, new Place(33.60, 73.05, "PK", 20), // Rawalpindi: isb
            12, new Place(25.39, 68.37, "PK", 20), // Hyderabad (Sindh): khi
            13, new Place(31.63, 74.87, "IN", 20), // Amritsar: lhe is 50 km, del 450 km, but del is in India
            14, new Place(31.63, 74.87, "PK", 20), // the same point, Pakistani: lhe
            15, new Place(34.40, 69.30, null, 20), // near Kabul, country unknown: nearest wins, kbl
            16, new Place(34.40, 69.30, "PK", 20)); // near Kabul, Pakistani: the nearest PK site, isb

    /** Places 11-16.x.x.x; 17.x is known to the database (network /16) but without a location. */
    static final GeoLocator FAKE_GEO = (address, length, out) -> {
        if (length != 4) {
            return false;
        }
        int first = address[0] & 0xff;
        if (first == 17) {
            out.prefixLength = 16;
            return false;
        }
        Place p = PLACES.get(first);
        if (p == null) {
            return false;
        }
        out.source = Located.Source.GEOIP;
        out.prefixLength = p.prefix;
        out.hasCoordinates = true;
        out.latitude = p.lat;
        out.longitude = p.lon;
        out.country = p.country;
        return true;
    };

    static final class Recorder implements AnswerSink {
        final List<String> records = new ArrayList<>();

        @Override
        public void address(byte[] address, long ttl) {
            try {
                records.add(InetAddress.getByAddress(address).getHostAddress());
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void alias(Name target, long ttl) {
            records.add("CNAME " + target);
        }
    }

    /**
     * Serves every country: these tests are about ordering and hashing, and their random networks
     * land in countries where all nodes' sites are not (the country rules have their own tests).
     */
    static Platform platform(int answers, String defaultSite) {
        return new Platform("p", List.of("p.pk-hub.example"), 30, answers, new Fallback("origin.example.", null),
                defaultSite, null, null, null, null).withCountries(List.of(Platform.EVERY_COUNTRY), null);
    }

    static CacheNode node(String id, String site, int weight, String address) {
        return new CacheNode(id, "x", "p", site, List.of(address), weight, HealthCheck.NONE, CacheNode.ACTIVE);
    }

    /** One node per site, address 10.0.0.<site index + 1>; node ids are the site names. */
    static List<CacheNode> onePerSite() {
        List<CacheNode> out = new ArrayList<>();
        int i = 0;
        for (String site : SITES.keySet()) {
            out.add(node(site, site, 100, "10.0.0." + ++i));
        }
        return out;
    }

    static String addressOf(String site) {
        return "10.0.0." + (new ArrayList<>(SITES.keySet()).indexOf(site) + 1);
    }

    static PlatformSteering steering(Platform p, List<CacheNode> nodes, Map<String, NodeState> states,
            CoverageSet coverage) {
        return PlatformSteering.builder(p).sites(SITES).nodes(nodes).states(states)
                .locator(new Locator(coverage, SITES, FAKE_GEO)).build();
    }

    static final class Result {
        List<String> records;
        int scope;
    }

    static Result decide(PlatformSteering s, ClientSubnet c, String ip, int prefix) throws Exception {
        byte[] a = InetAddress.getByName(ip).getAddress();
        c.set(a.length == 4 ? 1 : 2, a, a.length, prefix, true);
        Recorder r = new Recorder();
        Result out = new Result();
        out.scope = s.decide(Type.A, c, r, null);
        out.records = r.records;
        return out;
    }

    @Test
    void aaaaFollowsTheFallbackCnameWhenNoIpv4NodeCanServe() throws Exception {
        List<CacheNode> drained = new ArrayList<>();
        for (CacheNode n : onePerSite()) {
            drained.add(n.withAdmin(CacheNode.DRAINING));
        }
        ClientSubnet c = new ClientSubnet();
        byte[] a = InetAddress.getByName("192.0.2.0").getAddress();
        c.set(1, a, 4, 24, true);
        // serving IPv4 nodes: AAAA has no data of its own (NODATA)
        assertThat(steering(platform(1, "isb"), onePerSite(), Map.of(), CoverageSet.EMPTY)
                .decide(Type.AAAA, c, new Recorder(), null)).isEqualTo(DynamicAnswers.USE_ZONE_DATA);
        // none can serve: A answers the CNAME, and so must AAAA (a CNAME is the only data at a name)
        PlatformSteering s = steering(platform(1, "isb"), drained, Map.of(), CoverageSet.EMPTY);
        Recorder forA = new Recorder();
        Recorder forAaaa = new Recorder();
        s.decide(Type.A, c, forA, null);
        s.decide(Type.AAAA, c, forAaaa, null);
        assertThat(forA.records).containsExactly("CNAME origin.example.");
        assertThat(forAaaa.records).containsExactly("CNAME origin.example.");
    }

    // ---- (b) distance order ------------------------------------------------------------------------

    @Test
    void theNearestSiteWinsAndTheClientsOwnCountryComesFirst() throws Exception {
        PlatformSteering s = steering(platform(1, "isb"), onePerSite(), Map.of(), CoverageSet.EMPTY);
        ClientSubnet c = new ClientSubnet();
        assertThat(decide(s, c, "11.1.2.0", 24).records).as("Rawalpindi").containsExactly(addressOf("isb"));
        assertThat(decide(s, c, "12.1.2.0", 24).records).as("Hyderabad").containsExactly(addressOf("khi"));
        assertThat(decide(s, c, "14.1.2.0", 24).records).as("Amritsar, PK").containsExactly(addressOf("lhe"));
        assertThat(decide(s, c, "13.1.2.0", 24).records).as("Amritsar, IN: the Indian site beats the nearer lhe")
                .containsExactly(addressOf("del"));
        assertThat(decide(s, c, "15.1.2.0", 24).records).as("near Kabul, no country: the nearest")
                .containsExactly(addressOf("kbl"));
        assertThat(decide(s, c, "16.1.2.0", 24).records).as("near Kabul, PK: the nearest PK site")
                .containsExactly(addressOf("isb"));
        // located by GeoIP, one node per site, answers 1: the hash does not choose; scope = the GeoIP network
        assertThat(decide(s, c, "11.1.2.0", 24).scope).isEqualTo(20);
        // known to the database without a location: unplaced, the defaultSite; scope = its network /16
        Result known = decide(s, c, "17.1.2.0", 24);
        assertThat(known.records).containsExactly(addressOf("isb"));
        assertThat(known.scope).isEqualTo(16);
        // unknown: the defaultSite, scope = the source
        Result unknown = decide(s, c, "198.51.100.0", 24);
        assertThat(unknown.records).containsExactly(addressOf("isb"));
        assertThat(unknown.scope).isEqualTo(24);
    }

    @Test
    void answersFollowTheSiteOrderWhenASiteIsEmptyOrFull() throws Exception {
        // the nearest site's only node is drained or full: the next by distance (same country first)
        List<CacheNode> nodes = new ArrayList<>(onePerSite());
        nodes.replaceAll(n -> n.id().equals("lhe") ? n.withAdmin(CacheNode.DRAINING) : n);
        PlatformSteering s = steering(platform(1, "isb"), nodes, Map.of(), CoverageSet.EMPTY);
        ClientSubnet c = new ClientSubnet();
        // Amritsar PK: lhe gone, then isb (~250 km) before del (~450 km, foreign) and kbl
        assertThat(decide(s, c, "14.1.2.0", 24).records).containsExactly(addressOf("isb"));
        PlatformSteering full = steering(platform(1, "isb"), onePerSite(),
                Map.of("lhe", new NodeState(Health.UP, 1.0, 0)), CoverageSet.EMPTY);
        assertThat(decide(full, c, "14.1.2.0", 24).records).containsExactly(addressOf("isb"));
    }

    @Test
    void aCoverageZoneBeatsGeoIp() throws Exception {
        CoverageSet cov = CoverageSet.EMPTY.with("11.1.0.0/16", "kbl");
        PlatformSteering s = steering(platform(1, "isb"), onePerSite(), Map.of(), cov);
        ClientSubnet c = new ClientSubnet();
        Result r = decide(s, c, "11.1.2.0", 24);
        assertThat(r.records).containsExactly(addressOf("kbl"));
        assertThat(r.scope).isEqualTo(16);
        assertThat(decide(s, c, "11.2.2.0", 24).records).containsExactly(addressOf("isb"));
    }

    @Test
    void unlocatedWithoutDefaultSiteIsOneRankingOverEveryNode() throws Exception {
        // three nodes in each of the five sites, answers 1, no defaultSite, clients nobody can place
        List<CacheNode> nodes = new ArrayList<>();
        int i = 0;
        for (String site : SITES.keySet()) {
            for (int k = 0; k < 3; k++) {
                nodes.add(node(site + k, site, 100, "10.1." + i / 256 + "." + i++ % 256));
            }
        }
        PlatformSteering s = steering(platform(1, null), nodes, Map.of(), CoverageSet.EMPTY);
        Random r = new Random(SEED);
        ClientSubnet c = new ClientSubnet();
        Map<String, Integer> counts = new HashMap<>();
        int total = 6000;
        for (int n = 0; n < total; n++) {
            Result res = decide(s, c, (100 + r.nextInt(100)) + "." + r.nextInt(256) + "." + r.nextInt(256) + ".0", 24);
            assertThat(res.records).hasSize(1);
            assertThat(res.scope).as("the hash chose: scope = affinity").isEqualTo(24);
            counts.merge(res.records.get(0), 1, Integer::sum);
        }
        assertThat(counts).as("seed %d: every node of every site takes a share", SEED).hasSize(15);
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            assertThat(e.getValue() / (double) total).as("seed %d: share of %s", SEED, e.getKey())
                    .isBetween(1 / 15.0 * 0.6, 1 / 15.0 * 1.4);
        }
        // and with answers >= the node count every node is answered, in one order for one network
        PlatformSteering all = steering(platform(16, null), nodes, Map.of(), CoverageSet.EMPTY);
        Result every = decide(all, c, "198.51.100.0", 24);
        assertThat(every.records).hasSize(15).doesNotHaveDuplicates();
        assertThat(decide(all, c, "198.51.100.0", 24).records).isEqualTo(every.records);
    }

    // ---- (c) rendezvous ----------------------------------------------------------------------------

    static List<CacheNode> tenAt(String site, int firstWeight) {
        List<CacheNode> out = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            out.add(node("n" + i, site, i == 0 ? firstWeight : 100, "10.2.0." + (i + 1)));
        }
        return out;
    }

    static List<String> networks(int count) {
        Random r = new Random(SEED);
        java.util.Set<String> seen = new java.util.LinkedHashSet<>();
        while (seen.size() < count) {
            seen.add((1 + r.nextInt(223)) + "." + r.nextInt(256) + "." + r.nextInt(256) + ".0");
        }
        return new ArrayList<>(seen);
    }

    static List<String> firstAnswers(PlatformSteering s, List<String> nets) throws Exception {
        ClientSubnet c = new ClientSubnet();
        List<String> out = new ArrayList<>(nets.size());
        for (String n : nets) {
            Result r = decide(s, c, n, 24);
            assertThat(r.records).hasSize(1);
            out.add(r.records.get(0));
        }
        return out;
    }

    @Test
    void removingOneOfTenNodesMovesAboutATenthOfTheNetworksOnlyItsOwn() throws Exception {
        List<String> nets = networks(20_000);
        List<CacheNode> ten = tenAt("isb", 100);
        List<String> before = firstAnswers(steering(platform(1, "isb"), ten, Map.of(), CoverageSet.EMPTY), nets);
        String removed = "10.2.0.4";
        List<CacheNode> nine = new ArrayList<>(ten);
        nine.removeIf(n -> n.addresses().contains(removed));
        List<String> after = firstAnswers(steering(platform(1, "isb"), nine, Map.of(), CoverageSet.EMPTY), nets);
        int changed = 0;
        for (int i = 0; i < nets.size(); i++) {
            if (!before.get(i).equals(after.get(i))) {
                changed++;
                assertThat(before.get(i)).as("seed %d: %s moved but did not have the removed node", SEED, nets.get(i))
                        .isEqualTo(removed);
            }
            assertThat(after.get(i)).isNotEqualTo(removed);
        }
        assertThat(changed / (double) nets.size()).as("seed %d: moved share, 1/10 expected", SEED)
                .isBetween(0.05, 0.16);
        // the same node drained instead of removed: the same effect
        List<CacheNode> drained = new ArrayList<>(ten);
        drained.replaceAll(n -> n.addresses().contains(removed) ? n.withAdmin(CacheNode.DRAINING) : n);
        assertThat(firstAnswers(steering(platform(1, "isb"), drained, Map.of(), CoverageSet.EMPTY), nets))
                .isEqualTo(after);

        // one added to the ten: about 1/11 move, all of them to the new node
        List<CacheNode> eleven = new ArrayList<>(ten);
        eleven.add(node("n10", "isb", 100, "10.2.0.11"));
        List<String> grown = firstAnswers(steering(platform(1, "isb"), eleven, Map.of(), CoverageSet.EMPTY), nets);
        int moved = 0;
        for (int i = 0; i < nets.size(); i++) {
            if (!before.get(i).equals(grown.get(i))) {
                moved++;
                assertThat(grown.get(i)).as("seed %d: %s moved elsewhere than the new node", SEED, nets.get(i))
                        .isEqualTo("10.2.0.11");
            }
        }
        assertThat(moved / (double) nets.size()).as("seed %d: moved share, 1/11 expected", SEED).isBetween(0.045, 0.145);
    }

    @Test
    void aNodeOfWeight300AmongNineOf100GetsAQuarterOfTheNetworks() throws Exception {
        List<String> nets = networks(20_000);
        List<String> first = firstAnswers(steering(platform(1, "isb"), tenAt("isb", 300), Map.of(),
                CoverageSet.EMPTY), nets);
        long heavy = first.stream().filter("10.2.0.1"::equals).count();
        assertThat(heavy / (double) nets.size()).as("seed %d: 300 / 1200 expected", SEED).isBetween(0.21, 0.29);
        for (int i = 2; i <= 10; i++) {
            String a = "10.2.0." + i;
            long count = first.stream().filter(a::equals).count();
            assertThat(count / (double) nets.size()).as("seed %d: %s, 100 / 1200 expected", SEED, a)
                    .isBetween(0.06, 0.107);
        }
    }

    @Test
    void theSecondAnswerIsTheRunnerUpOfTheSameRanking() throws Exception {
        // answers 2: the first address is the answers-1 choice, whatever the second
        List<String> nets = networks(2000);
        List<String> one = firstAnswers(steering(platform(1, "isb"), tenAt("isb", 100), Map.of(), CoverageSet.EMPTY),
                nets);
        PlatformSteering two = steering(platform(2, "isb"), tenAt("isb", 100), Map.of(), CoverageSet.EMPTY);
        ClientSubnet c = new ClientSubnet();
        for (int i = 0; i < nets.size(); i++) {
            Result r = decide(two, c, nets.get(i), 24);
            assertThat(r.records).hasSize(2).doesNotHaveDuplicates();
            assertThat(r.records.get(0)).as("seed %d: %s", SEED, nets.get(i)).isEqualTo(one.get(i));
        }
    }
}
