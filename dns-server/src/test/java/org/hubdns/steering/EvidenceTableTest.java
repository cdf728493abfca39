package org.hubdns.steering;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hubdns.cluster.coverage.Cidr;
import org.hubdns.cluster.coverage.CoverageSet;
import org.hubdns.cluster.coverage.CoverageSetBuilder;
import org.hubdns.cluster.feed.FeedPlacement;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.Fallback;
import org.hubdns.cluster.model.HealthCheck;
import org.hubdns.cluster.model.Health;
import org.hubdns.cluster.model.NodeState;
import org.hubdns.cluster.model.Platform;
import org.hubdns.cluster.model.Site;
import org.hubdns.dns.answer.AnswerSink;
import org.hubdns.dns.answer.ClientSubnet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The order of evidence, in-process: coverage zones, then coverage feeds, then GeoIP (a guess
 * without a city or with a large radius only places the client in its country), then the
 * platform's default; the country rules (serveCountries, answerUnlocated); the site order a feed
 * gives (announcing sites first, spilling to the next announcing site); the ECS scope of a feed
 * placement with routes nested inside it; and the counters by method and client.
 *
 * <p>Sites isb, khi, lhe (PK) and del (IN), one node each (10.0.0.1-4: the answer names the site).
 */
class EvidenceTableTest {
    static final Map<String, Site> SITES = new LinkedHashMap<>();

    static {
        SITES.put("isb", new Site("isb", "Islamabad", "PK", 33.72, 73.04));
        SITES.put("khi", new Site("khi", "Karachi", "PK", 24.86, 67.01));
        SITES.put("lhe", new Site("lhe", "Lahore", "PK", 31.55, 74.34));
        SITES.put("del", new Site("del", "Delhi", "IN", 28.61, 77.21));
    }

    static final Map<String, String> ADDRESS = Map.of("10.0.0.1", "isb", "10.0.0.2", "khi", "10.0.0.3", "lhe",
            "10.0.0.4", "del");

    /** A GeoIP stand-in by first octet, as GeoIpLocator fills Located (a record without a city is coarse). */
    record Geo(Located.Source source, double lat, double lon, String country, String city, int radiusKm, int prefix) {
    }

    static final Map<Integer, Geo> GEO = Map.of(
            11, new Geo(Located.Source.GEOIP, 33.60, 73.05, "PK", "Rawalpindi", 20, 20), // near isb
            12, new Geo(Located.Source.GEOIP, 25.39, 68.37, "PK", "Hyderabad", 50, 20), // near khi
            14, new Geo(Located.Source.GEOIP, 24.95, 67.20, "PK", "Karachi", 50, 20),
            21, new Geo(Located.Source.GEOIP_COARSE, 30.0, 70.0, "PK", null, 1000, 20), // PK centroid: lhe is nearest
            22, new Geo(Located.Source.GEOIP, 24.90, 67.10, "PK", "Karachi", 500, 20), // a city, but 500 km
            31, new Geo(Located.Source.GEOIP, 40.71, -74.0, "US", "New York", 10, 20),
            32, new Geo(Located.Source.GEOIP_COARSE, 38.0, -97.0, "US", null, 1000, 20),
            33, new Geo(Located.Source.GEOIP, 28.70, 77.10, "IN", "Delhi", 10, 20));

    static final GeoLocator FAKE_GEO = (address, length, out) -> {
        Geo g = length == 4 ? GEO.get(address[0] & 0xff) : null;
        if (g == null) {
            return false;
        }
        out.source = g.source;
        out.prefixLength = g.prefix;
        out.hasCoordinates = true;
        out.latitude = g.lat;
        out.longitude = g.lon;
        out.country = g.country;
        out.city = g.city;
        out.accuracyRadiusKm = g.radiusKm;
        return true;
    };

    static final CoverageSet COVERAGE = new CoverageSetBuilder().add("11.1.0.0/16", "khi").build();

    static final FeedPlacement FEEDS = FeedPlacement.builder()
            .add(Cidr.parse("11.0.0.0/8"), List.of("lhe")) // under the coverage zone 11.1/16
            .add(Cidr.parse("12.0.0.0/8"), List.of("lhe", "khi")) // over GeoIP's Hyderabad
            .add(Cidr.parse("12.34.0.0/16"), List.of("khi")) // nested in 12/8
            .add(Cidr.parse("31.5.0.0/16"), List.of("khi")) // GeoIP says New York; the feed says Karachi
            .add(Cidr.parse("33.1.0.0/16"), List.of("gone", "isb")) // an unknown site first: isb anchors
            .add(Cidr.parse("21.9.0.0/16"), List.of("del")) // announced at the Indian site
            .build();

    static List<CacheNode> nodes() {
        List<CacheNode> out = new ArrayList<>();
        int i = 0;
        for (String site : SITES.keySet()) {
            out.add(new CacheNode(site, "x", "p", site, List.of("10.0.0." + ++i), 100, HealthCheck.NONE,
                    CacheNode.ACTIVE));
        }
        return out;
    }

    static Platform platform(String defaultSite, Integer maxRadius, List<String> serve, Platform.Unlocated unlocated) {
        return new Platform("p", List.of("p.example"), 30, 1, new Fallback("origin.example.", null), defaultSite,
                null, null, null, null, maxRadius, serve, unlocated);
    }

    static PlatformSteering steering(Platform p, Map<String, NodeState> states, SteeringCounters counters) {
        return PlatformSteering.builder(p).sites(SITES).nodes(nodes()).states(states)
                .locator(new Locator(COVERAGE, FEEDS, SITES, FAKE_GEO)).counters(counters).build();
    }

    /** What one query got: the site answered (or "fallback"), the ECS scope, how it was located. */
    record Got(String site, int scope, String method, ClientClass who) {
    }

    static Got ask(PlatformSteering s, String cidr) throws Exception {
        String[] p = cidr.split("/");
        byte[] a = InetAddress.getByName(p[0]).getAddress();
        ClientSubnet c = new ClientSubnet();
        c.set(1, a, 4, Integer.parseInt(p[1]), true);
        List<String> got = new ArrayList<>();
        String[] method = new String[1];
        ClientClass[] who = new ClientClass[1];
        Trace trace = new Trace() {
            @Override
            public void located(Located where, int family, int sourcePrefix, int affinityPrefix) {
                method[0] = where.source.wire();
            }

            @Override
            public void client(ClientClass c, String country, boolean served) {
                who[0] = c;
            }

            @Override
            public void site(String site, double distanceKm, boolean sameCountry, double keep, String verdict) {
            }

            @Override
            public void ranked(String site, String nodeId, double weight, double score, int rank, boolean picked) {
            }

            @Override
            public void outcome(String how, int scope) {
            }
        };
        AnswerSink sink = new AnswerSink() {
            @Override
            public void address(byte[] address, long ttl) {
                try {
                    got.add(ADDRESS.get(InetAddress.getByAddress(address).getHostAddress()));
                } catch (java.net.UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void alias(Name target, long ttl) {
                got.add("fallback");
            }
        };
        int traced = s.decide(Type.A, c, new AnswerSink() {
            @Override
            public void address(byte[] address, long ttl) {
            }

            @Override
            public void alias(Name target, long ttl) {
            }
        }, trace);
        int scope = s.decide(Type.A, c, sink, null); // the DNS path: counted
        assertThat(traced).as("explain and DNS agree on the scope").isEqualTo(scope);
        assertThat(got).as(cidr).hasSize(1);
        return new Got(got.get(0), scope, method[0], who[0]);
    }

    @ParameterizedTest(name = "{0}: {1} by {2}, scope {3} ({4})")
    @CsvSource(delimiter = '|', value = {
        // coverage beats feed beats GeoIP
        "11.1.2.0/24  | khi      | coverage     | 16 | coverage zone 11.1/16 (a feed has 11/8, GeoIP says Rawalpindi)",
        "11.2.2.0/24  | lhe      | bgp          | 24 | feed 11/8 beats GeoIP's Rawalpindi (isb); scope: 11.1/16 is elsewhere in 11/8",
        "12.1.2.0/24  | lhe      | bgp          | 24 | feed 12/8, announced at lhe then khi, beats GeoIP's Hyderabad",
        "12.34.5.0/24 | khi      | bgp          | 16 | the nested route 12.34/16",
        "12.0.0.0/8   | lhe      | bgp          | 16 | a /8 client: 12.34/16 nested in its block sets the scope",
        "31.5.1.0/24  | khi      | bgp          | 16 | a feed places in its site's country: New York's GeoIP is overruled",
        "33.1.1.0/24  | isb      | bgp          | 16 | the first known announcing site",
        // GeoIP
        "14.1.1.0/24  | khi      | geoip        | 20 | a city within 200 km: by distance",
        "22.1.1.0/24  | isb      | geoip_coarse | 20 | Karachi at 500 km is a guess: the defaultSite, not khi",
        "21.1.1.0/24  | isb      | geoip_coarse | 20 | no city: the PK centroid would pick lhe; the defaultSite",
        // abroad
        "31.1.1.0/24  | fallback | geoip        | 20 | New York: foreign, fallback, scoped to its GeoIP network",
        "32.1.1.0/24  | fallback | geoip_coarse | 20 | a coarse US record is still in the US",
        "33.2.2.0/24  | del      | geoip        | 20 | Delhi: the platform has a site in India, so India is served",
        "21.9.1.0/24  | del      | bgp          | 16 | announced at del: placed in India",
        // nowhere
        "41.1.1.0/24  | isb      | none         | 24 | unlocated: the defaultSite (answerUnlocated default)",
    })
    void theOrderOfEvidence(String client, String site, String method, int scope, String why) throws Exception {
        PlatformSteering s = steering(platform("isb", null, null, null), Map.of(), new SteeringCounters());
        Got got = ask(s, client);
        assertThat(got.site()).as(why).isEqualTo(site);
        assertThat(got.method()).as(why).isEqualTo(method);
        assertThat(got.scope()).as(why).isEqualTo(scope);
    }

    @Test
    void aCoarseClientWithoutDefaultSiteIsRankedOverItsCountrysSitesOnly() throws Exception {
        PlatformSteering s = steering(platform(null, null, null, null), Map.of(), new SteeringCounters());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Got g = ask(s, "21." + (i + 10) + ".7.0/24"); // 21.9/16 is a feed route
            assertThat(g.method()).isEqualTo("geoip_coarse");
            seen.add(g.site());
            assertThat(g.scope()).as("the hash chose: at least the affinity prefix").isEqualTo(24);
        }
        assertThat(seen).as("every PK site, never the Indian one").containsExactlyInAnyOrder("isb", "khi", "lhe");
        // unlocated and no defaultSite: one ranking over all, the Indian site included
        Set<String> nowhere = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            nowhere.add(ask(s, "41." + i + ".7.0/24").site());
        }
        assertThat(nowhere).containsExactlyInAnyOrder("isb", "khi", "lhe", "del");
    }

    @Test
    void theRadiusLimitIsThePlatformsAndServeCountriesStarServesEveryCountryByDistance() throws Exception {
        PlatformSteering wide = steering(platform("isb", 1000, List.of("*"), null), Map.of(), new SteeringCounters());
        assertThat(ask(wide, "22.1.1.0/24")).isEqualTo(new Got("khi", 20, "geoip", ClientClass.IN_COUNTRY));
        // New York, served: by distance, and still counted as foreign
        Got ny = ask(wide, "31.1.1.0/24");
        assertThat(ny.site()).isNotEqualTo("fallback");
        assertThat(ny.who()).isEqualTo(ClientClass.FOREIGN);
        // a coarse US record: the defaultSite
        assertThat(ask(wide, "32.1.1.0/24").site()).isEqualTo("isb");
        // only India: Pakistani clients are the foreign ones now
        PlatformSteering india = steering(platform("isb", null, List.of("IN"), null), Map.of(), new SteeringCounters());
        assertThat(ask(india, "11.2.2.0/24").site()).isEqualTo("fallback");
        assertThat(ask(india, "33.2.2.0/24").site()).isEqualTo("del");
    }

    @Test
    void answerUnlocatedFallbackSendsTheUnplacedToTheFallbackOnly() throws Exception {
        SteeringCounters counters = new SteeringCounters();
        PlatformSteering s = steering(platform("isb", null, null, Platform.Unlocated.FALLBACK), Map.of(), counters);
        Got nowhere = ask(s, "41.1.1.0/24");
        assertThat(nowhere.site()).isEqualTo("fallback");
        assertThat(nowhere.scope()).as("scoped to the client's block, not 0").isEqualTo(24);
        assertThat(nowhere.who()).isEqualTo(ClientClass.UNLOCATED);
        assertThat(ask(s, "21.1.1.0/24").site()).as("coarse is placed in its country").isEqualTo("isb");
        assertThat(ask(s, "12.1.2.0/24").site()).isEqualTo("lhe");
        assertThat(counters.fallbacks().get("p")).containsEntry("unlocated", 1L).containsEntry("foreign", 0L);
    }

    @Test
    void aFeedsSitesSpillToTheNextAnnouncingSiteBeforeAnyNearerSite() throws Exception {
        // lhe keeps half its networks (load 0.9, spillAt 0.8); the rest go to khi, the next announcer,
        // although isb is far nearer to lhe
        PlatformSteering s = steering(platform("isb", null, null, null),
                Map.of("lhe", new NodeState(Health.UP, 0.9, 0)), new SteeringCounters());
        Map<String, Integer> bySite = new java.util.TreeMap<>();
        for (int i = 0; i < 400; i++) {
            Got g = ask(s, "12." + (i % 30 + 1) + "." + i / 30 + ".0/24");
            bySite.merge(g.site(), 1, Integer::sum);
            assertThat(g.scope()).as("spillover hashed: the affinity prefix").isEqualTo(24);
        }
        assertThat(bySite.keySet()).containsExactlyInAnyOrder("lhe", "khi");
        assertThat(bySite.get("lhe") / 400.0).isBetween(0.38, 0.62);
        // lhe drained: every network to khi
        List<CacheNode> drained = new ArrayList<>(nodes());
        drained.replaceAll(n -> n.id().equals("lhe") ? n.withAdmin(CacheNode.DRAINING) : n);
        PlatformSteering noLhe = PlatformSteering.builder(platform("isb", null, null, null)).sites(SITES)
                .nodes(drained).locator(new Locator(COVERAGE, FEEDS, SITES, FAKE_GEO)).build();
        assertThat(ask(noLhe, "12.1.2.0/24").site()).isEqualTo("khi");
        // 11/8 is announced at lhe only: without lhe the rest go by distance from lhe, isb first
        assertThat(ask(noLhe, "11.2.2.0/24").site()).isEqualTo("isb");
    }

    @Test
    void answersAreCountedByMethodAndByWhoseClientWithoutAllocatingLabels() throws Exception {
        SteeringCounters counters = new SteeringCounters();
        PlatformSteering s = steering(platform("isb", null, null, null), Map.of(), counters);
        assertThat(counters.located().get("p")).as("listed at 0 from the start").containsOnlyKeys("coverage", "bgp",
                "geoip", "geoip_coarse", "none").allSatisfy((k, v) -> assertThat(v).isZero());
        for (String c : new String[] {"11.1.2.0/24", "12.1.2.0/24", "12.2.2.0/24", "11.3.0.0/24", "21.1.1.0/24",
            "31.1.1.0/24", "41.1.1.0/24", "21.9.1.0/24"}) {
            ask(s, c); // each asked once on the DNS path (and once traced, which counts nothing)
        }
        assertThat(counters.located().get("p")).containsEntry("coverage", 1L).containsEntry("bgp", 4L)
                .containsEntry("geoip", 1L).containsEntry("geoip_coarse", 1L).containsEntry("none", 1L);
        Map<String, Map<String, Long>> clients = counters.clients().get("p");
        assertThat(clients.get("in_country")).containsEntry("local", 6L).containsEntry("fallback", 0L);
        assertThat(clients.get("foreign")).containsEntry("local", 0L).containsEntry("fallback", 1L);
        assertThat(clients.get("unlocated")).containsEntry("local", 1L).containsEntry("fallback", 0L);
        assertThat(counters.fallbacks().get("p")).containsEntry("foreign", 1L).containsEntry("unavailable", 0L)
                .containsEntry("no_nodes", 0L).containsEntry("unlocated", 0L);
    }

    /** The DNS path (no trace) allocates nothing for any method of placement, foreign and fallback included. */
    @Test
    void decidingAllocatesNothingWhateverPlacedTheClient() throws Exception {
        PlatformSteering s = steering(platform("isb", null, null, null),
                Map.of("lhe", new NodeState(Health.UP, 0.9, 0)), new SteeringCounters());
        String[] clients = {"11.1.2.0", "11.2.2.0", "12.1.2.0", "12.34.5.0", "31.5.1.0", "33.1.1.0", "14.1.1.0",
            "22.1.1.0", "21.1.1.0", "31.1.1.0", "32.1.1.0", "33.2.2.0", "21.9.1.0", "41.1.1.0"};
        byte[][] addresses = new byte[clients.length][];
        for (int i = 0; i < clients.length; i++) {
            addresses[i] = InetAddress.getByName(clients[i]).getAddress();
        }
        ClientSubnet c = new ClientSubnet();
        AnswerSink none = new AnswerSink() {
            @Override
            public void address(byte[] address, long ttl) {
            }

            @Override
            public void alias(Name target, long ttl) {
            }
        };
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)
                java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long allocated = 0;
        for (int round = 0; round < 3; round++) { // the first rounds warm up (scratch, JIT); the last counts
            long before = mx.getThreadAllocatedBytes(id);
            for (int i = 0; i < 20_000; i++) {
                byte[] a = addresses[i % addresses.length];
                a[2] = (byte) (i >>> 4); // vary the network within each /16 (spillover's hash)
                c.set(1, a, 4, 24, true);
                s.decide(Type.A, c, none, null);
            }
            allocated = mx.getThreadAllocatedBytes(id) - before;
        }
        assertThat(allocated).as("bytes allocated by 20,000 decisions").isLessThan(1024);
    }
}
