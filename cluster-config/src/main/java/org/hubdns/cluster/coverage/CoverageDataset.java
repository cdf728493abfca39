package org.hubdns.cluster.coverage;

import org.hubdns.cluster.store.DatasetFile;
import org.hubdns.cluster.store.RegistryView;

/**
 * The coverage set as a cluster dataset: its name, how its stored bytes decode (given to the
 * registry at start-up) and how a view's current set is read. The HTTP API writes it, the
 * snapshot builder and the registry service read it; neither owns it.
 */
public final class CoverageDataset {
    /** The dataset's name in the registry (chunked, replicated to every member). */
    public static final String NAME = "coverage";

    private CoverageDataset() {
    }

    /** Decodes the stored bytes; the registry calls it once per new version, off the query path. */
    public static Object decode(DatasetFile file) {
        return CoverageSet.decode(file.bytes());
    }

    /** The view's coverage set, empty when none was uploaded. */
    public static CoverageSet current(RegistryView v) {
        return v.dataset(NAME, CoverageSet.class, CoverageSet.EMPTY);
    }
}
