/**
 * Steering: what a platform hostname answers. {@link org.hubdns.steering.PlatformSteering}, built per
 * platform from each registry view into the snapshot, locates the client ({@link
 * org.hubdns.steering.Locator}: coverage zones, then GeoIP through {@link org.hubdns.steering.GeoLocator}),
 * orders the sites (coverage site, distance with the client's country first, or the platform's
 * default), applies spillover, and picks nodes by weighted rendezvous hashing on the client network;
 * it also computes the ECS scope. The query path reads prepared arrays only (per-loop scratch, no
 * allocation); {@code GET /v1/explain} runs the same method with a {@link org.hubdns.steering.Trace}.
 * Why each node is (not) a candidate is a typed {@link org.hubdns.steering.Candidacy}, made when the
 * snapshot is built and put into words only for explain, the dashboard and logs. Configured by the
 * platform's settings (defaultSite, answerUnknown, spillAt, affinityPrefixV4/V6); answers and
 * fallbacks are counted in {@link org.hubdns.steering.SteeringCounters}.
 */
package org.hubdns.steering;
