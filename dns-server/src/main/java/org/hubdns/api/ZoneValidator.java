package org.hubdns.api;

import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.hubdns.cluster.model.StoredZone;

/**
 * Checks master-format zone text before it enters the cluster, and says what a zone holds at a
 * name (the DNS server provides it: it owns the zone parser). Throws
 * {@link org.hubdns.api.ApiException} naming the line at fault.
 */
public interface ZoneValidator {
    /**
     * @param serialSeen told the SOA serial as soon as the parser reads it (the SOA comes first in
     *        most zones), so that a stale upload is refused before the rest is parsed; it may throw
     */
    CheckedZone validate(String apex, String text, String source, LongConsumer serialSeen);

    /** What a zone the cluster holds has at names (for platform hostnames). */
    ZoneNames names(StoredZone zone);

    /**
     * A zone that passed: as the cluster keeps it, its number of records and how many of each type,
     * and its names.
     */
    record CheckedZone(StoredZone zone, int records, Map<String, Integer> types, ZoneNames names) {
    }

    /** Looks up what a zone holds at one fully qualified name (with the trailing dot). */
    @FunctionalInterface
    interface ZoneNames {
        NameUse at(String fqdn);
    }

    /**
     * @param delegation the highest name at or above the one looked up, below the apex, that has NS
     *        records: the zone hands that part to other servers (null: none)
     * @param types the types of the records the name owns itself (empty for an empty non-terminal or
     *        a name only a wildcard covers)
     */
    record NameUse(String delegation, List<String> types) {
        public NameUse {
            types = List.copyOf(types);
        }

        public static final NameUse FREE = new NameUse(null, List.of());
    }
}
