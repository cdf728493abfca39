package org.hubdns.geo;

import org.hubdns.steering.GeoLocator;
import org.hubdns.steering.Hashing;
import org.hubdns.steering.Located;

/**
 * Steering's view of one GeoIP database. Each event loop keeps a two-way set-associative cache of
 * the networks it has looked up (keyed by the address as the client gave it), in the per-thread
 * {@link Located} it is handed, so a busy network costs one database lookup per loop, not one per
 * query, and a hit allocates nothing. Made once per loaded database and shared by every snapshot
 * built while it serves; a new database starts new caches.
 */
public final class GeoIpLocator implements GeoLocator {
    private static final int SET_BITS = 17;
    private static final int SETS = 1 << SET_BITS; // x2 ways: 262k networks, about 5 MB per event loop

    private final GeoIpDatabase database;

    public GeoIpLocator(GeoIpDatabase database) {
        this.database = database;
    }

    public GeoIpDatabase database() {
        return database;
    }

    private static final class Cache {
        final GeoIpLocator owner;
        final long[] hi = new long[SETS * 2];
        final long[] lo = new long[SETS * 2];
        final GeoRecord[] records = new GeoRecord[SETS * 2];
        final boolean[] recent = new boolean[SETS]; // which way of the set was used last

        Cache(GeoIpLocator owner) {
            this.owner = owner;
        }
    }

    @Override
    public boolean locate(byte[] address, int length, Located out) {
        long h = 0;
        long l = 0;
        for (int i = 0; i < length; i++) {
            if (i < 8) {
                h = h << 8 | (address[i] & 0xff);
            } else {
                l = l << 8 | (address[i] & 0xff);
            }
        }
        h ^= (long) length << 59; // IPv4 and IPv6 keys never collide
        Cache c = out.geoCache instanceof Cache x && x.owner == this ? x : newCache(out);
        // the top bits of a full 64-bit mix: /24 keys end in zero bits, which low bits would keep
        int set = (int) (Hashing.mix(h ^ Hashing.mix(l) * 0x9E3779B97F4A7C15L) >>> (64 - SET_BITS));
        int a = set * 2;
        GeoRecord r;
        if (c.records[a] != null && c.hi[a] == h && c.lo[a] == l) {
            r = c.records[a];
            c.recent[set] = false;
        } else if (c.records[a + 1] != null && c.hi[a + 1] == h && c.lo[a + 1] == l) {
            r = c.records[a + 1];
            c.recent[set] = true;
        } else {
            int victim = c.recent[set] ? a : a + 1; // the way not used last
            c.recent[set] = victim == a + 1;
            r = c.records[victim] == null ? new GeoRecord() : c.records[victim];
            if (!database.lookup(address, length, r)) {
                r.hasLocation = false;
            }
            c.records[victim] = r;
            c.hi[victim] = h;
            c.lo[victim] = l;
        }
        out.prefixLength = r.prefixLength;
        if (!r.hasLocation && r.countryIso == null) {
            return false;
        }
        // Without a city the point is the country's centroid (GeoLite2 gives it a 1,000 km radius): a
        // guess that would pin the whole country's unknown networks on the site nearest the centroid.
        // The point stays in out for explain, but the source says it places the client only in its
        // country. A too-large radius is the platform's threshold, so steering judges that one.
        out.source = r.hasLocation && r.city != null ? Located.Source.GEOIP : Located.Source.GEOIP_COARSE;
        out.hasCoordinates = r.hasLocation;
        out.latitude = r.latitude;
        out.longitude = r.longitude;
        out.country = r.countryIso;
        out.subdivision = r.subdivisionIso;
        out.city = r.city;
        out.accuracyRadiusKm = r.accuracyRadiusKm;
        return true;
    }

    private Cache newCache(Located out) {
        Cache c = new Cache(this);
        out.geoCache = c;
        return c;
    }
}
