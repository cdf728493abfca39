/**
 * cluster-config: every hubdns member is a member of one embedded Hazelcast cluster and sees the
 * same registry of zones, platforms, sites, partners, cache nodes and coverage zones. The data model
 * is in {@code model}, the cluster, persistence and views in {@code store}, the compact coverage-zone
 * table and its dataset codec in {@code coverage}. Nothing here knows DNS packets or HTTP: the API
 * that writes the registry is {@code org.hubdns.api} in the dns-server module.
 */
package org.hubdns.cluster;
