package org.hubdns.api;

/**
 * Token buckets for many clients in fixed memory (the idea of {@code dns.rrl.AccountTable}, for the
 * HTTP API): {@code size} slots of 24 bytes, a client's bucket in one of {@link #WAYS} slots after
 * its key's hash. A new client takes an empty slot or the fullest of the four (the quietest: it
 * would have started full anyway), so a flood of new addresses or made-up tokens forgets quiet
 * clients, never a busy one, and the table never grows.
 *
 * <p>A bucket holds up to {@code burst} requests and refills at {@code rate} per second; each request
 * costs one, and a request that finds less than one is refused (and costs nothing: a client that
 * stops is served again as soon as its bucket refills, which is what {@code Retry-After} says).
 * One lock per table: the API serves hundreds of requests a second, not millions, and DNS never
 * comes here.
 */
final class RateTable {
    static final int WAYS = 4;
    private static final long NANOS = 1_000_000_000L;

    private final long[] keys;
    private final double[] balance;
    private final long[] stamp;
    private final int mask;
    private final double perNano;
    private final double burst;

    /** @param rate per second, more than 0 */
    RateTable(int size, int rate, int burst) {
        int n = Integer.highestOneBit(Math.max(size, WAYS));
        if (n < size) {
            n <<= 1;
        }
        keys = new long[n];
        balance = new double[n];
        stamp = new long[n];
        mask = n - 1;
        perNano = rate / (double) NANOS;
        this.burst = burst;
    }

    int capacity() {
        return mask + 1;
    }

    /**
     * Takes one request from {@code key}'s bucket at {@code nowNanos}.
     *
     * @return 0 when it is within the limit, otherwise the nanoseconds until it would be
     */
    synchronized long take(long key, long nowNanos) {
        int i = slot(key, nowNanos);
        double b = refilled(i, nowNanos);
        stamp[i] = Math.max(stamp[i], nowNanos);
        if (b >= 1) {
            balance[i] = b - 1;
            return 0;
        }
        balance[i] = b;
        return Math.max(1, (long) Math.ceil((1 - b) / perNano));
    }

    /** Gives back a request taken by {@link #take} (when it turned out to count elsewhere). */
    synchronized void refund(long key) {
        long k = key == 0 ? 1 : key;
        for (int w = 0; w < WAYS; w++) {
            int i = ((int) k + w) & mask;
            if (keys[i] == k) {
                balance[i] = Math.min(burst, balance[i] + 1);
                return;
            }
        }
    }

    /** Slots used by a client seen within the time a bucket takes to refill from empty. */
    synchronized int entries(long nowNanos) {
        long full = (long) (burst / perNano);
        int used = 0;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != 0 && nowNanos - stamp[i] < full) {
                used++;
            }
        }
        return used;
    }

    private int slot(long key, long now) {
        long k = key == 0 ? 1 : key;
        int start = (int) k;
        int victim = -1;
        double fullest = -1;
        for (int w = 0; w < WAYS; w++) {
            int i = (start + w) & mask;
            if (keys[i] == k) {
                return i;
            }
            double b = keys[i] == 0 ? Double.MAX_VALUE : refilled(i, now);
            if (b > fullest) {
                fullest = b;
                victim = i;
            }
        }
        keys[victim] = k;
        balance[victim] = burst;
        stamp[victim] = now;
        return victim;
    }

    /** The bucket's balance at {@code now}, without changing it. */
    private double refilled(int i, long now) {
        return Math.min(burst, balance[i] + Math.max(0, now - stamp[i]) * perNano);
    }
}
