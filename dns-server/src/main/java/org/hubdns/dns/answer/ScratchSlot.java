package org.hubdns.dns.answer;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A typed place for one answerer's per-event-loop working memory inside the loop's
 * {@link ClientSubnet}, so that answering allocates nothing after the loop's first query. Each slot
 * owns one index of the subnet's slot array and is the only writer of it, which is what makes the
 * stored object's type that of the slot. The answer package knows no answerer's type: steering
 * declares its own slot.
 *
 * @param <T> the working memory's type
 */
public final class ScratchSlot<T> {
    private static final AtomicInteger NEXT = new AtomicInteger();

    private final int index = NEXT.getAndIncrement();
    private final Supplier<? extends T> create;

    /** @param create makes the working memory, once per event loop (on its first query) */
    public ScratchSlot(Supplier<? extends T> create) {
        this.create = create;
    }

    /** This slot's working memory in {@code client}'s event loop, created on first use. */
    @SuppressWarnings("unchecked") // only this slot writes its index, and always a T
    public T in(ClientSubnet client) {
        Object[] slots = client.scratch;
        if (index >= slots.length) {
            slots = Arrays.copyOf(slots, index + 1);
            client.scratch = slots;
        }
        Object held = slots[index];
        if (held == null) {
            held = create.get();
            slots[index] = held;
        }
        return (T) held;
    }
}
