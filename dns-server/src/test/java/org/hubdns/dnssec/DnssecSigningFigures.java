package org.hubdns.dnssec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hubdns.cluster.coverage.CoverageSet;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.Fallback;
import org.hubdns.cluster.model.HealthCheck;
import org.hubdns.cluster.model.Platform;
import org.hubdns.cluster.model.Site;
import org.hubdns.dns.zone.ZoneContent;
import org.hubdns.dns.zone.ZoneParser;
import org.hubdns.steering.Locator;
import org.hubdns.steering.PlatformSteering;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.xbill.DNS.Name;

/**
 * The figures of the note, measured, not asserted (run with {@code -Dhubdns.figures=true}):
 * the time and signatures to sign the demo zone with 3 sites x 20 nodes and with 1,000 nodes, and
 * what a drain costs afterwards (only the new sets are signed).
 */
@EnabledIfSystemProperty(named = "hubdns.figures", matches = "true")
class DnssecSigningFigures {
    static final Map<String, Site> SITES = new LinkedHashMap<>();

    static {
        SITES.put("isb", new Site("isb", "Islamabad", "PK", 33.72, 73.04));
        SITES.put("khi", new Site("khi", "Karachi", "PK", 24.86, 67.01));
        SITES.put("lhe", new Site("lhe", "Lahore", "PK", 31.55, 74.34));
    }

    @Test
    void figures() throws Exception {
        for (String alg : List.of("ECDSAP256SHA256", "ED25519")) {
            for (int[] c : new int[][] {{20, 2}, {334, 1}, {334, 2}}) {
                measure(alg, c[0], c[1]);
            }
        }
    }

    static void measure(String alg, int perSite, int answers) throws Exception {
        Name apex = Name.fromString("pk-hub.example.");
        ZoneContent z = ZoneParser.parseText(org.hubdns.dns.zone.ZoneSources.demoText(), apex, "demo");
        ZoneKey k = ZoneKey.generate(apex, DnssecAlgorithm.valueOf(alg), 0, 0);
        Map<String, ZoneSigning> signing = Map.of("pk-hub.example.", new ZoneSigning(true, alg, List.of(k)));
        Platform p = new Platform("video", List.of("video.pk-hub.example"), 60, answers,
                new Fallback("video.origin.example.", null), "isb", null, null, null, null);
        List<CacheNode> nodes = new ArrayList<>();
        int i = 0;
        for (String site : SITES.keySet()) {
            for (int n = 0; n < perSite; n++, i++) {
                nodes.add(new CacheNode(site + "-" + n, "demo", "video", site,
                        List.of("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255)), 100, HealthCheck.NONE,
                        CacheNode.ACTIVE));
            }
        }
        try (Dnssec d = new Dnssec(Dnssec.Timings.DEFAULT)) {
            long t0 = System.nanoTime();
            SignedZones s = d.sign(List.of(z), signing, Map.of(Name.fromString("video.pk-hub.example."),
                    steering(p, nodes)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long sigs = d.cache().signaturesByZone().get("pk-hub.example.").sum();
            Dnssec.Report r = s.reports().get("pk-hub.example.");
            // a drain: the node leaves every set it was in
            nodes.set(0, new CacheNode(nodes.get(0).id(), "demo", "video", "isb", nodes.get(0).addresses(), 100,
                    HealthCheck.NONE, CacheNode.DRAINING));
            long t1 = System.nanoTime();
            d.sign(List.of(z), signing, Map.of(Name.fromString("video.pk-hub.example."), steering(p, nodes)));
            long drainMs = (System.nanoTime() - t1) / 1_000_000;
            long drainSigs = d.cache().signaturesByZone().get("pk-hub.example.").sum() - sigs;
            System.out.printf("FIGURES %s %d nodes (%d/site) answers=%d: %d signatures in %d ms (%d platform sets, "
                    + "all signed ahead: %s); drain of one node: %d new signatures in %d ms; cores=%d%n", alg,
                    nodes.size(), perSite, answers, sigs, ms, r.platformSets(), r.enumeratedAll(), drainSigs, drainMs,
                    Runtime.getRuntime().availableProcessors());
            assertThat(sigs).isPositive();
        }
    }

    static PlatformSteering steering(Platform p, List<CacheNode> nodes) {
        return PlatformSteering.builder(p).sites(SITES).nodes(nodes).states(Map.of())
                .locator(new Locator(CoverageSet.EMPTY, SITES, (a, l, o) -> false)).build();
    }
}
