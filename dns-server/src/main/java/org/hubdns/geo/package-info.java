/**
 * Client location from a MaxMind GeoIP2/GeoLite2 City database, for steering. The database is
 * validated when opened (so a bad upload or {@code --geoip} file is refused with a message an
 * operator can act on, rather than failing on the first query) and looked up without locks or
 * name resolution from the DNS event loops.
 */
package org.hubdns.geo;
