package org.hubdns.geo;

import org.hubdns.steering.CountryCode;
import org.hubdns.steering.GeoLocator;
import org.hubdns.steering.Hashing;
import org.hubdns.steering.Located;

/**
 * Steering's view of one GeoIP database. Each event loop keeps an eight-way set-associative cache of
 * the networks it has looked up (keyed by the address as the client gave it), in the per-thread
 * {@link Located} it is handed, so a busy network costs one database lookup per loop, not one per
 * query, and a hit allocates nothing. Entries name deduplicated places, and what the DNS path reads
 * of a place (point, accuracy radius, country, whether it has a point and a city) is one 32-byte
 * record of a per-loop {@code long[]} indexed by the place's id: a hit reads the cache set's line and
 * that record, never an object. The subdivision and city are read from the place's object only when
 * explain asks for names. Made once per loaded database and shared by every snapshot built while it
 * serves; a new database starts new caches.
 */
public final class GeoIpLocator implements GeoLocator {
    private static final int SET_BITS = 15;
    private static final int WAYS = 8;
    private static final int SETS = 1 << SET_BITS; // x8 ways: 262k networks of each family, about 7 MB per event loop

    private final GeoIpDatabase database;

    public GeoIpLocator(GeoIpDatabase database) {
        this.database = database;
    }

    public GeoIpDatabase database() {
        return database;
    }

    /**
     * What a database record says that steering or explain reads, by value: networks of one city share
     * one instance and one id. Read on a miss (to dedupe) and for explain's names; the DNS path reads
     * the place's record in {@link Cache#table} instead.
     */
    private record Place(boolean hasLocation, double latitude, double longitude, String country,
            String subdivision, String city, int accuracyRadiusKm) {
    }

    /**
     * Longs per place in {@link Cache#table}: latitude bits, longitude bits, {@link #packed}, the
     * point's unit vector's x, y and z bits ({@link Located#vector}: ordering sites by distance then
     * needs no trigonometry per query), two unused.
     */
    private static final int STRIDE = 8;
    /**
     * The first place's index in {@link Cache#table}: 64 bytes from the array's start (after its
     * 16-byte header), so the 64-byte records are each one cache line when the array starts at a
     * line boundary (Java promises only 8 bytes: otherwise each record spans two adjacent lines).
     */
    private static final int FIRST = 6;
    private static final long HAS_LOCATION = 1L << 62;
    private static final long HAS_CITY = 1L << 61;
    /** Distinct country codes one loop keeps (a City database has about 250); the slot field holds 2^16 - 1. */
    private static final int MAX_COUNTRIES = 0xFFFF;

    /**
     * A place's third long: the accuracy radius (an int, -1 when absent) in bits 0-31, the country's
     * slot in the loop's interned codes + 1 (0: none) in bits 32-47, its {@link CountryCode} + 1 in
     * bits 48-58, and the {@link #HAS_LOCATION} and {@link #HAS_CITY} flags.
     */
    private static long packed(Place p, int countrySlot) {
        return p.accuracyRadiusKm() & 0xFFFFFFFFL
                | (long) (countrySlot + 1) << 32
                | (long) (CountryCode.of(p.country()) + 1) << 48
                | (p.hasLocation() ? HAS_LOCATION : 0)
                | (p.city() != null ? HAS_CITY : 0);
    }

    /**
     * One event loop's cache: eight ways per set, so 50,000 random client networks fit without
     * conflicts (with two ways, 6 % of them shared a set with two others and, taken in turn, evicted
     * each other on every query: a database lookup of several microseconds each time; with four,
     * 1 %). A probe reads the set's eight adjacent keys (a cache line) and, on a match, the entry at
     * the same place; the entry is {@code place id + 1 << 8 | prefix length} (0: empty) and names a
     * deduplicated place, whose record in {@link #table} is the second and last line a hit reads.
     */
    private static final class Cache {
        final GeoIpLocator owner;
        /** IPv4 ways: the address in the high half, the entry (0: empty) in the low half. */
        final long[] v4 = new long[SETS * WAYS];
        /** IPv6 ways: the high and low eight bytes of the address, and the entry. */
        final long[] keys = new long[SETS * WAYS];
        final long[] lows = new long[SETS * WAYS];
        final int[] entries = new int[SETS * WAYS];
        /** By place id from {@link #FIRST}, {@link #STRIDE} longs each: what the DNS path reads of a place. */
        long[] table = new long[FIRST + 4096 * STRIDE];
        /** By place id: the place as an object, for explain's names and to dedupe a miss's record. */
        final java.util.ArrayList<Place> places = new java.util.ArrayList<>();
        final java.util.HashMap<Place, Integer> ids = new java.util.HashMap<>();
        /** By slot: the interned country codes this loop has seen, which {@link #packed} words point at. */
        String[] countries = new String[256];
        final java.util.HashMap<String, Integer> countrySlots = new java.util.HashMap<>();
        final GeoRecord scratch = new GeoRecord();
        /** Picks the way a miss replaces in a full set: in turn, so no two networks always evict each other. */
        int victim;

        Cache(GeoIpLocator owner) {
            this.owner = owner;
        }

        /**
         * An IPv4 network's entry. Its ways hold the address and the entry in one long each, so a
         * probe and its answer are one cache line: random client networks miss the CPU caches, and
         * each line read is a memory access.
         */
        int entry4(byte[] address, GeoIpDatabase database) {
            int key = (address[0] & 0xff) << 24 | (address[1] & 0xff) << 16 | (address[2] & 0xff) << 8
                    | address[3] & 0xff;
            int base = set(key & 0xFFFFFFFFL, 0) * WAYS;
            for (int w = base; w < base + WAYS; w++) {
                long e = v4[w];
                if ((int) (e >>> 32) == key && (int) e != 0) {
                    return (int) e;
                }
            }
            int entry = miss(address, 4, database);
            int way = -1;
            for (int w = base; w < base + WAYS && way < 0; w++) {
                if ((int) v4[w] == 0) {
                    way = w;
                }
            }
            if (way < 0) {
                way = base + (victim++ & (WAYS - 1));
            }
            v4[way] = (long) key << 32 | entry & 0xFFFFFFFFL;
            return entry;
        }

        /** An IPv6 network's entry (and any other length). */
        int entry(byte[] address, int length, GeoIpDatabase database) {
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
            int base = set(h, l) * WAYS;
            for (int w = base; w < base + WAYS; w++) {
                if (keys[w] == h && entries[w] != 0 && lows[w] == l) {
                    return entries[w];
                }
            }
            int entry = miss(address, length, database);
            int way = -1;
            for (int w = base; w < base + WAYS && way < 0; w++) {
                if (entries[w] == 0) {
                    way = w;
                }
            }
            if (way < 0) {
                way = base + (victim++ & (WAYS - 1));
            }
            keys[way] = h;
            lows[way] = l;
            entries[way] = entry;
            return entry;
        }

        /** The top bits of a full 64-bit mix: /24 keys end in zero bits, which low bits would keep. */
        private static int set(long h, long l) {
            return (int) (Hashing.mix(h ^ Hashing.mix(l) * 0x9E3779B97F4A7C15L) >>> (64 - SET_BITS));
        }

        /** A database lookup; {@code place id + 1 << 8 | prefix length}. */
        private int miss(byte[] address, int length, GeoIpDatabase database) {
            GeoRecord r = scratch;
            if (!database.lookup(address, length, r)) {
                r.hasLocation = false;
            }
            return (place(r) + 1) << 8 | r.prefixLength;
        }

        /** The id of {@code r}'s place, adding it on first sight (only on a miss: the database was read anyway). */
        int place(GeoRecord r) {
            // one instance per country code: steering compares codes, but still hashes the String for a
            // client placed only in a country (its country's one ranking), and one copy stays hot
            String country = r.countryIso == null ? null : r.countryIso.intern();
            Place p = new Place(r.hasLocation, r.latitude, r.longitude, country, r.subdivisionIso, r.city,
                    r.accuracyRadiusKm);
            Integer id = ids.get(p);
            if (id == null) {
                if (places.size() >= MAX_PLACES || country != null && !countrySlots.containsKey(country)
                        && countrySlots.size() >= MAX_COUNTRIES) {
                    // more distinct places (or countries) than any City database has: start over rather than grow
                    java.util.Arrays.fill(entries, 0);
                    java.util.Arrays.fill(v4, 0);
                    places.clear();
                    ids.clear();
                    countrySlots.clear();
                }
                id = places.size();
                places.add(p);
                ids.put(p, id);
                int at = FIRST + id * STRIDE;
                if (at + STRIDE > table.length) {
                    table = java.util.Arrays.copyOf(table, FIRST + 2 * (table.length - FIRST));
                }
                table[at] = Double.doubleToRawLongBits(p.latitude());
                table[at + 1] = Double.doubleToRawLongBits(p.longitude());
                table[at + 2] = packed(p, country == null ? -1 : countrySlot(country));
                table[at + 3] = Double.doubleToRawLongBits(Located.unitX(p.latitude(), p.longitude()));
                table[at + 4] = Double.doubleToRawLongBits(Located.unitY(p.latitude(), p.longitude()));
                table[at + 5] = Double.doubleToRawLongBits(Located.unitZ(p.latitude()));
            }
            return id;
        }

        private int countrySlot(String country) {
            Integer slot = countrySlots.get(country);
            if (slot == null) {
                slot = countrySlots.size();
                if (slot == countries.length) {
                    countries = java.util.Arrays.copyOf(countries, slot * 2);
                }
                countries[slot] = country;
                countrySlots.put(country, slot);
            }
            return slot;
        }
    }

    /** Distinct places one loop keeps (GeoLite2-City has about 130,000 locations); an entry's id field holds 2^23. */
    private static final int MAX_PLACES = 1 << 22;

    @Override
    public boolean locate(byte[] address, int length, Located out) {
        return locate(address, length, out, true);
    }

    @Override
    public boolean locate(byte[] address, int length, Located out, boolean names) {
        Cache c = out.geoCache instanceof Cache x && x.owner == this ? x : newCache(out);
        int entry = length == 4 ? c.entry4(address, database) : c.entry(address, length, database);
        int id = (entry >>> 8) - 1;
        out.prefixLength = entry & 0xFF;
        long[] table = c.table;
        int at = FIRST + id * STRIDE;
        long word = table[at + 2];
        boolean hasLocation = (word & HAS_LOCATION) != 0;
        int countrySlot = (int) (word >>> 32 & 0xFFFF) - 1;
        if (!hasLocation && countrySlot < 0) {
            return false;
        }
        // Without a city the point is the country's centroid (GeoLite2 gives it a 1,000 km radius): a
        // guess that would pin the whole country's unknown networks on the site nearest the centroid.
        // The point stays in out for explain, but the source says it places the client only in its
        // country. A too-large radius is the platform's threshold, so steering judges that one.
        out.source = hasLocation && (word & HAS_CITY) != 0 ? Located.Source.GEOIP : Located.Source.GEOIP_COARSE;
        out.hasCoordinates = hasLocation;
        out.latitude = Double.longBitsToDouble(table[at]);
        out.longitude = Double.longBitsToDouble(table[at + 1]);
        out.vector(Double.longBitsToDouble(table[at + 3]), Double.longBitsToDouble(table[at + 4]),
                Double.longBitsToDouble(table[at + 5]));
        out.country = countrySlot < 0 ? null : c.countries[countrySlot];
        out.countryCode = (int) (word >>> 48 & 0x7FF) - 1;
        out.accuracyRadiusKm = (int) word;
        if (names) { // explain: the place's object, one more memory access the DNS path does without
            Place p = c.places.get(id);
            out.subdivision = p.subdivision();
            out.city = p.city();
        } else {
            out.subdivision = null;
            out.city = null;
        }
        return true;
    }

    private Cache newCache(Located out) {
        Cache c = new Cache(this);
        out.geoCache = c;
        return c;
    }
}
