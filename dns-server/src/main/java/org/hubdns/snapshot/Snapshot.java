package org.hubdns.snapshot;

import java.util.Map;
import org.hubdns.dns.answer.ZoneTree;
import org.hubdns.dnssec.SignedZones;
import org.hubdns.steering.PlatformSteering;

/**
 * Everything the query path reads, immutable and published whole with one volatile write
 * ({@link SnapshotHolder}); rebuilt off the event loops whenever the registry changes. Later parts
 * (health, GeoIP) add their precomputed state here, never a live lookup.
 *
 * @param viewSequence the registry view it was built from (0: none yet)
 * @param platforms each platform's steering by name (what its hostnames answer; for explain)
 * @param signed the signed zones' DO=1 answers ({@link SignedZones#NONE} when none is signed)
 */
public record Snapshot(ZoneTree zones, long generation, long viewSequence,
        Map<String, PlatformSteering> platforms, SignedZones signed) {
    public static final Snapshot EMPTY = new Snapshot(ZoneTree.EMPTY, 0, 0, Map.of());

    public Snapshot(ZoneTree zones, long generation, long viewSequence, Map<String, PlatformSteering> platforms) {
        this(zones, generation, viewSequence, platforms, SignedZones.NONE);
    }
}
