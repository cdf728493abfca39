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

    /** Time and heap allocated per query through the real QueryProcessor, DO=0 next to DO=1, steered with ECS. */
    @Test
    void perQueryCost() throws Exception {
        Name apex = Name.fromString("pk-hub.example.");
        ZoneContent z = ZoneParser.parseText(org.hubdns.dns.zone.ZoneSources.demoText(), apex, "demo");
        ZoneKey k = ZoneKey.generate(apex, DnssecAlgorithm.ECDSAP256SHA256, 0, 0);
        Platform p = new Platform("video", List.of("video.pk-hub.example"), 60, 2,
                new Fallback("video.origin.example.", null), "isb", null, null, null, null);
        List<CacheNode> nodes = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            nodes.add(new CacheNode("n" + i, "demo", "video", new ArrayList<>(SITES.keySet()).get(i % 3),
                    List.of("10.0.0." + (i + 1)), 100, HealthCheck.NONE, CacheNode.ACTIVE));
        }
        PlatformSteering steering = steering(p, nodes);
        Name host = Name.fromString("video.pk-hub.example.");
        try (Dnssec d = new Dnssec(Dnssec.Timings.DEFAULT)) {
            SignedZones signed = d.sign(List.of(z), Map.of("pk-hub.example.", new ZoneSigning(true,
                    "ECDSAP256SHA256", List.of(k))), Map.of(host, steering));
            org.hubdns.snapshot.SnapshotHolder h = new org.hubdns.snapshot.SnapshotHolder();
            h.publish(new org.hubdns.snapshot.Snapshot(org.hubdns.dns.answer.ZoneTree.compile(List.of(z),
                    Map.of(host, steering)), 1, 0, Map.of(), signed));
            org.hubdns.dns.protocol.QueryProcessor qp = new org.hubdns.dns.protocol.QueryProcessor(h, null,
                    new org.hubdns.dns.protocol.ServerCookies(new byte[16]));
            for (String name : List.of("video.pk-hub.example.", "www.pk-hub.example.", "nx.pk-hub.example.")) {
                for (boolean dnssec : new boolean[] {false, true, false, true}) {
                    byte[][] queries = new byte[1024][];
                    for (int i = 0; i < queries.length; i++) {
                        org.xbill.DNS.Message m = org.xbill.DNS.Message.newQuery(org.xbill.DNS.Record.newRecord(
                                Name.fromString(name), org.xbill.DNS.Type.A, org.xbill.DNS.DClass.IN));
                        m.addRecord(new org.xbill.DNS.OPTRecord(1232, 0, 0, dnssec ? org.xbill.DNS.ExtendedFlags.DO : 0,
                                List.of(new org.xbill.DNS.ClientSubnetOption(24, java.net.InetAddress.getByAddress(
                                        new byte[] {(byte) (1 + i % 200), (byte) (i / 200), 7, 0})))),
                                org.xbill.DNS.Section.ADDITIONAL);
                        queries[i] = m.toWire();
                    }
                    byte[] out = new byte[65535 + 512];
                    java.net.InetAddress src = java.net.InetAddress.getLoopbackAddress();
                    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)
                            java.lang.management.ManagementFactory.getThreadMXBean();
                    int n = 400_000;
                    for (int i = 0; i < 100_000; i++) {
                        qp.process(queries[i & 1023], queries[i & 1023].length, out, false, src);
                    }
                    long a0 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
                    long c0 = mx.getCurrentThreadCpuTime();
                    int size = 0;
                    for (int i = 0; i < n; i++) {
                        size = qp.process(queries[i & 1023], queries[i & 1023].length, out, false, src);
                    }
                    long cpu = mx.getCurrentThreadCpuTime() - c0;
                    long alloc = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - a0;
                    System.out.printf("FIGURES query %s DO=%d: %.0f ns CPU/query, %.2f bytes allocated/query, "
                            + "response %d bytes%n", name, dnssec ? 1 : 0, cpu / (double) n, alloc / (double) n, size);
                    assertThat(size).isPositive();
                }
            }
        }
    }

    static PlatformSteering steering(Platform p, List<CacheNode> nodes) {
        return PlatformSteering.builder(p).sites(SITES).nodes(nodes).states(Map.of())
                .locator(new Locator(CoverageSet.EMPTY, SITES, (a, l, o) -> false)).build();
    }
}
