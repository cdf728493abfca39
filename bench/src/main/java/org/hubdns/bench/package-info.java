/**
 * The load generator (issue 7, not built yet): {@code hubdns-bench.jar}, closed- and open-loop
 * DNS load over UDP and TCP with ECS client spreading and HdrHistogram latency reports, bounded
 * by duration or count and limited to loopback targets unless told otherwise. Until then this
 * module is empty on purpose; measure with dnsperf and {@code ../shared/peer-bench}.
 */
package org.hubdns.bench;
