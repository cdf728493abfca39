/**
 * Response rate limiting (RRL, as BIND's RRL, Knot's {@code mod-rrl} and NSD's ratelimit): UDP
 * responses counted per client network of the packet's source address (IPv4 /24 and IPv6 /56 by
 * default) and per {@link org.hubdns.dns.rrl.ResponseClass}, so that forged queries cannot turn
 * the server into a reflector. {@link org.hubdns.dns.rrl.ResponseRateLimiter} is the member's
 * limiter (settings, the shared lock-free {@code AccountTable}, totals and the once-a-minute WARN);
 * each event loop asks its own {@link org.hubdns.dns.rrl.RrlGate} whether to send, slip or drop.
 * Nothing here locks or allocates per query.
 */
package org.hubdns.dns.rrl;
