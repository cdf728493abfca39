/**
 * The query snapshot: {@link org.hubdns.snapshot.Snapshot} holds everything the query path reads,
 * immutable; {@link org.hubdns.snapshot.SnapshotHolder} publishes a new one with a single volatile
 * write; {@link org.hubdns.snapshot.SnapshotBuilder} turns each registry view (and each health
 * change) into the next snapshot, off the event loops: zones parsed and compiled, one steering per
 * platform, the coverage set, the coverage feeds' placement (a {@code Supplier<FeedPlacement>} given to
 * the builder, read at every build) and the GeoIP locator they share.
 */
package org.hubdns.snapshot;
