/**
 * Client location from a MaxMind GeoIP2/GeoLite2 City database, for steering. The database is
 * validated when opened (so a bad upload or {@code --geoip} file is refused with a message an
 * operator can act on, rather than failing on the first query) and looked up without locks or
 * name resolution from the DNS event loops. A record without a city (the country centroid GeoLite2
 * gives networks it cannot place) is reported as {@code geoip_coarse}: the client is in that country,
 * not at that point; the accuracy radius goes with every record so that steering can apply the
 * platform's limit. Each event loop caches what it looked up ({@link org.hubdns.geo.GeoIpLocator}:
 * eight-way sets of networks naming deduplicated places, whose fields the DNS path reads from one
 * 32-byte record of a per-loop table), so a busy or recurring network costs one database lookup per
 * loop. {@link org.hubdns.geo.GeoIpDataset} is the database as
 * cluster data: its dataset name, decoder, {@code --geoip} seeding and the member info saying which
 * database each member serves; the HTTP routes are in the API layer.
 */
package org.hubdns.geo;
