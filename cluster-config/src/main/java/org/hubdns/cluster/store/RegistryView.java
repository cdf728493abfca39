package org.hubdns.cluster.store;

import java.util.Map;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.Partner;
import org.hubdns.cluster.model.Platform;
import org.hubdns.cluster.model.Site;
import org.hubdns.cluster.model.StoredZone;

/**
 * An immutable copy of the whole registry as this member last saw it (tombstones left out), rebuilt
 * from entry events off the event loops. The DNS snapshot is made from it; the API lists from it.
 *
 * @param sequence increases with every rebuild on this member
 * @param datasets decoded large values by name (e.g. {@code coverage})
 */
public record RegistryView(long sequence, Map<String, StoredZone> zones, Map<String, Site> sites,
        Map<String, Platform> platforms, Map<String, Partner> partners, Map<String, CacheNode> nodes,
        Map<String, String> secrets, Map<String, DatasetMeta> datasetMetas,
        Map<String, Object> datasets, int members, long builtAtMillis) {

    public static final RegistryView EMPTY = new RegistryView(0, Map.of(), Map.of(), Map.of(), Map.of(), Map.of(),
            Map.of(), Map.of(), Map.of(), 0, 0);

    public <T> T dataset(String name, Class<T> type, T absent) {
        Object v = datasets.get(name);
        return type.isInstance(v) ? type.cast(v) : absent;
    }
}
