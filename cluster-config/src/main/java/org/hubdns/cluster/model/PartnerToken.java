package org.hubdns.cluster.model;

/**
 * One of a partner's bearer tokens: its id (shown in listings and the audit trail), the SHA-256 of
 * its value (the value itself is shown once, by the request that made it), and when it was made and
 * stops working (epoch milliseconds; null: unknown, for a token migrated from a single
 * {@code tokenSha256}, and never).
 */
public record PartnerToken(String id, String sha256, Long created, Long expiresAt) {

    public boolean expired(long nowMillis) {
        return expiresAt != null && nowMillis >= expiresAt;
    }
}
