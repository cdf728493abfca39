/**
 * The query snapshot: {@link org.hubdns.snapshot.Snapshot} holds everything the query path reads,
 * immutable; {@link org.hubdns.snapshot.SnapshotHolder} publishes a new one with a single volatile
 * write; {@link org.hubdns.snapshot.SnapshotBuilder} turns each registry view (and each health
 * change) into the next snapshot, off the event loops: zones parsed and compiled, one steering per
 * platform, the coverage set and GeoIP locator they share.
 */
package org.hubdns.snapshot;
