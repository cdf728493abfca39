/**
 * The query log: off by default; {@code --query-log FILE|stdout} with {@code --query-log-sample RATE}
 * writes one JSON line per sampled query (time, client, transport, ECS, qname, qtype, rcode, answer,
 * site, scope, duration) from a thread of its own, dropping (and counting, as
 * {@code hubdns_query_log_dropped_total}) what it cannot keep up with.
 */
package org.hubdns.server.querylog;
