package org.hubdns.dns;

import org.hubdns.dns.answer.ZoneTree;

/**
 * Everything the query path reads, immutable and published whole with one volatile write
 * ({@link SnapshotHolder}); rebuilt off the event loops whenever zone data changes. Later parts
 * (the registry, health, GeoIP) add their precomputed state here, never a live lookup.
 */
public record Snapshot(ZoneTree zones, long generation) {
    public static final Snapshot EMPTY = new Snapshot(ZoneTree.EMPTY, 0);
}
