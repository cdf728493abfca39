package org.hubdns.steering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * A {@link LoopCounter} loses no addition however many threads count at once: each with a stripe
 * of its own writes its cell without an atomic instruction, and those beyond the stripes share the
 * last cell atomically. Plain writes to a shared cell would lose some of these millions.
 */
class LoopCounterTest {
    @Test
    void concurrentThreadsLoseNoAddition() throws Exception {
        LoopCounter counter = new LoopCounter();
        int threads = LoopCounter.STRIPES + 8; // some of them past the stripes, whatever this JVM used before
        int each = 200_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                int stripe = LoopCounter.stripeOfThisThread();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    counter.increment(stripe);
                }
            });
            thread.start();
            started.add(thread);
        }
        go.countDown();
        long seen = 0;
        while (started.stream().anyMatch(Thread::isAlive)) {
            long now = counter.sum(); // read while they count: never more than was added, never going back
            assertThat(now).isBetween(seen, (long) threads * each);
            seen = now;
        }
        for (Thread t : started) {
            t.join();
        }
        assertThat(counter.sum()).isEqualTo((long) threads * each);
    }

    @Test
    void aThreadKeepsItsStripeAndTwoThreadsNeverShareOneOfTheirOwn() throws Exception {
        int mine = LoopCounter.stripeOfThisThread();
        assertThat(LoopCounter.stripeOfThisThread()).isEqualTo(mine);
        int[] other = new int[1];
        Thread t = new Thread(() -> other[0] = LoopCounter.stripeOfThisThread());
        t.start();
        t.join();
        if (mine < LoopCounter.STRIPES) {
            assertThat(other[0]).isNotEqualTo(mine);
        } else {
            assertThat(other[0]).isEqualTo(LoopCounter.STRIPES); // both on the shared, atomic cell
        }
    }
}
