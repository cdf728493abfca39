package org.hubdns.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.geo.GeoFixture.KHI;
import static org.hubdns.geo.GeoFixture.LHE;
import static org.hubdns.geo.GeoFixture.await;
import static org.hubdns.geo.GeoFixture.sha256;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hubdns.geo.GeoFixture.Member;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GeoIP database as cluster data: seeding, members without --geoip, older and newer builds, restarts. */
class GeoClusterTest {
    private static final List<String> ISB_NODES = GeoFixture.ISB;

    @TempDir
    Path tmp;

    private GeoFixture.Cluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** http address to the sha256 each live member says it serves ("" when it serves none). */
    private static Map<String, String> served(JsonNode geoip) {
        Map<String, String> out = new HashMap<>();
        for (JsonNode m : geoip.path("members")) {
            out.put(m.path("http").asText(), m.at("/geoip/sha256").asText(""));
        }
        return out;
    }

    @Test
    void aMemberWithoutGeoIpServesTheClustersAndOnlyANewerBuildReplacesIt() throws Exception {
        byte[] v1 = GeoFixture.v1();
        byte[] v2 = GeoFixture.v2();
        byte[] old = GeoFixture.older();
        cluster = new GeoFixture.Cluster(tmp);
        Member m1 = cluster.add(true).start(GeoFixture.write(tmp, "v1.mmdb", v1));
        Member m2 = cluster.add(false).start(null);
        String admin = cluster.admin();

        await("member 2 (no --geoip) answers 203.0.113.0/24 with khi",
                () -> m2.addresses("203.0.113.0/24").containsAll(KHI), () -> m2.addresses("203.0.113.0/24"));
        assertThat(m2.ask("203.0.113.0/24", true).scope()).isEqualTo(24);
        assertThat(m2.ask("198.51.100.0/24", false).addresses()).containsExactlyInAnyOrderElementsOf(LHE);
        await("both members list v1", () -> served(m2.geoip(admin))
                        .equals(Map.of(m1.http(), sha256(v1), m2.http(), sha256(v1))),
                () -> m2.geoip(admin));
        assertThat(m1.geoip(admin).at("/cluster/sha256").asText()).isEqualTo(sha256(v1));
        assertThat(m2.geoip(admin).at("/cluster/sha256").asText()).isEqualTo(sha256(v1));

        // a member with an OLDER build joins: the cluster keeps v1, and the newcomer serves v1 too
        Member m3 = cluster.add(false).start(GeoFixture.write(tmp, "old.mmdb", old));
        assertThat(m1.geoip(admin).at("/cluster/sha256").asText()).isEqualTo(sha256(v1));
        assertThat(m3.geoip(admin).at("/cluster/sha256").asText()).isEqualTo(sha256(v1));
        await("all three members list v1", () -> served(m1.geoip(admin))
                        .equals(Map.of(m1.http(), sha256(v1), m2.http(), sha256(v1), m3.http(), sha256(v1))),
                () -> m1.geoip(admin));
        assertThat(m3.ask("203.0.113.0/24", false).addresses()).containsExactlyInAnyOrderElementsOf(KHI);
        assertThat(m1.ask("203.0.113.0/24", false).addresses()).containsExactlyInAnyOrderElementsOf(KHI);

        // a member with a NEWER build joins: it replaces the cluster's everywhere
        Member m4 = cluster.add(false).start(GeoFixture.write(tmp, "v2.mmdb", v2));
        assertThat(m1.geoip(admin).at("/cluster/sha256").asText()).isEqualTo(sha256(v2));
        assertThat(m1.geoip(admin).at("/cluster/buildEpoch").asLong()).isEqualTo(GeoFixture.EPOCH_V2);
        for (Member m : List.of(m1, m2, m3, m4)) {
            await(m + " answers 203.0.113.0/24 with lhe (v2)",
                    () -> m.addresses("203.0.113.0/24").containsAll(LHE), () -> m.addresses("203.0.113.0/24"));
        }
        await("all four members list v2", () -> served(m2.geoip(admin)).equals(Map.of(m1.http(), sha256(v2),
                m2.http(), sha256(v2), m3.http(), sha256(v2), m4.http(), sha256(v2))), () -> m2.geoip(admin));
    }

    @Test
    void aRestartedMemberServesTheDatabaseFromItsDataDirWithoutGeoIp() throws Exception {
        byte[] v1 = GeoFixture.v1();
        byte[] v2 = GeoFixture.v2();
        cluster = new GeoFixture.Cluster(tmp);
        Path v1File = GeoFixture.write(tmp, "v1.mmdb", v1);
        Member m = cluster.add(true).start(v1File);
        String admin = cluster.admin();
        assertThat(m.addresses("203.0.113.0/24")).containsExactlyInAnyOrderElementsOf(KHI);
        assertThat(m.dataDir.resolve("datasets").resolve("geoip.bin")).hasBinaryContent(v1);

        m.stop();
        m.start(null);
        assertThat(m.ask("203.0.113.0/24", false).addresses()).containsExactlyInAnyOrderElementsOf(KHI);
        assertThat(m.ask("2001:db8:1::/48", true).addresses()).containsExactlyInAnyOrderElementsOf(ISB_NODES);
        await("the restarted member lists v1", () -> served(m.geoip(admin)).equals(Map.of(m.http(), sha256(v1))),
                () -> m.geoip(admin));

        // an upload survives a restart, and an older --geoip at restart does not undo it
        assertThat(m.put("/v1/geoip", admin, "application/octet-stream", v2).statusCode()).isEqualTo(200);
        await("v2 serves", () -> m.addresses("203.0.113.0/24").containsAll(LHE), () -> m.addresses("203.0.113.0/24"));
        m.stop();
        m.start(v1File);
        assertThat(m.geoip(admin).at("/cluster/sha256").asText()).isEqualTo(sha256(v2));
        assertThat(m.ask("203.0.113.0/24", false).addresses()).containsExactlyInAnyOrderElementsOf(LHE);
        m.stop();
        m.start(null);
        assertThat(m.ask("203.0.113.0/24", true).addresses()).containsExactlyInAnyOrderElementsOf(LHE);
        await("the restarted member lists v2", () -> served(m.geoip(admin)).equals(Map.of(m.http(), sha256(v2))),
                () -> m.geoip(admin));
    }

    @Test
    void aMemberRestartedWithoutGeoIpInARunningClusterServesTheClustersDatabase() throws Exception {
        byte[] v1 = GeoFixture.v1();
        cluster = new GeoFixture.Cluster(tmp);
        Member m1 = cluster.add(true).start(GeoFixture.write(tmp, "v1.mmdb", v1));
        Member m2 = cluster.add(false).start(null);
        String admin = cluster.admin();
        await("member 2 serves v1", () -> m2.addresses("203.0.113.0/24").containsAll(KHI),
                () -> m2.addresses("203.0.113.0/24"));
        // member 1 (the seeder) leaves and comes back without --geoip
        m1.stop();
        m1.start(null);
        assertThat(m1.ask("203.0.113.0/24", false).addresses()).containsExactlyInAnyOrderElementsOf(KHI);
        await("both list v1", () -> served(m2.geoip(admin))
                .equals(Map.of(m1.http(), sha256(v1), m2.http(), sha256(v1))), () -> m2.geoip(admin));
    }
}
