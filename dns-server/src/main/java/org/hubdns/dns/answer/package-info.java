/**
 * Compiles zones into a {@link org.hubdns.dns.answer.ZoneTree}: a hash table of lower-cased wire
 * names whose nodes carry pre-encoded answers per qtype (CNAME chains, wildcards, referrals with
 * glue, NXDOMAIN/NODATA with the negative SOA, ANY as one RRset). Answers whose bytes depend on the
 * query name's length are rendered once per length on first use. {@link
 * org.hubdns.dns.answer.DynamicAnswers} is the seam for per-query answers (steering).
 */
package org.hubdns.dns.answer;
