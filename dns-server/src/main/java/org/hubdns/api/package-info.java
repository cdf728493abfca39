/**
 * The HTTP API, all of it: every route a member serves is mounted here, on one Vert.x router.
 *
 * <p>{@link org.hubdns.api.HttpApi} is that router: the member's own routes (health, zones, reload,
 * metrics, the OpenAPI document; problem+json for unknown paths and methods), then the other
 * handlers ({@link org.hubdns.api.Routes}): {@link org.hubdns.api.ExplainApi},
 * {@link org.hubdns.api.DashboardApi}, {@link org.hubdns.api.GeoIpApi},
 * {@link org.hubdns.api.NodeHealthApi}, {@link org.hubdns.api.TokenApi} (partner and operator tokens),
 * {@link org.hubdns.api.AuditApi} ({@code GET /v1/audit}), then {@link org.hubdns.api.RegistryApi} (sites, platforms,
 * partners, cache nodes, zone uploads) with {@link org.hubdns.api.CoverageApi} (coverage zones).
 * No handler sees the server: each is given, by its constructor, exactly what it reads (the
 * snapshot, the registry and the health checker as suppliers, since the last two exist only once
 * the member has joined; {@link org.hubdns.api.MemberStatus}; {@link org.hubdns.api.ZoneReload}).
 *
 * <p>Requests and replies: {@link org.hubdns.api.RegistryJson} reads request bodies into model
 * objects (every check a body alone allows) and renders responses; {@link org.hubdns.api.Fields}
 * reads JSON fields strictly; {@link org.hubdns.api.ReadOnlyFields} lets a PUT carry back the
 * read-only fields a GET shows; errors are {@link org.hubdns.api.ApiException}, sent as
 * problem+json by {@link org.hubdns.api.Problem}.
 *
 * <p>Behind the routes: {@link org.hubdns.api.RegistryService} takes and returns model objects and
 * holds every rule that needs the registry or the cluster's settings, then writes (it is also what
 * {@code --demo} seeds through); {@link org.hubdns.api.ZoneUploads} checks uploaded zones with the
 * DNS parser through the {@link org.hubdns.api.ZoneValidator} seam. Tokens: one admin token per
 * cluster ({@link org.hubdns.api.AdminTokens}, only its SHA-256 in the cluster), named operator
 * tokens with a role ({@code admin}, {@code read-only}) and several per partner, compared in
 * constant time and confirmed with the cluster's copy ({@link org.hubdns.api.Auth}, which gives a
 * {@link org.hubdns.api.Caller}: {@code Admin}, {@code OperatorCaller} or {@code PartnerCaller};
 * it refuses a read-only operator's writes, for every route, and every 401 names its
 * {@link org.hubdns.api.AuthFailure}). Every registry write a request makes is recorded in the audit
 * trail by {@link org.hubdns.api.Audit}, which {@code RegistryApi.run} (and, for streamed uploads,
 * {@code RegistryApi.audited}) wraps around the route's work. Node addresses: one canonical form, no
 * IANA special-purpose address unless inside the partner's {@code allowSpecial}
 * ({@link org.hubdns.cluster.model.SpecialAddresses}), inside its {@code prefixes} when set, never
 * another partner's nor twice on one platform, at most {@code maxNodes} per partner. Limits: 1 MiB
 * JSON bodies, 1 MiB zones (records and {@code $GENERATE} bounded by the parser), 128 MiB / 1 M
 * entries for coverage-zone imports, 200 MiB GeoIP databases (streamed to a temporary file by
 * {@link org.hubdns.api.UploadFile}, as table dumps are). Zone data and platform hostnames
 * never overlap ({@link org.hubdns.api.RegistryService#checkPlatformNames}).
 *
 * <p>Per client: {@link org.hubdns.api.ApiLimiter}, the router's first handler, limits reads and
 * writes per client address and per token, and failed authentications per address (checked only
 * once a request has failed to authenticate, from {@link org.hubdns.api.RegistryApi#fail}, so a
 * valid token is never refused for them); it also holds the large-upload slots. Its settings are
 * {@link org.hubdns.api.ApiLimits} ({@code --api-*}), its memory {@link org.hubdns.api.RateTable}.
 *
 * <p>Why in dns-server: these classes were split over cluster-config ({@code cluster.api},
 * {@code http}) and dns-server; nothing else uses them (health-checker and bench do not), and one
 * package shows the whole API in one place. cluster-config keeps the data, the cluster and the
 * coverage set, and no longer depends on Vert.x.
 */
package org.hubdns.api;
