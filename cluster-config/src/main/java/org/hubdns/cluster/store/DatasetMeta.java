package org.hubdns.cluster.store;

import java.util.Map;

/**
 * A large value kept in chunks (the coverage zones, the GeoIP database): which upload it is,
 * how many chunks, its size and SHA-256, and a few facts to show (entry count, build date).
 */
public record DatasetMeta(String name, long upload, int chunks, long bytes, String sha256, Map<String, Object> info) {
    public DatasetMeta {
        info = info == null ? Map.of() : Map.copyOf(info);
    }

    String chunkKey(int i) {
        return name + "/" + upload + "/" + i;
    }
}
