package org.hubdns.geo;

import org.hubdns.steering.GeoLocator;
import org.hubdns.steering.Located;

/**
 * Steering's view of one GeoIP database: each event loop keeps a direct-mapped cache of the
 * networks it has looked up (keyed by the address as the client gave it and its family), so a
 * busy network costs one lookup per database, not one per query, and a cache hit allocates
 * nothing. Made once per loaded database, shared by every snapshot built while it serves.
 */
public final class GeoIpLocator implements GeoLocator {
    private static final int SLOTS = 1 << 16; // per event loop: ~6 MB, room for the networks of a busy exchange

    private final GeoIpDatabase database;
    private final ThreadLocal<Cache> caches = ThreadLocal.withInitial(Cache::new);

    public GeoIpLocator(GeoIpDatabase database) {
        this.database = database;
    }

    public GeoIpDatabase database() {
        return database;
    }

    private static final class Cache {
        final long[] hi = new long[SLOTS];
        final long[] lo = new long[SLOTS];
        final byte[] state = new byte[SLOTS]; // 0 empty, 1 not in the database, 2 found
        final GeoRecord[] records = new GeoRecord[SLOTS];
        final GeoRecord scratch = new GeoRecord();
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
        Cache c = caches.get();
        int slot = (int) (mix(h ^ mix(l)) & (SLOTS - 1));
        GeoRecord r;
        if (c.state[slot] != 0 && c.hi[slot] == h && c.lo[slot] == l) {
            r = c.records[slot];
        } else {
            r = c.records[slot] == null ? new GeoRecord() : c.records[slot];
            boolean found = database.lookup(address, length, r);
            if (!found) {
                r.hasLocation = false;
            }
            c.records[slot] = r;
            c.hi[slot] = h;
            c.lo[slot] = l;
            c.state[slot] = (byte) (found ? 2 : 1);
        }
        out.prefixLength = r.prefixLength;
        if (!r.hasLocation) {
            return false;
        }
        out.source = Located.Source.GEOIP;
        out.hasCoordinates = true;
        out.latitude = r.latitude;
        out.longitude = r.longitude;
        out.country = r.countryIso;
        out.subdivision = r.subdivisionIso;
        out.city = r.city;
        return true;
    }

    private static long mix(long z) {
        z ^= z >>> 33;
        z *= 0xff51afd7ed558ccdL;
        z ^= z >>> 33;
        return z;
    }
}
