package org.hubdns.testsupport;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Waits on a condition, polled every 10 ms, never for a fixed time; fails naming what did not
 * happen (and, when given, the last state seen and the last error the condition threw).
 */
public final class Await {
    private static final long POLL_MILLIS = 10;

    private Await() {
    }

    public static void until(Duration limit, String what, Callable<Boolean> condition) throws Exception {
        timed(limit, what, condition);
    }

    /** As {@link #until(Duration, String, Callable)}; returns how long it took. */
    public static Duration timed(Duration limit, String what, Callable<Boolean> condition) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + limit.toNanos();
        while (!Boolean.TRUE.equals(condition.call())) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within %s: %s", limit, what);
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /**
     * Polls until {@code condition} holds, an exception from it counting as not yet; fails after
     * {@code limit} showing {@code state} and the last exception (for conditions across members).
     */
    public static void until(Duration limit, String what, Callable<Boolean> condition, Callable<Object> state)
            throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
                last = null;
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() - end > 0) {
                Object shown;
                try {
                    shown = state.call();
                } catch (Exception e) {
                    shown = e;
                }
                fail("not within %s: %s%nlast state: %s%s", limit, what, shown,
                        last == null ? "" : "\nlast error: " + last);
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
    }
}
