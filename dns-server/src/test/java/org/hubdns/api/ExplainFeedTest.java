package org.hubdns.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hubdns.cluster.coverage.Cidr;
import org.hubdns.cluster.coverage.CoverageSet;
import org.hubdns.cluster.feed.FeedPlacement;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.Fallback;
import org.hubdns.cluster.model.HealthCheck;
import org.hubdns.cluster.model.Platform;
import org.hubdns.cluster.model.Site;
import org.hubdns.dns.answer.ZoneTree;
import org.hubdns.snapshot.Snapshot;
import org.hubdns.steering.GeoLocator;
import org.hubdns.steering.Locator;
import org.hubdns.steering.PlatformSteering;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/**
 * What {@code GET /v1/explain} says about a client placed by a coverage feed, in-process: the
 * feeds' API lives on another branch until the merge, so the placement is built here and explained
 * through the handler's own method. The HTTP path of explain is covered by GeoGuessesTest and
 * GeoSteeringTest.
 */
class ExplainFeedTest {
    static final Map<String, Site> SITES = new LinkedHashMap<>();

    static {
        SITES.put("isb", new Site("isb", "Islamabad", "PK", 33.72, 73.04));
        SITES.put("khi", new Site("khi", "Karachi", "PK", 24.86, 67.01));
        SITES.put("lhe", new Site("lhe", "Lahore", "PK", 31.55, 74.34));
    }

    @Test
    void aFeedPlacedClientIsExplainedWithItsRouteAndTheAnnouncingSitesFirst() {
        FeedPlacement.Evidence route = new FeedPlacement.Evidence("route-server-1", "182.176.0.0/12", 17557L,
                "192.0.2.7", List.of(17557L, 45595L), List.of("lhe", "khi"));
        FeedPlacement feeds = FeedPlacement.builder().add(Cidr.parse("182.176.0.0/12"), List.of("lhe", "khi"))
                .evidence((address, length) -> route).build();
        List<CacheNode> nodes = new ArrayList<>();
        int i = 0;
        for (String site : SITES.keySet()) {
            nodes.add(new CacheNode(site + "-1", "x", "video", site, List.of("10.0.0." + ++i), 100, HealthCheck.NONE,
                    CacheNode.ACTIVE));
        }
        Platform video = new Platform("video", List.of("video.pk-hub.example"), 60, 1,
                new Fallback("video.origin.example.", null), "isb", null, null, null, null);
        PlatformSteering steering = PlatformSteering.builder(video).sites(SITES).nodes(nodes)
                .locator(new Locator(CoverageSet.EMPTY, feeds, SITES, GeoLocator.NONE)).build();
        Snapshot snapshot = new Snapshot(ZoneTree.EMPTY, 7, 7, Map.of("video", steering));

        JsonObject out = ExplainApi.explain(snapshot, CoverageSet.EMPTY, "video.pk-hub.example", "A", Type.A,
                "127.0.0.1", new byte[] {127, 0, 0, 1}, "182.180.3.0/24");
        JsonObject located = out.getJsonObject("located");
        assertThat(located.getString("method")).isEqualTo("bgp");
        assertThat(located.getString("by")).isEqualTo("bgp");
        assertThat(located.getInteger("prefixLength")).isEqualTo(12);
        assertThat(located.getString("country")).as("the first announcing site's").isEqualTo("PK");
        assertThat(located.getString("client")).isEqualTo("in_country");
        assertThat(located.getJsonArray("feedSites")).isEqualTo(new JsonArray().add("lhe").add("khi"));
        JsonObject r = located.getJsonObject("route");
        assertThat(r.getString("feed")).isEqualTo("route-server-1");
        assertThat(r.getString("prefix")).isEqualTo("182.176.0.0/12");
        assertThat(r.getLong("announcerAs")).isEqualTo(17557L);
        assertThat(r.getString("announcerAddress")).isEqualTo("192.0.2.7");
        assertThat(r.getJsonArray("asPath")).isEqualTo(new JsonArray().add(17557L).add(45595L));
        assertThat(r.getJsonArray("sites")).isEqualTo(new JsonArray().add("lhe").add("khi"));
        JsonArray sites = out.getJsonArray("sites");
        assertThat(sites.getJsonObject(0).getString("site")).isEqualTo("lhe");
        assertThat(sites.getJsonObject(0).getString("verdict")).isEqualTo("chosen");
        assertThat(sites.getJsonObject(1).getString("site")).as("the next announcer, before the nearer isb")
                .isEqualTo("khi");
        assertThat(sites.getJsonObject(2).getString("site")).isEqualTo("isb");
        assertThat(out.getJsonObject("answer").getJsonArray("records")).isEqualTo(new JsonArray().add("10.0.0.3"));
        assertThat(out.getJsonObject("answer").getInteger("ecsScope")).as("the route's prefix").isEqualTo(12);
    }
}
