/**
 * This member's HTTP API: {@link org.hubdns.api.HttpApi} is the one router (health, zones, reload,
 * metrics, the OpenAPI document, problem+json for unknown paths and methods) and mounts the other
 * handlers ({@link org.hubdns.api.Routes}): {@link org.hubdns.api.ExplainApi},
 * {@link org.hubdns.api.DashboardApi}, {@link org.hubdns.api.GeoIpApi},
 * {@link org.hubdns.api.NodeHealthApi}, then the registry's routes.
 *
 * <p>No handler sees the server: each is given, by its constructor, exactly what it reads (the
 * snapshot, the registry and the health checker as suppliers, since both exist only once the member
 * has joined; {@link org.hubdns.api.MemberStatus}; {@link org.hubdns.api.ZoneReload}).
 *
 * <p>The partner/operator registry routes ({@code RegistryApi}, {@code CoverageApi}, {@code Auth},
 * {@code RegistryJson}) and the shared error and field helpers ({@code org.hubdns.http}) stay in the
 * cluster-config module beside {@code RegistryService}, which throws the same {@code ApiException}s;
 * they are mounted here through {@code RegistryApi}.
 */
package org.hubdns.api;
