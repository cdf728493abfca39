/**
 * cluster-config: the state every hubdns member shares, which is more than its name says. Every
 * member is a member of one embedded Hazelcast cluster and sees the same registry of zones,
 * platforms, sites, partners, cache nodes and datasets (coverage zones, the GeoIP database), kept
 * on each member's disk as well; the cluster also carries live state that is never persisted (the
 * health checker's verdicts, heartbeats and load reports, and what each member publishes about
 * itself). The data model is in {@code model}; the cluster, its persistence, the views and the
 * narrow types through which other modules use live state and membership are in {@code store},
 * the only package that sees Hazelcast; the coverage-zone table and its dataset codec are in
 * {@code coverage}; the coverage-feed seams in {@code feed}. It is one module so that dns-server
 * and health-checker share one cluster without either knowing how it is kept. Nothing here knows
 * DNS packets or HTTP: the API that writes the registry is {@code org.hubdns.api} in dns-server.
 */
package org.hubdns.cluster;
