package org.hubdns.steering;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A count that the event loops add to with no atomic instruction: every thread that counts has a
 * stripe of its own, a cell on a cache line of its own that only it writes (plain opaque stores),
 * and a reader sums the cells. A steered answer adds to three counters; with {@code LongAdder}s each
 * addition was a compare-and-swap on a line the two loops shared until the adder grew cells, then on
 * a cell found through the thread's probe. Threads beyond {@link #STRIPES} (test JVMs start many
 * servers) share one last cell, added to atomically.
 */
final class LoopCounter {
    /** Stripes with a cell of their own: more than the threads one server counts on (its event loops). */
    static final int STRIPES = 32;
    /** Longs per cell: 64 bytes, so two threads' cells never share a cache line. */
    private static final int PAD = 8;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final ThreadLocal<Integer> STRIPE = ThreadLocal.withInitial(
            () -> Math.min(NEXT.getAndIncrement(), STRIPES));

    private final long[] cells = new long[(STRIPES + 1) * PAD];

    /**
     * The calling thread's stripe, for a per-thread scratch to keep (a ThreadLocal read, so never per
     * query). Only this thread may then count with it.
     */
    static int stripeOfThisThread() {
        return STRIPE.get();
    }

    /** Adds one from the thread whose {@link #stripeOfThisThread()} {@code stripe} is. */
    void increment(int stripe) {
        int at = stripe * PAD;
        if (stripe < STRIPES) {
            LONGS.setOpaque(cells, at, (long) LONGS.getOpaque(cells, at) + 1);
        } else {
            LONGS.getAndAdd(cells, at, 1L);
        }
    }

    /** The count so far: every cell as last written (a cell being added to may read one behind). */
    long sum() {
        long n = 0;
        for (int i = 0; i < cells.length; i += PAD) {
            n += (long) LONGS.getOpaque(cells, i);
        }
        return n;
    }
}
