/**
 * Zone data in RFC 1035 master format, read with dnsjava and checked (one SOA at the apex, names
 * inside the zone, class IN, no CNAME beside other data, no DNAME). Errors name the file and,
 * where the parser knows it, the line. Configured by {@code --zones DIR} and {@code --demo}.
 */
package org.hubdns.dns.zone;
