/**
 * Steering: what a platform hostname answers. {@link org.hubdns.steering.PlatformSteering}, built per
 * platform from each registry view into the snapshot by {@link org.hubdns.steering.PlatformSteeringBuilder},
 * locates the client ({@link org.hubdns.steering.Locator}, in the order of evidence: coverage zones,
 * then coverage feeds (a {@link org.hubdns.cluster.feed.FeedPlacement}), then GeoIP through {@link
 * org.hubdns.steering.GeoLocator}; a GeoIP record without a city or with a radius above the platform's
 * geoipMaxRadiusKm places the client only in its country), sends a client placed in a country the
 * platform does not serve to its fallback, orders the sites (coverage site; a feed's announcing sites
 * in order; distance with the client's country first; or the platform's default), applies spillover,
 * and picks nodes by weighted rendezvous hashing on the client network; it also computes the ECS
 * scope. The query path reads prepared arrays only (per-loop scratch in a {@link
 * org.hubdns.dns.answer.ScratchSlot}, no allocation; countries compared as {@link
 * org.hubdns.steering.CountryCode} ints); {@code GET /v1/explain} runs the same method with
 * a {@link org.hubdns.steering.Trace}. Why each node is (not) a candidate is a typed {@link
 * org.hubdns.steering.Candidacy}, made when the snapshot is built and put into words only for
 * explain, the dashboard and logs. Configured by the platform's settings (defaultSite, answerUnknown,
 * spillAt, affinityPrefixV4/V6, geoipMaxRadiusKm, serveCountries, answerUnlocated); answers,
 * fallbacks, placement methods and client classes ({@link org.hubdns.steering.ClientClass}) are
 * counted in {@link org.hubdns.steering.SteeringCounters}.
 */
package org.hubdns.steering;
