package org.hubdns.dns.rrl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The accounts of every (client network, response class[, name]) on this member, shared by all
 * event loops: a fixed array, no lock, no allocation. One table rather than one per loop because
 * SO_REUSEPORT spreads a network's packets over the loops by 4-tuple (a forged flood with random
 * source ports lands on all of them), so per-loop tables would let through up to loops x rate, and
 * dividing the rate by the loop count would instead halve it for a resolver whose one port lands
 * on one loop. A CAS per response costs little; the same account is hot on two cores only during
 * a flood from one network.
 *
 * <p><b>Accounting: a token bucket with debt.</b> An account holds a balance in thousandths of a
 * response: it refills at {@code rate} per second up to {@code burst}, and every response costs
 * one. A response that finds less than one is limited, and it still costs, down to a floor of
 * {@code window x rate} of debt. So a network that keeps flooding stays limited as long as it
 * floods (BIND's behaviour: its flood, not a share of it, is what is limited), and one that stops
 * is in credit again within {@code --rrl-window} seconds, which is what the window promises.
 *
 * <p><b>Bounded memory.</b> {@code size} slots, each a 64-bit key (a hash of the account; 0 is
 * empty) and a 64-bit state (32-bit time in ms since the limiter started, 32-bit balance). An
 * account lives in one of {@link #WAYS} slots after its hash; a new one takes an empty slot or the
 * one of the four with the highest balance after refill, the quietest: an account in debt (a
 * flooder) is the last to be forgotten, and a forgotten quiet one would have started full anyway.
 *
 * <p>Races between loops are benign by construction: a key CAS lost to another loop lets that one
 * response through, and a response charged between another loop's key CAS and its state write
 * lands on the new account; either costs at most the racing responses, never correctness of the
 * limit over time.
 */
final class AccountTable {
    /** Slots an account may live in: four of 16 bytes, one cache line when aligned. */
    static final int WAYS = 4;
    /** One response, in balance units. */
    static final long COST = 1000;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);
    /** A stored time further than this behind "now" is from before the 32-bit clock wrapped: long idle. */
    private static final int WRAPPED = -60_000;

    private final long[] slots;
    private final int mask;
    /** Units refilled per millisecond: rate per second x 1000 units / 1000 ms. */
    private final long refillPerMs;
    private final long cap;
    private final long floor;

    AccountTable(int size, int rate, int burst, int windowSeconds) {
        int n = Integer.highestOneBit(Math.max(size, WAYS));
        if (n < size) {
            n <<= 1;
        }
        slots = new long[2 * n];
        mask = n - 1;
        refillPerMs = rate;
        cap = burst * COST;
        // one response's worth above -window x rate: back in credit after exactly the window
        floor = Math.max(COST - (long) rate * windowSeconds * COST, Integer.MIN_VALUE + COST);
    }

    int capacity() {
        return mask + 1;
    }

    /**
     * Charges one response to {@code key} at {@code nowMs}.
     *
     * @return whether it is within the limit
     */
    boolean charge(long key, int nowMs) {
        long k = key == 0 ? 1 : key;
        int start = (int) k;
        for (int w = 0; w < WAYS; w++) {
            int i = ((start + w) & mask) << 1;
            if ((long) SLOTS.getOpaque(slots, i) == k) {
                return debit(i + 1, nowMs);
            }
        }
        int victim = -1;
        long victimKey = 0;
        long best = Long.MIN_VALUE;
        for (int w = 0; w < WAYS; w++) {
            int i = ((start + w) & mask) << 1;
            long held = (long) SLOTS.getOpaque(slots, i);
            if (held == 0) {
                victim = i;
                victimKey = 0;
                break;
            }
            long balance = refilled((long) SLOTS.getOpaque(slots, i + 1), nowMs);
            if (balance > best) {
                best = balance;
                victim = i;
                victimKey = held;
            }
        }
        if (SLOTS.compareAndSet(slots, victim, victimKey, k)) {
            SLOTS.setRelease(slots, victim + 1, state(nowMs, cap - COST));
        }
        return true; // a new account starts full, and a burst is at least one response
    }

    private boolean debit(int at, int nowMs) {
        while (true) {
            long s = (long) SLOTS.getAcquire(slots, at);
            long balance = refilled(s, nowMs) - COST;
            boolean within = balance >= 0;
            if (balance < floor) {
                balance = floor;
            }
            int then = (int) (s >>> 32);
            int time = nowMs - then > 0 ? nowMs : then;
            if (SLOTS.compareAndSet(slots, at, s, state(time, balance))) {
                return within;
            }
        }
    }

    private long refilled(long state, int nowMs) {
        long elapsed = nowMs - (int) (state >>> 32);
        if (elapsed < WRAPPED) {
            return cap;
        }
        if (elapsed < 0) {
            elapsed = 0; // another loop stored a slightly later time
        }
        return Math.min(cap, (int) state + elapsed * refillPerMs);
    }

    private static long state(int timeMs, long balance) {
        return ((long) timeMs << 32) | (balance & 0xFFFF_FFFFL);
    }

    /** Accounts used within {@code windowMs} before {@code nowMs} (a scan: for the metrics, not the query path). */
    int active(int nowMs, int windowMs) {
        int n = 0;
        for (int i = 0; i < slots.length; i += 2) {
            if ((long) SLOTS.getOpaque(slots, i) != 0) {
                long age = nowMs - (int) ((long) SLOTS.getOpaque(slots, i + 1) >>> 32);
                if (age >= WRAPPED && age <= windowMs) {
                    n++;
                }
            }
        }
        return n;
    }
}
