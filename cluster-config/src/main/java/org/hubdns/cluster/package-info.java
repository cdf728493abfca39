/**
 * cluster-config: every hubdns member is a member of one embedded Hazelcast cluster and sees the
 * same registry of zones, platforms, sites, partners, cache nodes and coverage zones. The data model
 * is in {@code model}, the cluster, persistence and views in {@code store}, the compact coverage-zone
 * table in {@code coverage}, the HTTP API in {@code api}. Nothing here knows DNS packets.
 */
package org.hubdns.cluster;
