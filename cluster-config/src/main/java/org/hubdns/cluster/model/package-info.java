/**
 * The registry's data model as records: zones, platforms, sites, partners, cache nodes and their
 * health/load state ({@link org.hubdns.cluster.model.Health}, written as {@code up}, {@code down},
 * {@code unknown}). Stored in the cluster as JSON ({@link org.hubdns.cluster.store.Json}); fields
 * added later read as null from older records and take their defaults. {@link
 * org.hubdns.cluster.model.SpecialAddresses} is the IANA special-purpose address registry as a table.
 */
package org.hubdns.cluster.model;
