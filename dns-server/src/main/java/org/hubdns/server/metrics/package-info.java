/**
 * Metrics of a member: {@code GET /metrics} in the Prometheus text format (Micrometer's JVM,
 * process and Vert.x metrics, plus every {@code hubdns_*} family, read at scrape time from counters
 * the member keeps: see {@link org.hubdns.server.metrics.HubDnsCollector}, and the rate limiter's
 * {@code hubdns_rrl_*} in {@code RrlCollector}), and the dashboard's live
 * traffic ({@link org.hubdns.server.metrics.Traffic}). Nothing to configure; readable without a token.
 */
package org.hubdns.server.metrics;
