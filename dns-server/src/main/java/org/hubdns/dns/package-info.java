/**
 * The query snapshot: {@link org.hubdns.dns.Snapshot} holds everything the query path reads,
 * immutable, and {@link org.hubdns.dns.SnapshotHolder} publishes a new one with a single volatile
 * write. Sub-packages: {@code zone} (reading master files), {@code answer} (compiling zones into
 * pre-encoded answers; the dynamic-answer seam), {@code protocol} (the per-packet pipeline),
 * {@code transport} (UDP and TCP listeners).
 */
package org.hubdns.dns;
