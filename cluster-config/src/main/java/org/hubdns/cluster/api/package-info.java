/**
 * The partner and operator HTTP API: sites, platforms, partners, cache nodes, zone uploads and
 * coverage zones. {@link org.hubdns.cluster.api.RegistryJson} reads request bodies into model objects
 * (every check a body alone allows) and renders responses; {@link org.hubdns.cluster.api.RegistryService}
 * takes and returns model objects and holds every rule that needs the registry or the cluster's
 * settings, then writes (it is also what {@code --demo} seeds through); {@link org.hubdns.cluster.api.RegistryApi}
 * and {@link org.hubdns.cluster.api.CoverageApi} map routes onto the two, running cluster calls on workers;
 * {@link org.hubdns.cluster.api.ReadOnlyFields} lets a PUT carry back the read-only fields a GET shows.
 * Tokens: one admin token per cluster ({@link org.hubdns.cluster.api.AdminTokens}, only its SHA-256
 * in the cluster) and one per partner, compared in constant time ({@link org.hubdns.cluster.api.Auth}).
 * Node addresses: one canonical form, no IANA special-purpose address unless inside the partner's
 * {@code allowSpecial} ({@link org.hubdns.cluster.model.SpecialAddresses}), inside its {@code prefixes}
 * when set, never another partner's nor twice on one platform, at most {@code maxNodes} per partner.
 * Limits: 1 MiB JSON bodies, 1 MiB zones (records and {@code $GENERATE} bounded by the DNS server's
 * parser), 128 MiB / 1 M entries for coverage-zone imports. Zone data and platform hostnames never
 * overlap ({@link org.hubdns.cluster.api.RegistryService#checkPlatformNames}).
 */
package org.hubdns.cluster.api;
