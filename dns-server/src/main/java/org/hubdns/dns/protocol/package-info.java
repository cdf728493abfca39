/**
 * The per-packet pipeline ({@link org.hubdns.dns.protocol.QueryProcessor}): header and question
 * checks (FORMERR, NOTIMP, drop), EDNS(0) with BADVERS, ECS validation and echo, DNS cookies
 * (RFC 7873/9018), NSID ({@code --nsid}), lookup in the snapshot, truncation at RRset boundaries.
 * No locks, no blocking, no allocation for a static answer.
 */
package org.hubdns.dns.protocol;
