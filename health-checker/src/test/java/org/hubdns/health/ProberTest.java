package org.hubdns.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.HealthCheck;
import org.hubdns.cluster.model.ProbePolicy;
import org.hubdns.cluster.store.ClusterSettings;
import org.hubdns.cluster.store.Json;
import org.hubdns.cluster.store.LiveMap;
import org.hubdns.cluster.store.Registry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One member's {@link Prober} against a real TCP listener on 127.0.0.1, publishing into the live
 * state of a real (single-member) cluster: what it publishes when its event loop stalls.
 */
class ProberTest {
    static Registry registry;
    static Vertx vertx;

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = free.getLocalPort();
        }
        Path dataDir = Files.createTempDirectory("prober-test");
        registry = Registry.start(new ClusterSettings("prober-" + Long.toHexString(ThreadLocalRandom.current()
                .nextLong()), InetAddress.getByName("127.0.0.1"), port, List.of(), dataDir), Map.of());
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (registry != null) {
            registry.close();
        }
    }

    /**
     * The prober's loop stalls for more than three intervals (a GC pause, a starved CPU) while the
     * node starts failing: the beat after the stall withdraws the verdict (probes did not complete),
     * and the first probe after it fails. That one failure must not publish "down": fall (3) still
     * counts, as it would have without the stall. It used to: the withdrawn verdict was forgotten and
     * "the first probe decides" treated the node as new. Measured with 5,000 nodes on one member under
     * CPU starvation: one stall took 2,344 healthy nodes down at once.
     */
    @Test
    void aStallOfTheProbingLoopDoesNotLetOneFailedProbeTakeANodeDown() throws Exception {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")); // the backlog accepts
        HealthCheck check = new HealthCheck("tcp", listener.getLocalPort(), null, null, 300, 100, 2, 3);
        CacheNode node = new CacheNode("n-stall", "p", "video", "isb", List.of("127.0.0.1"), 100, check, "active");
        String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong());
        LiveMap<String> verdicts = registry.liveMap("health-verdicts-" + suffix);
        LiveMap<Long> beats = registry.liveMap("health-beats-" + suffix);
        ProbeStats stats = new ProbeStats();
        // every publication in order, with the failed probes counted when it was seen
        List<String> seen = new CopyOnWriteArrayList<>();
        verdicts.listen((key, json) -> {
            long failed = stats.failed() + stats.timedOut();
            seen.add(json == null ? "withdrawn" : Json.read(json, Verdict.class).health() + " after " + failed
                    + " failed");
        });

        Context loop = vertx.getOrCreateContext();
        Prober[] made = new Prober[1];
        CountDownLatch created = new CountDownLatch(1);
        loop.runOnContext(v -> { // on this context, so the prober's probes and beats run on it
            made[0] = new Prober(vertx, new Probes(vertx, ProbePolicy.parse(List.of("127.0.0.0/8"), 100), null),
                    verdicts, beats, "member-1", "127.0.0.1:5701", stats, () -> { });
            created.countDown();
        });
        assertThat(created.await(10, TimeUnit.SECONDS)).isTrue();
        Prober prober = made[0];
        try {
            prober.assign(Map.of(node.id(), new Prober.Duty(node, check)));
            await("the node is up", () -> seen.stream().anyMatch(s -> s.startsWith("up")), seen);

            // the node fails while the loop is blocked for 1.5 s (5 intervals): the stall itself is the
            // stimulus here, not a wait for a result
            loop.runOnContext(v -> {
                try {
                    listener.close();
                    new CountDownLatch(1).await(1500, TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await("the node is down", () -> seen.stream().anyMatch(s -> s.startsWith("down")), seen);
            assertThat(seen).as("the stall withdrew the verdict, so this test exercises that path")
                    .contains("withdrawn");
            String down = seen.stream().filter(s -> s.startsWith("down")).findFirst().orElseThrow();
            int failuresBeforeDown = Integer.parseInt(down.substring(down.indexOf(" after ") + 7, down.indexOf(" failed")));
            assertThat(failuresBeforeDown).as("failed probes when 'down' was published: %s", seen)
                    .isGreaterThanOrEqualTo(3);
            // after the stall and before fall is reached, the withdrawn "up" came back
            assertThat(seen.subList(seen.indexOf("withdrawn"), seen.indexOf(down))).as(seen.toString())
                    .anyMatch(s -> s.startsWith("up"));
        } finally {
            prober.close();
            listener.close();
        }
    }

    private static void await(String what, BooleanSupplier condition, Object state) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("not within 15 s: %s; seen %s", what, state);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
