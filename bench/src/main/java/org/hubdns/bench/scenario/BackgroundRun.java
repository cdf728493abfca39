package org.hubdns.bench.scenario;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.hubdns.bench.engine.LoadRun;
import org.hubdns.bench.engine.Progress;
import org.hubdns.bench.engine.RunControl;
import org.hubdns.bench.engine.RunResult;
import org.hubdns.bench.engine.RunSettings;

/**
 * A load run on its own thread, so that a scenario can act (drain, kill) while it goes on. Each
 * progress sample is printed and handed to the scenario's watcher.
 */
final class BackgroundRun {
    final RunControl control = new RunControl();
    private final CompletableFuture<RunResult> result = new CompletableFuture<>();
    private volatile Progress last;

    BackgroundRun(RunSettings settings, LoadRun.Listener console, Consumer<Progress> watcher) {
        Thread t = new Thread(() -> {
            try {
                result.complete(LoadRun.run(settings, new LoadRun.Listener() {
                    @Override
                    public void progress(Progress p) {
                        last = p;
                        console.progress(p);
                        watcher.accept(p);
                    }

                    @Override
                    public void note(String message) {
                        console.note(message);
                    }
                }, control));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "bench-scenario-load");
        t.setDaemon(true);
        t.start();
    }

    Progress last() {
        return last;
    }

    boolean finished() {
        return result.isDone();
    }

    /** Stops sending and waits for the answers in flight and the result. */
    RunResult stopAndGet(long timeoutMillis) throws Exception {
        control.requestStop();
        return get(timeoutMillis);
    }

    RunResult get(long timeoutMillis) throws Exception {
        try {
            return result.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        } catch (TimeoutException e) {
            throw new IllegalStateException("the load did not finish within " + timeoutMillis + " ms", e);
        }
    }
}
