/**
 * The cluster (issue 4, not built yet): an embedded Hazelcast cluster of hubdns members holding
 * the shared registry (zones, platforms, sites, partners, cache nodes, coverage zones, GeoIP
 * data) as records, persisted so that it survives any member; the partner and operator API
 * routes; and {@code RegistryView}, the immutable copy of the registry that each member keeps
 * current from entry events and that dns-server compiles into its query snapshot.
 *
 * <p>Configured by {@code --cluster-port} and {@code --members} once implemented. Until then this
 * module is empty on purpose: nothing here pretends to work.
 */
package org.hubdns.cluster;
