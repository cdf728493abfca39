/**
 * The per-packet pipeline ({@link org.hubdns.dns.protocol.QueryProcessor}): header and question
 * checks (FORMERR, NOTIMP, drop), EDNS(0) with BADVERS, ECS validation and echo, DNS cookies
 * (RFC 7873/9018, server cookies minted and validated), NSID ({@code --nsid}), lookup in the
 * snapshot, truncation at RRset boundaries, and, with {@code --rrl-rate}, each UDP response's class
 * handed to the loop's {@link org.hubdns.dns.rrl.RrlGate} (send, slip or drop).
 * No locks, no blocking, no allocation for a static answer.
 */
package org.hubdns.dns.protocol;
