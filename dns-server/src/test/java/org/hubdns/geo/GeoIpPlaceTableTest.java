package org.hubdns.geo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Random;
import org.hubdns.steering.CountryCode;
import org.hubdns.steering.Located;
import org.junit.jupiter.api.Test;

/**
 * The per-loop place table {@link GeoIpLocator} answers from: without names (the DNS path) a
 * location is the database's record in every field steering reads, with the subdivision and city
 * left null; with names (explain) they are there too. Records chosen for the packed word's edges:
 * no city, no accuracy radius, the largest radius a database can hold, a country outside the
 * two-letter scheme, a point without a country.
 */
class GeoIpPlaceTableTest {
    private static byte[] fixture() {
        return new MmdbWriter()
                .add("182.185.0.0/16", 24.86, 67.01, "PK", "SD", "Karachi", 25)
                .add("182.185.1.0/24", 31.55, 74.34, "PK", "PB", "Lahore")
                .add("39.40.0.0/15", 33.69, 73.05, "PK", "IS", null, 1000)
                .add("41.0.0.0/16", -33.92, 18.42, "ZA", "WC", "Cape Town", 65535)
                .add("41.1.0.0/16", 42.66, 21.17, "XKX", null, "Pristina", 0)
                .add("41.2.0.0/16", 0.0, -0.0, null, null, "Null Island", 5)
                .add("41.3.0.0/16", -90.0, 180.0, "AQ", null, null)
                .add("2400:adc0::/32", 33.72, 73.06, "PK", null, "Islamabad", 10)
                .build();
    }

    private static String steered(boolean placed, Located l) {
        return "/" + l.prefixLength + (placed ? " " + l.source + " " + l.hasCoordinates + " "
                + Double.doubleToRawLongBits(l.latitude) + "," + Double.doubleToRawLongBits(l.longitude) + " "
                + l.country + " " + l.countryCode + " ~" + l.accuracyRadiusKm + " " + l.hasVector + " "
                + Double.doubleToRawLongBits(l.x) + "," + Double.doubleToRawLongBits(l.y) + ","
                + Double.doubleToRawLongBits(l.z) : "");
    }

    private static String expected(boolean found, GeoRecord r) {
        boolean placed = found && (r.hasLocation || r.countryIso != null);
        return "/" + r.prefixLength + (placed ? " " + (r.hasLocation && r.city != null ? "GEOIP" : "GEOIP_COARSE")
                + " " + r.hasLocation + " " + Double.doubleToRawLongBits(r.latitude) + ","
                + Double.doubleToRawLongBits(r.longitude) + " " + r.countryIso + " " + CountryCode.of(r.countryIso)
                + " ~" + r.accuracyRadiusKm + " true "
                // the point's unit vector, which steering orders sites by, made once per place on a miss
                + Double.doubleToRawLongBits(Located.unitX(r.latitude, r.longitude)) + ","
                + Double.doubleToRawLongBits(Located.unitY(r.latitude, r.longitude)) + ","
                + Double.doubleToRawLongBits(Located.unitZ(r.latitude)) : "");
    }

    @Test
    void withoutNamesEveryFieldSteeringReadsIsTheDatabasesAndTheNamesAreOnlyThereWhenAsked() throws Exception {
        try (GeoIpDatabase db = GeoIpDatabase.open(fixture())) {
            GeoIpLocator locator = new GeoIpLocator(db);
            Located where = new Located(); // one loop's: the same cache answers with and without names
            Random random = new Random(19);
            byte[] prefixes = {(byte) 182, 39, 41, 41, 41, 41, 41, 7};
            for (int pass = 0; pass < 2; pass++) { // a miss fills the table, a hit reads it
                random.setSeed(19);
                for (int i = 0; i < 20_000; i++) {
                    byte[] a = new byte[i % 9 == 8 ? 16 : 4];
                    random.nextBytes(a);
                    if (a.length == 16) {
                        a[0] = 0x24; a[1] = 0x00; a[2] = (byte) 0xad; a[3] = (byte) 0xc0;
                    } else {
                        a[0] = prefixes[i % 8];
                        if (a[0] == 41) {
                            a[1] = (byte) (i % 5);
                        }
                        if (a[0] == (byte) 182 || a[0] == 39) {
                            a[1] = (byte) (a[0] == 39 ? 40 + (i & 1) : 185);
                        }
                        a[3] = 0;
                    }
                    GeoRecord r = new GeoRecord();
                    boolean found = db.lookup(a, a.length, r);
                    String at = "pass " + pass + ", " + InetAddress.getByAddress(a).getHostAddress();
                    boolean names = (i & 1) == 0; // either may come first, and fill the cache
                    for (int call = 0; call < 2; call++, names = !names) {
                        boolean placed = locator.locate(a, a.length, where, names);
                        assertThat(steered(placed, where)).as(at).isEqualTo(expected(found, r));
                        if (placed) {
                            assertThat(where.city).as(at + ", names " + names).isEqualTo(names ? r.city : null);
                            assertThat(where.subdivision).as(at + ", names " + names)
                                    .isEqualTo(names ? r.subdivisionIso : null);
                        }
                    }
                }
            }
        }
    }
}
