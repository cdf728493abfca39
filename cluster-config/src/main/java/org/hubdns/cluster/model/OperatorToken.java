package org.hubdns.cluster.model;

/**
 * A named operator token besides the cluster's admin token: its role ({@code admin} or
 * {@code read-only}), the SHA-256 of its value (shown once), and when it was made and stops working
 * (epoch milliseconds; {@code expiresAt} null: never). Stored in its own map, keyed by {@code id}.
 */
public record OperatorToken(String id, String name, String role, String sha256, long created, Long expiresAt) {
    public static final String ADMIN = "admin";
    public static final String READ_ONLY = "read-only";

    public boolean expired(long nowMillis) {
        return expiresAt != null && nowMillis >= expiresAt;
    }
}
