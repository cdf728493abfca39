package org.hubdns.cluster.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Asynchronous cluster writes, as the health checker makes four times a second, start no thread
 * each: on a machine of two cores Hazelcast's default started one per write.
 */
class AsyncCallbacksTest {
    @TempDir
    Path dir;

    @Test
    void asynchronousWritesReuseCallbackThreads() throws Exception {
        InetAddress loopback = Loopback.ADDRESS;
        int port = Loopback.freePort();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (Registry r = Registry.start(new ClusterSettings("t-" + UUID.randomUUID(), loopback, port, List.of(), dir),
                Map.of())) {
            LiveMap<Long> beats = r.liveMap("health-beats-test");
            beats.set("warm", 0L); // the member's own threads start with its first operations
            long before = threads.getTotalStartedThreadCount();
            int writes = 200;
            for (long i = 1; i <= writes; i++) {
                beats.setAsync("m", i);
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (!Long.valueOf(i).equals(beats.get("m")) && System.nanoTime() < deadline) {
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000);
                }
                assertThat(beats.get("m")).as("write %d arrived", i).isEqualTo(i);
            }
            long started = threads.getTotalStartedThreadCount() - before;
            System.out.printf("%d asynchronous writes started %d threads%n", writes, started);
            assertThat(started).as("threads started during %d asynchronous writes (%d cores)", writes,
                    Runtime.getRuntime().availableProcessors()).isLessThan(20);
        }
    }
}
