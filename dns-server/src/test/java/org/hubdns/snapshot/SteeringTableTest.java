package org.hubdns.snapshot;

import static org.hubdns.testsupport.DnsCase.q;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.hubdns.cluster.coverage.Cidr;
import org.hubdns.cluster.feed.FeedPlacement;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.Fallback;
import org.hubdns.cluster.model.HealthCheck;
import org.hubdns.cluster.model.NodeStates;
import org.hubdns.cluster.model.Platform;
import org.hubdns.cluster.model.Site;
import org.hubdns.cluster.model.StoredZone;
import org.hubdns.cluster.store.RegistryView;
import org.hubdns.dns.answer.DynamicNames;
import org.hubdns.steering.GeoLocator;
import org.hubdns.steering.Located;
import org.hubdns.steering.SteeringCounters;
import org.hubdns.testsupport.DnsCase;
import org.hubdns.testsupport.InProcessDns;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The steered query path in process: a registry view (zone, sites, a platform, its nodes) built
 * into a snapshot by the real {@link SnapshotBuilder}, answered by the real query processor. The
 * client is placed by a fake GeoIP (first octet 11: near Islamabad, 12: near Karachi, 13: New York).
 * Rows: the nearest site's node, the default site for clients that cannot be placed, ECS scope,
 * NODATA for types the platform does not answer, the fallback CNAME when no node can serve or the
 * client is abroad, and a coverage feed's placement given to the builder as a supplier. The socket
 * twins are the tests in {@code org.hubdns.steering} and {@code org.hubdns.geo}.
 */
class SteeringTableTest {
    static final String ZONE = """
            $TTL 300
            @    IN SOA ns1.steer.example. hostmaster.steer.example. 1 7200 1800 1209600 300
            @    IN NS  ns1.steer.example.
            ns1  IN A   192.0.2.53
            """;
    static final String SOA = "steer.example. 300 IN SOA ns1.steer.example. hostmaster.steer.example. 1 7200 1800 1209600 300";
    static final String VIDEO = "video.steer.example.";

    static final GeoLocator FAKE_GEO = (address, length, out) -> {
        int first = address[0] & 0xff;
        if (length != 4 || first < 11 || first > 13) {
            return false;
        }
        out.source = Located.Source.GEOIP;
        out.prefixLength = 20;
        out.hasCoordinates = true;
        out.latitude = first == 11 ? 33.60 : first == 12 ? 25.39 : 40.71;
        out.longitude = first == 11 ? 73.05 : first == 12 ? 68.37 : -74.0;
        out.country = first == 13 ? "US" : "PK";
        return true;
    };

    static final Map<String, Site> SITES = new LinkedHashMap<>();

    static {
        SITES.put("isb", new Site("isb", "Islamabad", "PK", 33.72, 73.04));
        SITES.put("khi", new Site("khi", "Karachi", "PK", 24.86, 67.01));
    }

    static CacheNode node(String id, String site, String address, String admin) {
        return new CacheNode(id, "demo", "video", site, List.of(address), 100, HealthCheck.NONE, admin);
    }

    /** The platform with a node at each site, both in the given admin state, built as a member builds it. */
    static InProcessDns steered(String admin) {
        SnapshotHolder holder = new SnapshotHolder();
        builder(admin, holder, () -> FeedPlacement.EMPTY).rebuild();
        return InProcessDns.over(holder);
    }

    static SnapshotBuilder builder(String admin, SnapshotHolder holder, Supplier<FeedPlacement> feeds) {
        Platform video = new Platform("video", List.of("video.steer.example"), 30, 1,
                new Fallback("origin.cdn.example.", null), "isb", null, null, null, null);
        Map<String, CacheNode> nodes = Map.of(
                "isb-1", node("isb-1", "isb", "10.0.1.1", admin),
                "khi-1", node("khi-1", "khi", "10.0.2.1", admin));
        RegistryView view = new RegistryView(1, Map.of("steer.example.",
                new StoredZone("steer.example.", 1, "test", ZONE)), SITES, Map.of("video", video), Map.of(), nodes,
                Map.of(), Map.of(), Map.of(), 1, 0);
        return new SnapshotBuilder(holder, DynamicNames.NONE, v -> FAKE_GEO, () -> view, NodeStates.NONE,
                new SteeringCounters(), feeds);
    }

    static final InProcessDns ACTIVE = steered(CacheNode.ACTIVE);
    static final InProcessDns DRAINED = steered(CacheNode.DRAINING);

    static Stream<DnsCase> active() {
        return Stream.of(
                q(VIDEO, Type.A).clientSubnet("11.1.2.0", 24).ecs("11.1.2.0/24/20")
                        .says("near Islamabad: the isb node, scope the GeoIP network").answer("video.steer.example. 30 IN A 10.0.1.1"),
                q(VIDEO, Type.A).clientSubnet("12.1.2.0", 24).ecs("12.1.2.0/24/20")
                        .says("near Karachi: the khi node").answer("video.steer.example. 30 IN A 10.0.2.1"),
                q(VIDEO, Type.A).from("12.9.9.9").says("without ECS: the packet's source is placed")
                        .answer("video.steer.example. 30 IN A 10.0.2.1"),
                q(VIDEO, Type.A).clientSubnet("13.1.2.0", 24).ecs("13.1.2.0/24/20")
                        .says("New York: abroad, the fallback, scoped to its GeoIP network")
                        .answer("video.steer.example. 30 IN CNAME origin.cdn.example."),
                q(VIDEO, Type.A).clientSubnet("198.51.100.0", 24).ecs("198.51.100.0/24/24")
                        .says("not placed: the default site").answer("video.steer.example. 30 IN A 10.0.1.1"),
                q(VIDEO, Type.AAAA).clientSubnet("11.1.2.0", 24).ecs("11.1.2.0/24/0")
                        .says("no IPv6 node: NODATA").ns(SOA),
                q(VIDEO, Type.MX).says("other types: NODATA").ns(SOA),
                q("x.video.steer.example.", Type.A).rcode(Rcode.NXDOMAIN).ns(SOA));
    }

    static Stream<DnsCase> drained() {
        return Stream.of(
                q(VIDEO, Type.A).clientSubnet("11.1.2.0", 24).ecs("11.1.2.0/24/0")
                        .says("every node draining: the fallback CNAME")
                        .answer("video.steer.example. 30 IN CNAME origin.cdn.example."),
                q(VIDEO, Type.AAAA).says("the CNAME for AAAA too")
                        .answer("video.steer.example. 30 IN CNAME origin.cdn.example."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("active")
    void answersFromTheNearestNode(DnsCase c) {
        c.check(ACTIVE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("drained")
    void answersTheFallbackWhenNoNodeCanServe(DnsCase c) {
        c.check(DRAINED);
    }

    /** The seam the feeds use: a supplier read at every build, and a rebuild when it changes. */
    @org.junit.jupiter.api.Test
    void aFeedPlacementFromTheSupplierPlacesClientsAfterARebuild() {
        AtomicReference<FeedPlacement> feeds = new AtomicReference<>(FeedPlacement.EMPTY);
        SnapshotHolder holder = new SnapshotHolder();
        SnapshotBuilder builder = builder(CacheNode.ACTIVE, holder, feeds::get);
        builder.rebuild();
        InProcessDns dns = InProcessDns.over(holder);
        q(VIDEO, Type.A).clientSubnet("12.1.2.0", 24).ecs("12.1.2.0/24/20").says("GeoIP: near Karachi")
                .answer("video.steer.example. 30 IN A 10.0.2.1").check(dns);
        feeds.set(FeedPlacement.builder().add(Cidr.parse("12.0.0.0/8"), List.of("isb"))
                .add(Cidr.parse("13.1.0.0/16"), List.of("khi")).build());
        builder.rebuild();
        q(VIDEO, Type.A).clientSubnet("12.1.2.0", 24).ecs("12.1.2.0/24/8")
                .says("announced at isb: the feed beats GeoIP; scope the route's /8")
                .answer("video.steer.example. 30 IN A 10.0.1.1").check(dns);
        q(VIDEO, Type.A).clientSubnet("13.1.2.0", 24).ecs("13.1.2.0/24/16")
                .says("GeoIP says New York, the route says Karachi: served at khi")
                .answer("video.steer.example. 30 IN A 10.0.2.1").check(dns);
    }
}
