package org.hubdns.cluster.store;

import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A cluster-wide map of live state (the health checker's verdicts, heartbeats and load reports):
 * not versioned, not persisted, either copy kept after a split, because its writers publish it
 * again. Keys are strings. The reading and blocking methods are network calls (never on an event
 * loop); the {@code Async} ones only start the write, so an event loop may call them.
 *
 * @param <V> the value type (a string or a number: what Hazelcast serializes without help)
 */
public interface LiveMap<V> {
    V get(String key);

    /** The values of those of {@code keys} that are present. */
    Map<String, V> getAll(Set<String> keys);

    Set<String> keys();

    void forEach(BiConsumer<String, V> action);

    /** Writes and waits for the write (and its backup). */
    void set(String key, V value);

    void setAsync(String key, V value);

    /** Removes and waits for the removal. */
    void delete(String key);

    void removeAsync(String key);

    /**
     * Calls {@code onChange} with every key written on any member (added, updated, merged after a
     * split), and with a null value for every key removed or evicted. Called on a cluster event
     * thread: hand the work on rather than block it.
     */
    Subscription listen(BiConsumer<String, V> onChange);
}
