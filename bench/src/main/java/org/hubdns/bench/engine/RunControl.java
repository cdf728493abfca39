package org.hubdns.bench.engine;

/** Lets another thread (a scenario, Ctrl-C) end a run early: sending stops, answers in flight are still awaited. */
public final class RunControl {
    private volatile boolean stop;

    public void requestStop() {
        stop = true;
    }

    public boolean stopRequested() {
        return stop;
    }
}
