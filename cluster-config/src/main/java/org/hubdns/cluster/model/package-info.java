/**
 * The registry's data model as records: zones, platforms, sites, partners, cache nodes and their
 * health/load state ({@link org.hubdns.cluster.model.Health}, written as {@code up}, {@code down},
 * {@code unknown}). Stored in the cluster as JSON ({@link org.hubdns.cluster.store.Json}); fields
 * added later read as null from older records and take their defaults. {@link
 * org.hubdns.cluster.model.SpecialAddresses} is the IANA special-purpose address registry as a table.
 * Tokens: a partner's ({@link org.hubdns.cluster.model.PartnerToken}, inside its {@code Partner}, so
 * that replacing them all is one write; a partner stored with the older single {@code tokenSha256}
 * reads it as one more token) and named operator tokens ({@link org.hubdns.cluster.model.OperatorToken}).
 * {@link org.hubdns.cluster.model.AuditEntry} is one entry of the audit trail.
 */
package org.hubdns.cluster.model;
