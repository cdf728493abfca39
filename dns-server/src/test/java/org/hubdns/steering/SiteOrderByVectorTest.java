package org.hubdns.steering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Steering orders sites by {@code (1 - dot) / 2} of the client's and the sites' unit vectors
 * (made once per place and per site) instead of the haversine term from latitudes and longitudes
 * per query. Both are the haversine of the central angle, so the order must be the distance's
 * wherever two sites' distances differ by more than the dot product resolves (well under a metre).
 */
class SiteOrderByVectorTest {
    private static double key(double lat0, double lon0, double lat, double lon) {
        double dot = Located.unitX(lat0, lon0) * Located.unitX(lat, lon)
                + Located.unitY(lat0, lon0) * Located.unitY(lat, lon) + Located.unitZ(lat0) * Located.unitZ(lat);
        return (1 - dot) * 0.5;
    }

    @Test
    void theVectorsKeyOrdersTwoSitesAsTheirDistancesDo() {
        Random random = new Random(7);
        int checked = 0;
        for (int i = 0; i < 200_000; i++) {
            // half the triples around Pakistan (sites tens of km apart), half anywhere on Earth
            boolean local = (i & 1) == 0;
            double lat0 = local ? 24 + random.nextDouble() * 12 : random.nextDouble() * 180 - 90;
            double lon0 = local ? 61 + random.nextDouble() * 16 : random.nextDouble() * 360 - 180;
            double lat1 = local ? 24 + random.nextDouble() * 12 : random.nextDouble() * 180 - 90;
            double lon1 = local ? 61 + random.nextDouble() * 16 : random.nextDouble() * 360 - 180;
            double lat2 = local ? lat1 + random.nextGaussian() * 0.2 : random.nextDouble() * 180 - 90;
            double lon2 = local ? lon1 + random.nextGaussian() * 0.2 : random.nextDouble() * 360 - 180;
            double d1 = PlatformSteering.distanceKm(lat0, lon0, lat1, lon1);
            double d2 = PlatformSteering.distanceKm(lat0, lon0, lat2, lon2);
            if (Math.abs(d1 - d2) < 0.001) {
                continue; // within a metre: either order is as near
            }
            checked++;
            assertThat(key(lat0, lon0, lat1, lon1) < key(lat0, lon0, lat2, lon2))
                    .as("client %.5f,%.5f: site 1 %.5f,%.5f at %.4f km, site 2 %.5f,%.5f at %.4f km", lat0, lon0, lat1,
                            lon1, d1, lat2, lon2, d2)
                    .isEqualTo(d1 < d2);
        }
        assertThat(checked).isGreaterThan(190_000);
    }

    @Test
    void theKeyIsTheHaversineTermAndStaysWithinZeroAndOne() {
        Random random = new Random(11);
        for (int i = 0; i < 100_000; i++) {
            double lat0 = random.nextDouble() * 180 - 90;
            double lon0 = random.nextDouble() * 360 - 180;
            double lat = random.nextDouble() * 180 - 90;
            double lon = random.nextDouble() * 360 - 180;
            double sdp = Math.sin(Math.toRadians(lat - lat0) / 2);
            double sdl = Math.sin(Math.toRadians(lon - lon0) / 2);
            double haversine = sdp * sdp + Math.cos(Math.toRadians(lat0)) * Math.cos(Math.toRadians(lat)) * sdl * sdl;
            double k = key(lat0, lon0, lat, lon);
            // foreign sites get +10 on this key: it must stay at most 1 for them to follow every home site
            assertThat(k).isBetween(-1e-12, 1 + 1e-12).isCloseTo(haversine, org.assertj.core.api.Assertions.within(1e-12));
        }
    }
}
