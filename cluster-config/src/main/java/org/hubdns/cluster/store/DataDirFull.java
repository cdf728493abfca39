package org.hubdns.cluster.store;

/**
 * A write refused before anything was written because this member's data dir is (nearly) full: the
 * write would reach the cluster but not this member's disk, which it must before it is acknowledged.
 */
public final class DataDirFull extends RuntimeException {
    public DataDirFull(String message) {
        super(message, null, false, false);
    }
}
