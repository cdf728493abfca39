package org.hubdns.cluster.store;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;

/** {@link LiveMap} over one Hazelcast IMap configured as live state ({@link MemberConfig}). */
final class HazelcastLiveMap<V> implements LiveMap<V> {
    private final IMap<String, V> map;

    HazelcastLiveMap(IMap<String, V> map) {
        this.map = map;
    }

    @Override
    public V get(String key) {
        return map.get(key);
    }

    @Override
    public Map<String, V> getAll(Set<String> keys) {
        return map.getAll(keys);
    }

    @Override
    public Set<String> keys() {
        return map.keySet();
    }

    @Override
    public void forEach(BiConsumer<String, V> action) {
        map.forEach(action);
    }

    @Override
    public void set(String key, V value) {
        map.set(key, value);
    }

    @Override
    public void setAsync(String key, V value) {
        map.setAsync(key, value);
    }

    @Override
    public void delete(String key) {
        map.delete(key);
    }

    @Override
    public void removeAsync(String key) {
        map.removeAsync(key);
    }

    @Override
    public Subscription listen(BiConsumer<String, V> onChange) {
        UUID id = map.addEntryListener(new Events<>(onChange), true);
        return () -> {
            try {
                map.removeEntryListener(id);
            } catch (RuntimeException leaving) {
                // the member has left: its listeners are gone with it
            }
        };
    }

    private static final class Events<V> implements EntryAddedListener<String, V>, EntryUpdatedListener<String, V>,
            EntryRemovedListener<String, V>, EntryEvictedListener<String, V>, EntryMergedListener<String, V> {
        private final BiConsumer<String, V> on;

        Events(BiConsumer<String, V> on) {
            this.on = on;
        }

        @Override
        public void entryAdded(EntryEvent<String, V> e) {
            on.accept(e.getKey(), e.getValue());
        }

        @Override
        public void entryUpdated(EntryEvent<String, V> e) {
            on.accept(e.getKey(), e.getValue());
        }

        @Override
        public void entryMerged(EntryEvent<String, V> e) {
            on.accept(e.getKey(), e.getValue());
        }

        @Override
        public void entryRemoved(EntryEvent<String, V> e) {
            on.accept(e.getKey(), null);
        }

        @Override
        public void entryEvicted(EntryEvent<String, V> e) {
            on.accept(e.getKey(), null);
        }
    }
}
