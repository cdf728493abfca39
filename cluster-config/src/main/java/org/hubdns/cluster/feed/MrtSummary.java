package org.hubdns.cluster.feed;

import java.util.Map;

/**
 * What {@link MrtReader#read} found in a dump.
 *
 * @param records MRT records read, skipped ones included
 * @param routesV4 IPv4 unicast paths passed to the sink (one per RIB entry)
 * @param routesV6 IPv6 unicast paths passed to the sink
 * @param peers distinct peers (session keys) with at least one route, over every peer index table
 * @param skipped records of other types or subtypes, not read
 * @param skippedKinds skipped records by kind, e.g. {@code "BGP4MP/4"} or {@code "TABLE_DUMP_V2/6"}
 * @param bytes bytes read (decompressed)
 */
public record MrtSummary(long records, long routesV4, long routesV6, int peers, long skipped,
        Map<String, Long> skippedKinds, long bytes) {
    public MrtSummary {
        skippedKinds = Map.copyOf(skippedKinds);
    }

    public long routes() {
        return routesV4 + routesV6;
    }
}
