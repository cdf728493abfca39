/**
 * The registry's data model as records: zones, platforms, sites, partners, cache nodes and their
 * health/load state. Stored in the cluster as JSON ({@link org.hubdns.cluster.store.Json}).
 */
package org.hubdns.cluster.model;
