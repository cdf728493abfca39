package org.hubdns.cluster.store;

/**
 * One value of a registry map as the cluster and the disk keep it: a version from the
 * {@link HybridClock}, whether it is a tombstone, and the JSON body. Tombstones stay, so that a
 * member coming back with an old data dir cannot resurrect what was deleted while it was away.
 */
public record Stored(long version, boolean deleted, String body) {

    /** The string kept in Hazelcast and in the local store; compared whole by compare-and-set. */
    public String encode() {
        return version + (deleted ? ":D:" : ":L:") + body;
    }

    public static Stored decode(String s) {
        if (s == null) {
            return null;
        }
        int colon = s.indexOf(':');
        if (colon < 1 || s.length() < colon + 3 || s.charAt(colon + 2) != ':') {
            throw new IllegalArgumentException("not a stored registry value: "
                    + s.substring(0, Math.min(40, s.length())));
        }
        long version = Long.parseLong(s, 0, colon, 10);
        return new Stored(version, s.charAt(colon + 1) == 'D', s.substring(colon + 3));
    }

    /** The ETag of this value (RFC 9110 8.8.3, a strong validator). */
    public String etag() {
        return "\"" + Long.toHexString(version) + "\"";
    }
}
