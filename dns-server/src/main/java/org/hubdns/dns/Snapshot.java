package org.hubdns.dns;

import org.hubdns.dns.answer.ZoneTree;

/**
 * Everything the query path reads, immutable and published whole with one volatile write
 * ({@link SnapshotHolder}); rebuilt off the event loops whenever the registry changes. Later parts
 * (health, GeoIP) add their precomputed state here, never a live lookup.
 *
 * @param viewSequence the registry view it was built from (0: none yet)
 */
public record Snapshot(ZoneTree zones, long generation, long viewSequence) {
    public static final Snapshot EMPTY = new Snapshot(ZoneTree.EMPTY, 0, 0);
}
