package org.hubdns.bench.engine;

import java.util.concurrent.CompletableFuture;

/**
 * Lets another thread (a scenario, Ctrl-C) end a run early: sending stops, answers in flight are
 * still awaited; or end the current timeline interval at once, so that a scenario's event (a kill)
 * falls on an interval boundary and what follows it is counted from that instant.
 */
public final class RunControl {
    private volatile boolean stop;
    private CompletableFuture<Long> mark;
    private CompletableFuture<Void> wake = new CompletableFuture<>();

    public void requestStop() {
        stop = true;
    }

    public boolean stopRequested() {
        return stop;
    }

    /**
     * Asks the run to take a sample now (ending the timeline's current interval); completes with the
     * sample's {@link System#nanoTime()} once taken, or exceptionally when the run has ended.
     */
    public synchronized CompletableFuture<Long> markNow() {
        if (mark == null) {
            mark = new CompletableFuture<>();
            wake.complete(null);
        }
        return mark;
    }

    /** Completes when {@link #markNow()} is called (the run's coordinator waits on it besides the clock). */
    synchronized CompletableFuture<Void> wake() {
        return wake;
    }

    synchronized boolean markPending() {
        return mark != null;
    }

    /** The sample asked for was taken at {@code nanoTime}. */
    synchronized void marked(long nanoTime) {
        if (mark != null) {
            mark.complete(nanoTime);
            mark = null;
            wake = new CompletableFuture<>();
        }
    }

    synchronized void ended() {
        if (mark != null) {
            mark.completeExceptionally(new IllegalStateException("the load ended before the sample was taken"));
            mark = null;
        }
    }
}
