package org.hubdns.cluster.store;

import com.hazelcast.internal.util.ConcurrencyUtil;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where Hazelcast runs the callbacks of asynchronous calls ({@code IMap.setAsync} and the like).
 * Its default is the common fork-join pool, but where that pool has a single thread (machines of
 * two cores or fewer) it starts a new thread for every callback: the health checker's beats alone
 * made four threads a second (242 a minute on an idle member). Here a cached pool takes that
 * place: like a thread per callback it never makes one callback wait for another (one may block),
 * and it reuses its threads, which end after a minute unused. Elsewhere the common pool stays.
 */
final class AsyncCallbacks {
    private static final AtomicInteger NUMBER = new AtomicInteger();
    /** Guarded by the class: tests start many members in one JVM. */
    private static boolean installed;

    private AsyncCallbacks() {
    }

    /** Makes Hazelcast's callbacks reuse threads, once per JVM, before the first member starts. */
    static synchronized void reuseThreads() {
        if (installed || ForkJoinPool.getCommonPoolParallelism() > 1) {
            return;
        }
        ConcurrencyUtil.setDefaultAsyncExecutor(new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "hubdns-cluster-callback-" + NUMBER.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }));
        installed = true;
    }
}
