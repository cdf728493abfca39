package org.hubdns.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.hubdns.bench.engine.RunControl;

/**
 * Ctrl-C (SIGINT/SIGTERM) during a run stops the sending; the JVM's exit then waits, at most
 * {@code graceMillis}, until {@link #close()} says the summary and report are written.
 */
public final class CtrlC implements AutoCloseable {
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    public CtrlC(RunControl control, long graceMillis) {
        hook = new Thread(() -> {
            control.requestStop();
            try {
                finished.await(graceMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook has been released by the count-down above
        }
    }
}
