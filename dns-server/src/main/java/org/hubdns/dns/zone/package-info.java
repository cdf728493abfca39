/**
 * Zone data in RFC 1035 master format, read with dnsjava and checked (one SOA at the apex, names
 * inside the zone, class IN, no CNAME beside other data, no DNAME). Errors name the file and,
 * where the parser knows it, the line. {@link org.hubdns.dns.zone.Directives} bounds what the text
 * may make the parser do, before it runs: 100,000 records per zone, 65,536 per {@code $GENERATE},
 * {@code $INCLUDE} only from inside the zones directory (and never in uploaded text). Configured
 * by {@code --zones DIR} and {@code --demo}: {@link org.hubdns.dns.zone.ZoneSources} reads this
 * member's zone files and the built-in demo zone (at start-up and on reload).
 */
package org.hubdns.dns.zone;
