/**
 * Counters of the query path: each {@link org.hubdns.dns.stats.QueryStats} belongs to one query
 * processor (one event loop) and is written without atomics; {@link org.hubdns.dns.stats.StatsRegistry}
 * sums them for the metrics endpoint ({@code hubdns_dns_queries_total},
 * {@code hubdns_dns_request_duration_seconds}, {@code hubdns_dns_dropped_total},
 * {@code hubdns_ecs_queries_total}) and the dashboard. Nothing to configure.
 */
package org.hubdns.dns.stats;
