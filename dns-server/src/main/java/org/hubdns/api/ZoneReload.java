package org.hubdns.api;

import io.vertx.core.Future;
import org.hubdns.snapshot.Snapshot;

/** {@code POST /v1/zones/reload}: re-reads this member's zone files and offers them to the cluster. */
@FunctionalInterface
public interface ZoneReload {
    /** Completes with the snapshot that serves the files, or fails (nothing changed) with why. */
    Future<Snapshot> reload();
}
