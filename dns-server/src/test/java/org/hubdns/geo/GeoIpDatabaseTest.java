package org.hubdns.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeoIpDatabaseTest {
    private static final long EPOCH = 1_789_732_800L;

    @TempDir
    Path dir;

    private static byte[] fixture() {
        return new MmdbWriter()
                .buildEpoch(EPOCH)
                .add("182.185.0.0/16", 24.86, 67.01, "PK", "SD", "Karachi")
                .add("182.185.1.0/24", 31.55, 74.34, "PK", "PB", "Lahore")
                .add("39.40.0.0/15", 33.69, 73.05, "PK", "IS", null)
                .add("2400:adc0::/32", 33.72, 73.06, "PK", null, "Islamabad")
                .build();
    }

    private static GeoRecord lookup(GeoIpDatabase db, String literal, boolean expectFound) throws Exception {
        GeoRecord r = new GeoRecord();
        byte[] a = InetAddress.getByName(literal).getAddress();
        assertThat(db.lookup(a, a.length, r)).as(literal).isEqualTo(expectFound);
        return r;
    }

    @Test
    void nestedNetworksGiveTheMostSpecificRecordAndPrefixInTheQueryFamily() throws Exception {
        try (GeoIpDatabase db = GeoIpDatabase.open(fixture())) {
            GeoRecord khi = lookup(db, "182.185.7.7", true);
            assertThat(khi.hasLocation).isTrue();
            assertThat(khi.latitude).isEqualTo(24.86);
            assertThat(khi.longitude).isEqualTo(67.01);
            assertThat(khi.countryIso).isEqualTo("PK");
            assertThat(khi.subdivisionIso).isEqualTo("SD");
            assertThat(khi.city).isEqualTo("Karachi");
            // The /24 splits the /16 in the tree, so the leaf holding .7.7 is 182.185.4.0/22: the
            // database's own answer, and the right ECS scope.
            assertThat(khi.prefixLength).isEqualTo(22);
            assertThat(lookup(db, "182.185.200.1", true).prefixLength).isEqualTo(17);
            assertThat(lookup(db, "182.185.0.1", true).prefixLength).isEqualTo(24);

            GeoRecord lhe = lookup(db, "182.185.1.200", true);
            assertThat(lhe.city).isEqualTo("Lahore");
            assertThat(lhe.subdivisionIso).isEqualTo("PB");
            assertThat(lhe.latitude).isEqualTo(31.55);
            assertThat(lhe.prefixLength).isEqualTo(24);

            GeoRecord isb = lookup(db, "39.41.255.1", true);
            assertThat(isb.city).isNull();
            assertThat(isb.subdivisionIso).isEqualTo("IS");
            assertThat(isb.prefixLength).isEqualTo(15);

            GeoRecord v6 = lookup(db, "2400:adc0:1234::1", true);
            assertThat(v6.city).isEqualTo("Islamabad");
            assertThat(v6.subdivisionIso).isNull();
            assertThat(v6.countryIso).isEqualTo("PK");
            assertThat(v6.prefixLength).isEqualTo(32);
        }
    }

    /** What {@link GeoIpLocator} must put in a {@link org.hubdns.steering.Located} for a database record. */
    private static String expected(boolean found, GeoRecord r) {
        boolean placed = found && (r.hasLocation || r.countryIso != null);
        return "/" + r.prefixLength + (placed ? " " + (r.hasLocation && r.city != null ? "GEOIP" : "GEOIP_COARSE") + " "
                + r.hasLocation + " " + r.latitude + "," + r.longitude + " " + r.countryIso + "/" + r.subdivisionIso
                + " " + r.city + " ~" + r.accuracyRadiusKm : "");
    }

    private static String actual(boolean placed, org.hubdns.steering.Located l) {
        return "/" + l.prefixLength + (placed ? " " + l.source + " " + l.hasCoordinates + " " + l.latitude + ","
                + l.longitude + " " + l.country + "/" + l.subdivision + " " + l.city + " ~" + l.accuracyRadiusKm : "");
    }

    @Test
    void theLocatorsCacheAnswersWhatTheDatabaseSaysOnMissAndOnHitFor50000Networks() throws Exception {
        try (GeoIpDatabase db = GeoIpDatabase.open(fixture())) {
            GeoIpLocator locator = new GeoIpLocator(db);
            org.hubdns.steering.Located where = new org.hubdns.steering.Located();
            Random random = new Random(19);
            byte[][] addresses = new byte[50_000][];
            for (int i = 0; i < addresses.length; i++) {
                byte[] a = new byte[i % 5 == 4 ? 16 : 4];
                random.nextBytes(a);
                switch (i % 5) { // most in the fixture's networks, the rest anywhere
                    case 0 -> { a[0] = (byte) 182; a[1] = (byte) 185; }
                    case 1 -> { a[0] = 39; a[1] = (byte) (40 + (i & 1)); }
                    case 4 -> { a[0] = 0x24; a[1] = 0x00; a[2] = (byte) 0xad; a[3] = (byte) 0xc0; }
                    default -> { }
                }
                a[3 % a.length] = a.length == 4 ? 0 : a[3]; // /24s, as resolvers send them
                addresses[i] = a;
            }
            for (int pass = 0; pass < 2; pass++) { // the first pass fills the cache, the second reads it
                for (byte[] a : addresses) {
                    GeoRecord r = new GeoRecord();
                    boolean found = db.lookup(a, a.length, r);
                    boolean placed = locator.locate(a, a.length, where);
                    assertThat(actual(placed, where)).as("pass %d, %s", pass, InetAddress.getByAddress(a))
                            .isEqualTo(expected(found, r));
                }
            }
        }
    }

    @Test
    void ipv4MappedIpv6IsAnsweredFromTheIpv4DataWithAnIpv6Prefix() throws Exception {
        try (GeoIpDatabase db = GeoIpDatabase.open(fixture())) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(new byte[] {(byte) 182, (byte) 185, 1, 9}, 0, mapped, 12, 4);
            GeoRecord r = new GeoRecord();
            assertThat(db.lookup(mapped, 16, r)).isTrue();
            assertThat(r.city).isEqualTo("Lahore");
            assertThat(r.prefixLength).isEqualTo(120);
        }
    }

    @Test
    void onlyTheGivenLengthOfALargerBufferIsUsedAndTheRecordIsReset() throws Exception {
        try (GeoIpDatabase db = GeoIpDatabase.open(fixture())) {
            GeoRecord r = new GeoRecord();
            byte[] buf = Arrays.copyOf(new byte[] {(byte) 182, (byte) 185, 1, 1}, 64);
            Arrays.fill(buf, 4, 64, (byte) 0x5a);
            assertThat(db.lookup(buf, 4, r)).isTrue();
            assertThat(r.city).isEqualTo("Lahore");
            assertThat(db.lookup(new byte[] {10, 0, 0, 1}, 4, r)).isFalse();
            assertThat(r.city).isNull();
            assertThat(r.hasLocation).isFalse();
        }
    }

    @Test
    void addressesOutsideEveryNetworkAreNotFound() throws Exception {
        try (GeoIpDatabase db = GeoIpDatabase.open(fixture())) {
            GeoRecord v4 = lookup(db, "8.8.8.8", false);
            assertThat(v4.countryIso).isNull();
            assertThat(v4.prefixLength).isBetween(0, 32);
            lookup(db, "182.186.0.1", false);
            lookup(db, "2001:db8::1", false);
            assertThat(lookup(db, "2400:adc1::1", false).prefixLength).isBetween(0, 128);
        }
    }

    @Test
    void metadataComesFromTheFile() throws Exception {
        try (GeoIpDatabase db = GeoIpDatabase.open(fixture())) {
            assertThat(db.databaseType()).isEqualTo("GeoLite2-City");
            assertThat(db.buildEpochSeconds()).isEqualTo(EPOCH);
            assertThat(db.buildDate()).isEqualTo("2026-09-18T12:00:00Z");
            assertThat(db.ipVersion()).isEqualTo(6);
            assertThat(db.nodeCount()).isGreaterThan(96);
            assertThat(db.sha256()).hasSize(64).matches("[0-9a-f]+");
        }
    }

    @Test
    void aBuildEpochBeyondSignedRangeIsStillReadAsUnsigned() throws Exception {
        // 2^31 and above would go negative if read as a signed 32-bit value.
        try (GeoIpDatabase db = GeoIpDatabase.open(new MmdbWriter().buildEpoch(4_102_444_800L)
                .add("1.2.3.0/24", 1, 2, "PK", null, null).build())) {
            assertThat(db.buildDate()).isEqualTo("2100-01-01T00:00:00Z");
        }
    }

    @Test
    void openFromFileAndFromBytesAgree() throws Exception {
        byte[] bytes = fixture();
        Path file = dir.resolve("GeoLite2-City.mmdb");
        Files.write(file, bytes);
        try (GeoIpDatabase fromFile = GeoIpDatabase.open(file); GeoIpDatabase fromBytes = GeoIpDatabase.open(bytes)) {
            assertThat(fromFile.sha256()).isEqualTo(fromBytes.sha256());
            assertThat(fromFile.buildDate()).isEqualTo(fromBytes.buildDate());
            assertThat(fromFile.nodeCount()).isEqualTo(fromBytes.nodeCount());
            assertThat(fromFile.databaseType()).isEqualTo(fromBytes.databaseType());
            for (String ip : new String[] {"182.185.1.1", "182.185.9.9", "39.40.1.1", "8.8.8.8", "2400:adc0::5", "::1"}) {
                byte[] a = InetAddress.getByName(ip).getAddress();
                GeoRecord x = new GeoRecord();
                GeoRecord y = new GeoRecord();
                assertThat(fromFile.lookup(a, a.length, x)).isEqualTo(fromBytes.lookup(a, a.length, y));
                assertThat(x).usingRecursiveComparison().as(ip).isEqualTo(y);
            }
        }
    }

    @Test
    void aCountryDatabaseIsRejected() {
        byte[] country = new MmdbWriter().databaseType("GeoLite2-Country")
                .add("182.185.0.0/16", 30, 70, "PK", null, null).build();
        assertThatThrownBy(() -> GeoIpDatabase.open(country))
                .isInstanceOf(InvalidGeoIpException.class)
                .hasMessageContaining("is a GeoLite2-Country database; hubdns needs a GeoIP2/GeoLite2 City database");
    }

    @Test
    void garbageIsRejectedAsNotAMaxMindFile() throws Exception {
        byte[] garbage = new byte[4096];
        new Random(7).nextBytes(garbage);
        assertThatThrownBy(() -> GeoIpDatabase.open(garbage))
                .isInstanceOf(InvalidGeoIpException.class)
                .hasMessageStartingWith("not a MaxMind DB file: ");
        assertThatThrownBy(() -> GeoIpDatabase.open(new byte[0]))
                .isInstanceOf(InvalidGeoIpException.class)
                .hasMessageStartingWith("not a MaxMind DB file: ");
        Path empty = Files.write(dir.resolve("empty.mmdb"), new byte[0]);
        assertThatThrownBy(() -> GeoIpDatabase.open(empty))
                .isInstanceOf(InvalidGeoIpException.class)
                .hasMessageStartingWith("not a MaxMind DB file: ");
        Path gz = Files.write(dir.resolve("GeoLite2-City.mmdb.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0});
        assertThatThrownBy(() -> GeoIpDatabase.open(gz))
                .isInstanceOf(InvalidGeoIpException.class)
                .hasMessageContaining("gzip-compressed");
    }

    @Test
    void aMissingFileSaysSo() {
        assertThatThrownBy(() -> GeoIpDatabase.open(dir.resolve("nope.mmdb")))
                .isInstanceOf(InvalidGeoIpException.class)
                .hasMessageContaining("cannot read the GeoIP database")
                .hasMessageContaining("nope.mmdb");
    }

    @Test
    void everyTruncationIsRejectedWithTheCheckedException() throws Exception {
        byte[] whole = fixture();
        for (int len = 0; len < whole.length; len++) {
            byte[] cut = Arrays.copyOf(whole, len);
            assertThatThrownBy(() -> GeoIpDatabase.open(cut)).as("cut at %d of %d", len, whole.length)
                    .isInstanceOf(InvalidGeoIpException.class);
        }
        Path file = dir.resolve("cut.mmdb");
        Files.write(file, Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> GeoIpDatabase.open(file)).isInstanceOf(InvalidGeoIpException.class);
    }

    @Test
    void aTreeCutShortWithItsMetadataKeptIsRejected() throws Exception {
        // A file whose metadata survives but whose tree does not, as after a broken copy-and-append.
        byte[] whole = fixture();
        int marker = indexOf(whole, new byte[] {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF, 'M', 'a', 'x'});
        byte[] metadata = Arrays.copyOfRange(whole, marker, whole.length);
        byte[] broken = new byte[60 + metadata.length];
        System.arraycopy(whole, 0, broken, 0, 60);
        System.arraycopy(metadata, 0, broken, 60, metadata.length);
        assertThatThrownBy(() -> GeoIpDatabase.open(broken))
                .isInstanceOf(InvalidGeoIpException.class)
                .hasMessageContaining("damaged");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = haystack.length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        throw new AssertionError("marker not found");
    }
}
