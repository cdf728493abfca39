package org.hubdns.server;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Waits on a condition (polled every 20 ms), never for a fixed time; fails naming what did not happen. */
public final class Await {
    private Await() {
    }

    public static void until(Duration limit, String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!Boolean.TRUE.equals(condition.call())) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within %s: %s", limit, what);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
