package org.hubdns.geo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.LongAdder;
import com.maxmind.db.CHMCache;
import com.maxmind.db.DatabaseRecord;
import com.maxmind.db.DeserializationException;
import com.maxmind.db.Metadata;
import com.maxmind.db.Reader;

/**
 * A GeoIP2/GeoLite2 City database, read with maxmind-db's {@link Reader} directly rather than
 * geoip2's DatabaseReader: decoding only the fields steering needs into small records keeps a
 * lookup to a few short-lived objects, and leaves geoip2's Jackson models (whose Jackson version
 * the Vert.x BOM overrides in this build) off the query path.
 */
public final class GeoIpDatabase implements AutoCloseable {
    /**
     * Decoded records kept by the reader. CHMCache never evicts (it stops adding when full), so
     * this bounds memory (a few hundred bytes per entry) while still holding every distinct record
     * a national user base maps to; the long tail is decoded on each lookup.
     */
    private static final int CACHE_ENTRIES = 32_768;

    private final Reader reader;
    private final String databaseType;
    private final long buildEpochSeconds;
    private final int ipVersion;
    private final long nodeCount;
    private final String sha256;
    private final LongAdder lookupErrors = new LongAdder();

    private GeoIpDatabase(Reader reader, String databaseType, long buildEpochSeconds, String sha256) {
        this.reader = reader;
        this.databaseType = databaseType;
        this.buildEpochSeconds = buildEpochSeconds;
        this.ipVersion = reader.getMetadata().ipVersion();
        this.nodeCount = reader.getMetadata().nodeCount();
        this.sha256 = sha256;
    }

    /**
     * Maps the file rather than reading it: 30-65 MB stays in the page cache, shared with other
     * processes, instead of the heap. Replace the file by renaming a new one over it, never by
     * rewriting it in place: a mapped file truncated underneath the JVM crashes it (SIGBUS).
     */
    public static GeoIpDatabase open(Path file) throws InvalidGeoIpException {
        String source = file.toString();
        byte[] head = new byte[2];
        long size;
        String sha;
        try (InputStream in = Files.newInputStream(file)) {
            // The first bytes are read only to recognise a still-compressed download in the error message.
            MessageDigest digest = sha256Digest();
            byte[] buf = new byte[1 << 16];
            size = 0;
            for (int n; (n = in.read(buf)) > 0; size += n) {
                if (size == 0 && n >= 2) {
                    System.arraycopy(buf, 0, head, 0, 2);
                }
                digest.update(buf, 0, n);
            }
            sha = HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new InvalidGeoIpException("cannot read the GeoIP database " + source + " (" + e
                    + "); check the path given to --geoip and that hubdns may read it", e);
        }
        Reader reader;
        try {
            reader = new Reader(file.toFile(), Reader.FileMode.MEMORY_MAPPED, new CHMCache(CACHE_ENTRIES));
        } catch (IOException | RuntimeException e) {
            throw notMaxMind(source, head, e);
        }
        return validated(reader, source, size, sha);
    }

    /** Reads an upload from memory, so that it can be validated before anything is stored or replaced. */
    public static GeoIpDatabase open(byte[] bytes) throws InvalidGeoIpException {
        String source = "the uploaded file (" + bytes.length + " bytes)";
        String sha = HexFormat.of().formatHex(sha256Digest().digest(bytes));
        Reader reader;
        try {
            reader = new Reader(new ByteArrayInputStream(bytes), new CHMCache(CACHE_ENTRIES));
        } catch (IOException | RuntimeException e) {
            throw notMaxMind(source, bytes, e);
        }
        return validated(reader, source, bytes.length, sha);
    }

    private static GeoIpDatabase validated(Reader reader, String source, long size, String sha)
            throws InvalidGeoIpException {
        try {
            Metadata m = reader.getMetadata();
            String type = m.databaseType();
            if (type == null || !type.contains("City")) {
                throw new InvalidGeoIpException(source + " is a " + (type == null ? "untyped" : type)
                        + " database; hubdns needs a GeoIP2/GeoLite2 City database (GeoIP2-City.mmdb or"
                        + " GeoLite2-City.mmdb), which has the coordinates steering uses");
            }
            BigInteger epoch = m.buildEpoch();
            if (epoch == null || epoch.signum() < 0 || epoch.bitLength() > 63) {
                throw damaged(source, "its build_epoch is " + epoch, null);
            }
            // The reader only finds out that the tree is cut short when a lookup walks off its end;
            // a download cut off before the metadata is caught above, this catches the rest.
            long treeBytes = m.nodeCount() * m.recordSize() / 4;
            if (treeBytes + 16 > size) {
                throw damaged(source, "its search tree needs " + treeBytes + " bytes but the file has " + size, null);
            }
            GeoIpDatabase db = new GeoIpDatabase(reader, type, epoch.longValue(), sha);
            db.probe(source);
            return db;
        } catch (InvalidGeoIpException e) {
            closeQuietly(reader);
            throw e;
        } catch (RuntimeException e) {
            closeQuietly(reader);
            throw damaged(source, e.toString(), e);
        }
    }

    /**
     * Looks up addresses spread over the whole IPv4 space and a few IPv6 ones, decoding whatever
     * they hit, so a database whose tree or data section is broken is refused at open (or upload)
     * time instead of failing queries later.
     */
    private void probe(String source) throws InvalidGeoIpException {
        byte[] v4 = new byte[4];
        byte[] v6 = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        try {
            for (int i = 0; i < 256; i++) {
                v4[0] = (byte) i;
                v4[1] = (byte) (i * 37);
                v4[2] = (byte) (i * 91);
                v4[3] = 1;
                reader.getRecord(InetAddress.getByAddress(v4), CityData.Record.class);
                if (ipVersion == 6 && (i & 15) == 0) {
                    v6[0] = (byte) (0x20 + (i >> 4));
                    v6[2] = (byte) i;
                    reader.getRecord(InetAddress.getByAddress(v6), CityData.Record.class);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw damaged(source, "a test lookup failed: " + e, e);
        }
    }

    /**
     * Fills {@code out} with what the database says about the first {@code length} (4 or 16) bytes
     * of {@code address}. Safe from any number of threads. Returns false when the address is in no
     * network with data; {@code out.prefixLength} is then still the size of the empty network, which
     * is a valid ECS scope for "no location". A damaged record, or a lookup racing with
     * {@link #close()} while a new database is swapped in, also answers false (and the former is
     * counted in {@link #lookupErrors()}) rather than failing the query.
     */
    public boolean lookup(byte[] address, int length, GeoRecord out) {
        out.clear();
        if (length != 4 && length != 16) {
            throw new IllegalArgumentException("address length must be 4 or 16, not " + length);
        }
        InetAddress ip;
        try {
            // getByAddress never consults a resolver; it fails only on a bad length, checked above.
            ip = InetAddress.getByAddress(address.length == length ? address : Arrays.copyOf(address, length));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        // Java turns ::ffff:a.b.c.d into an IPv4 address, so the IPv4 data answers it; the prefix
        // is put back into 128-bit terms below because the client asked in IPv6.
        boolean mapped = length == 16 && ip instanceof Inet4Address;
        if (length == 16 && !mapped && ipVersion == 4) {
            return false;
        }
        DatabaseRecord<CityData.Record> rec;
        try {
            rec = reader.getRecord(ip, CityData.Record.class);
        } catch (DeserializationException e) {
            lookupErrors.increment();
            return false;
        } catch (IOException e) {
            if (!(e instanceof com.maxmind.db.ClosedDatabaseException)) {
                lookupErrors.increment();
            }
            return false;
        }
        int prefix = rec.network().prefixLength();
        // maxmind-db 4.1 already counts an IPv4 prefix from the ::/96 node; this keeps the result in
        // IPv4 terms should a reader version count the 96 leading bits too.
        if (ip instanceof Inet4Address && prefix > 32) {
            prefix -= 96;
        }
        if (mapped) {
            prefix += 96;
        }
        out.prefixLength = Math.max(0, prefix);
        CityData.Record d = rec.data();
        if (d == null) {
            return false;
        }
        CityData.Location loc = d.location();
        if (loc != null && loc.latitude() != null && loc.longitude() != null) {
            out.hasLocation = true;
            out.latitude = loc.latitude();
            out.longitude = loc.longitude();
        }
        if (loc != null && loc.accuracyRadius() != null) {
            out.accuracyRadiusKm = loc.accuracyRadius();
        }
        if (d.country() != null) {
            out.countryIso = d.country().isoCode();
        }
        if (d.subdivisions() != null && !d.subdivisions().isEmpty() && d.subdivisions().get(0) != null) {
            out.subdivisionIso = d.subdivisions().get(0).isoCode();
        }
        if (d.city() != null && d.city().names() != null) {
            out.city = d.city().names().en();
        }
        return true;
    }

    public String databaseType() {
        return databaseType;
    }

    public long buildEpochSeconds() {
        return buildEpochSeconds;
    }

    /** The build time as ISO-8601 in UTC, e.g. {@code 2026-09-18T12:00:00Z}. */
    public String buildDate() {
        return Instant.ofEpochSecond(buildEpochSeconds).toString();
    }

    public int ipVersion() {
        return ipVersion;
    }

    public long nodeCount() {
        return nodeCount;
    }

    /** Hex SHA-256 of the whole file, so members and operators can tell which database is loaded. */
    public String sha256() {
        return sha256;
    }

    /** Lookups that hit a damaged record since open. */
    public long lookupErrors() {
        return lookupErrors.sum();
    }

    @Override
    public void close() {
        closeQuietly(reader);
    }

    private static InvalidGeoIpException notMaxMind(String source, byte[] head, Exception e) {
        boolean gzip = head.length >= 2 && head[0] == 0x1f && head[1] == (byte) 0x8b;
        String advice = gzip
                ? "it is gzip-compressed (a .gz or .tar.gz download): unpack it and use the .mmdb file inside"
                : "use a GeoIP2/GeoLite2 City .mmdb file";
        return new InvalidGeoIpException("not a MaxMind DB file: " + source + " (" + e.getMessage() + "); " + advice, e);
    }

    private static InvalidGeoIpException damaged(String source, String what, Throwable cause) {
        return new InvalidGeoIpException(source + " is a damaged or incomplete MaxMind DB (" + what
                + "); download the database again", cause);
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static void closeQuietly(Reader reader) {
        try {
            reader.close();
        } catch (IOException e) {
            // Nothing to release beyond the buffer, which the garbage collector frees either way.
        }
    }
}
