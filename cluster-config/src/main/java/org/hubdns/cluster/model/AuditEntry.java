package org.hubdns.cluster.model;

/**
 * One accepted change to the registry, as the audit trail keeps it.
 *
 * @param id sortable in time order ({@code a-<microseconds, hex>-<member>}); a page's {@code before}
 * @param time when the member accepted it (ISO 8601, UTC)
 * @param member the cluster address of the member that accepted it
 * @param actor {@code admin} (the cluster's admin token), an operator token's id, or a partner's name
 * @param partner the partner that made the change (null when an operator did)
 * @param tokenId the id of the token used (null for the cluster's admin token)
 * @param client the client's IP address as the member saw it
 * @param kind the registry map changed ({@code partners}, {@code nodes}, {@code operator-tokens}...)
 * @param change {@code create}, {@code update} or {@code delete}
 * @param versionBefore the replaced value's version (null when there was none); its ETag is its hex
 * @param versionAfter the version written (a tombstone's for a delete)
 */
public record AuditEntry(String id, String time, String member, String actor, String partner, String tokenId,
        String client, String method, String path, String kind, String key, String change, Long versionBefore,
        long versionAfter) {

    /** The same entry under the id and time the audit trail gives it. */
    public AuditEntry stamped(String id, String time, String member) {
        return new AuditEntry(id, time, member, actor, partner, tokenId, client, method, path, kind, key, change,
                versionBefore, versionAfter);
    }
}
