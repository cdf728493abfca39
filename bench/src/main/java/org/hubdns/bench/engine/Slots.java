package org.hubdns.bench.engine;

/**
 * The queries one socket has in flight. The DNS ID names the slot: its low bits are the slot
 * index, its high bits a per-slot generation, so an answer that arrives after its slot was
 * reused (late, or forged) does not match. Free slots are taken in FIFO order, which keeps the
 * time before a slot is reused as long as possible. Queries time out in send order, so expiry
 * pops a ring of IDs from its head instead of scanning every slot.
 */
final class Slots {
    static final int FREE = -1;

    final int bits;
    final int mask;
    final int[] ids;
    final int[] gens;
    final int[] template;
    final int[] key;
    final long[] intended;
    final long[] sent;
    private final int[] free;
    private int freeHead;
    private int freeCount;
    private int[] order = new int[64];
    private int orderHead;
    private int orderSize;
    int outstanding;

    /** @param capacity rounded up to a power of two, at most 65536 */
    Slots(int capacity) {
        int c = Integer.highestOneBit(Math.max(2, Math.min(65536, capacity)) * 2 - 1);
        bits = Integer.numberOfTrailingZeros(c);
        mask = c - 1;
        ids = new int[c];
        gens = new int[c];
        template = new int[c];
        key = new int[c];
        intended = new long[c];
        sent = new long[c];
        free = new int[c];
        java.util.Arrays.fill(ids, FREE);
        for (int i = 0; i < c; i++) {
            free[i] = i;
            // a different starting generation per slot, so two runs do not reuse the same IDs in step
            gens[i] = (i * 0x9E37) & 0xffff;
        }
        freeCount = c;
    }

    int capacity() {
        return mask + 1;
    }

    boolean hasFree() {
        return freeCount > 0;
    }

    /** Takes a free slot and returns the DNS ID naming it; the caller fills in the slot's fields. */
    int take() {
        int slot = free[freeHead];
        freeHead = (freeHead + 1) & mask;
        freeCount--;
        int gen = ++gens[slot];
        int id = ((gen << bits) | slot) & 0xffff;
        ids[slot] = id;
        outstanding++;
        pushOrder(id);
        return id;
    }

    /** The slot holding {@code id} in flight, or -1. */
    int lookup(int id) {
        int slot = id & mask;
        return ids[slot] == id ? slot : -1;
    }

    void release(int slot) {
        ids[slot] = FREE;
        free[(freeHead + freeCount) & mask] = slot;
        freeCount++;
        outstanding--;
    }

    /**
     * The slot of the oldest query still in flight if it was sent before {@code deadline}, else -1.
     * Answered queries met on the way are dropped from the ring.
     */
    int oldestSentBefore(long deadline) {
        while (orderSize > 0) {
            int id = order[orderHead];
            int slot = id & mask;
            if (ids[slot] != id) {
                popOrder();
                continue;
            }
            return sent[slot] - deadline < 0 ? slot : -1;
        }
        return -1;
    }

    /** Drops answered queries from the head of the ring (keeps it short in a closed loop). */
    void trim() {
        while (orderSize > 0) {
            int id = order[orderHead];
            if (ids[id & mask] == id) {
                return;
            }
            popOrder();
        }
    }

    void popOrder() {
        orderHead = (orderHead + 1) & (order.length - 1);
        orderSize--;
    }

    private void pushOrder(int id) {
        if (orderSize == order.length) {
            int[] bigger = new int[order.length * 2];
            for (int i = 0; i < orderSize; i++) {
                bigger[i] = order[(orderHead + i) & (order.length - 1)];
            }
            order = bigger;
            orderHead = 0;
        }
        order[(orderHead + orderSize) & (order.length - 1)] = id;
        orderSize++;
    }
}
