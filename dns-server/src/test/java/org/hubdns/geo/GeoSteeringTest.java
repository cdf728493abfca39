package org.hubdns.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.geo.GeoFixture.ISB;
import static org.hubdns.geo.GeoFixture.KHI;
import static org.hubdns.geo.GeoFixture.LHE;
import static org.hubdns.geo.GeoFixture.await;
import static org.hubdns.geo.GeoFixture.dbPrefix;
import static org.hubdns.geo.GeoFixture.json;
import static org.hubdns.geo.GeoFixture.sha256;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.hubdns.geo.GeoFixture.Answer;
import org.hubdns.geo.GeoFixture.Member;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;

/** One demo member started with {@code --geoip}: ECS answers, explain, and PUT /v1/geoip. */
class GeoSteeringTest {
    @TempDir
    Path tmp;

    private GeoFixture.Cluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private Member startWith(byte[] db) throws Exception {
        cluster = new GeoFixture.Cluster(tmp);
        return cluster.add(true).start(GeoFixture.write(tmp, "geo.mmdb", db));
    }

    private static void expect(Member m, String ecs, java.util.List<String> nodes, int scope) throws Exception {
        for (boolean tcp : new boolean[] {false, true}) {
            Answer a = m.ask(ecs, tcp);
            assertThat(a.rcode()).as("%s tcp=%s", ecs, tcp).isEqualTo(Rcode.NOERROR);
            assertThat(a.addresses()).as("%s tcp=%s", ecs, tcp).containsExactlyInAnyOrderElementsOf(nodes);
            assertThat(a.source()).as("%s tcp=%s: source echoed", ecs, tcp)
                    .isEqualTo(Integer.parseInt(ecs.split("/")[1]));
            assertThat(a.scope()).as("%s tcp=%s: ECS scope", ecs, tcp).isEqualTo(scope);
        }
    }

    @Test
    void eachEcsClientIsSteeredToTheSiteItsGeoIpNetworkIsNearestWithTheNetworksPrefixAsScope() throws Exception {
        byte[] v1 = GeoFixture.v1();
        Member m = startWith(v1);

        assertThat(org.hubdns.server.Exposition.parse(m.get("/metrics", null).body())
                .value("hubdns_geoip_database_build_timestamp_seconds")).isEqualTo(GeoFixture.EPOCH_V1);
        assertThat(dbPrefix(v1, "203.0.113.0")).isEqualTo(24);
        expect(m, "203.0.113.0/24", KHI, dbPrefix(v1, "203.0.113.0"));
        expect(m, "198.51.100.0/24", LHE, dbPrefix(v1, "198.51.100.0"));
        assertThat(dbPrefix(v1, "2001:db8:1::")).isEqualTo(48);
        expect(m, "2001:db8:1::/48", ISB, dbPrefix(v1, "2001:db8:1::"));
        // foreign clients (the demo serves Pakistan, its sites' country) get the platform's fallback,
        // scoped to their GeoIP network so that no resolver hands it to a Pakistani network
        for (String foreign : new String[] {"192.0.2.128/25", "192.0.2.0/25"}) {
            GeoFixture.Answer a = m.ask(foreign, false);
            assertThat(a.cname()).as(foreign).isEqualTo("video.origin.example.");
            assertThat(a.scope()).as(foreign).isEqualTo(25);
        }
        // outside the database: the platform's defaultSite; the scope is the empty network's size
        int empty = dbPrefix(v1, "100.64.1.0");
        assertThat(empty).isBetween(0, 24);
        expect(m, "100.64.1.0/24", ISB, empty);
    }

    @Test
    void explainSaysTheClientWasLocatedByGeoIpWithItsCityAndCountry() throws Exception {
        Member m = startWith(GeoFixture.v1());
        String admin = cluster.admin();

        JsonNode khi = json(explain(m, admin, "203.0.113.0/24", 200));
        assertThat(khi.at("/located/by").asText()).isEqualTo("geoip");
        assertThat(khi.at("/located/city").asText()).isEqualTo("Karachi");
        assertThat(khi.at("/located/country").asText()).isEqualTo("PK");
        assertThat(khi.at("/located/subdivision").asText()).isEqualTo("SD");
        assertThat(khi.at("/located/prefixLength").asInt()).isEqualTo(24);
        assertThat(khi.at("/located/latitude").asDouble()).isEqualTo(24.86);
        assertThat(khi.at("/answer/ecsScope").asInt()).isEqualTo(24);
        assertThat(khi.at("/answer/records")).extracting(JsonNode::asText).containsExactlyInAnyOrderElementsOf(KHI);
        assertThat(khi.at("/sites/0/site").asText()).isEqualTo("khi");
        assertThat(khi.at("/sites/0/sameCountry").asBoolean()).isTrue();

        JsonNode berlin = json(explain(m, admin, "192.0.2.0/25", 200));
        assertThat(berlin.at("/located/by").asText()).isEqualTo("geoip");
        assertThat(berlin.at("/located/city").asText()).isEqualTo("Berlin");
        assertThat(berlin.at("/located/country").asText()).isEqualTo("DE");
        assertThat(berlin.at("/located/client").asText()).isEqualTo("foreign");
        assertThat(berlin.at("/located/countryServed").asBoolean()).isFalse();
        assertThat(berlin.at("/answer/records")).extracting(JsonNode::asText)
                .containsExactly("CNAME video.origin.example.");
        assertThat(berlin.at("/answer/outcome").asText()).contains("DE").contains("serveCountries");

        JsonNode v6 = json(explain(m, admin, "2001:db8:1::/48", 200));
        assertThat(v6.at("/located/by").asText()).isEqualTo("geoip");
        assertThat(v6.at("/located/city").asText()).isEqualTo("Islamabad");
        assertThat(v6.at("/located/family").asText()).isEqualTo("IPv6");

        JsonNode nowhere = json(explain(m, admin, "100.64.1.0/24", 200));
        assertThat(nowhere.at("/located/by").asText()).isEqualTo("none");
        assertThat(nowhere.at("/answer/records")).extracting(JsonNode::asText).containsExactlyInAnyOrderElementsOf(ISB);
    }

    private static HttpResponse<String> explain(Member m, String token, String ecs, int status) throws Exception {
        HttpResponse<String> r = m.get("/v1/explain?name=video.pk-hub.example&type=A&client=127.0.0.1&ecs=" + ecs,
                token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return r;
    }

    @Test
    void anUploadReplacesTheDatabaseAndABadOneIsRefusedWhileTheCurrentKeepsServing() throws Exception {
        byte[] v1 = GeoFixture.v1();
        byte[] v2 = GeoFixture.v2();
        Member m = startWith(v1);
        String admin = cluster.admin();
        assertThat(m.addresses("203.0.113.0/24")).containsExactlyInAnyOrderElementsOf(KHI);
        assertThat(m.geoip(admin).at("/cluster/sha256").asText()).isEqualTo(sha256(v1));

        HttpResponse<String> put = m.put("/v1/geoip", admin, "application/octet-stream", v2);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(json(put).path("sha256").asText()).isEqualTo(sha256(v2));
        assertThat(json(put).path("buildEpoch").asLong()).isEqualTo(GeoFixture.EPOCH_V2);
        assertThat(json(put).path("type").asText()).isEqualTo("GeoLite2-City");

        await("203.0.113.0/24 answered from version 2 (Lahore)",
                () -> m.addresses("203.0.113.0/24").containsAll(LHE), () -> m.addresses("203.0.113.0/24"));
        await("GET /v1/geoip shows version 2 for the cluster and the member", () -> {
            JsonNode g = m.geoip(admin);
            return g.at("/cluster/sha256").asText().equals(sha256(v2)) && g.path("members").size() == 1
                    && g.at("/members/0/geoip/sha256").asText().equals(sha256(v2));
        }, () -> m.geoip(admin));
        expect(m, "203.0.113.0/24", LHE, 24);
        JsonNode g = m.geoip(cluster.partner()); // any token may read it
        assertThat(g.at("/members/0/http").asText()).isEqualTo(m.http());

        // refused uploads: 422 with the reason; version 2 keeps serving
        byte[] random = new byte[4096];
        new Random(7).nextBytes(random);
        byte[] truncated = Arrays.copyOf(v2, v2.length * 2 / 3);
        // the tree cut short but the metadata intact: "damaged or incomplete"
        int metaAt = indexOf(v2, "MaxMind.com".getBytes()) - 3;
        byte[] treeCut = new byte[10 + v2.length - metaAt];
        System.arraycopy(v2, 0, treeCut, 0, 10);
        System.arraycopy(v2, metaAt, treeCut, 10, v2.length - metaAt);
        Object[][] bad = {
            {random, "not a MaxMind DB"},
            {truncated, "not a MaxMind DB"},
            {treeCut, "damaged or incomplete"},
            {GeoFixture.country(), "GeoLite2-Country"},
            {new byte[0], "not a MaxMind DB"},
        };
        for (Object[] b : bad) {
            HttpResponse<String> r = m.put("/v1/geoip", admin, "application/octet-stream", (byte[]) b[0]);
            assertThat(r.statusCode()).as("%s: %s", b[1], r.body()).isEqualTo(422);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                    ct -> assertThat(ct).startsWith("application/problem+json"));
            JsonNode p = json(r);
            assertThat(p.path("status").asInt(422)).isEqualTo(422);
            assertThat(p.path("detail").asText()).as(r.body()).contains((String) b[1])
                    .contains("the current database keeps serving");
        }
        assertThat(json(m.put("/v1/geoip", admin, "application/octet-stream", GeoFixture.country()))
                .path("detail").asText()).contains("City");

        HttpResponse<String> json415 = m.put("/v1/geoip", admin, "application/json", v1);
        assertThat(json415.statusCode()).as(json415.body()).isEqualTo(415);
        HttpResponse<String> none415 = m.put("/v1/geoip", admin, null, v1);
        assertThat(none415.statusCode()).as(none415.body()).isEqualTo(415);
        HttpResponse<String> partner = m.put("/v1/geoip", cluster.partner(), "application/octet-stream", v1);
        assertThat(partner.statusCode()).as(partner.body()).isEqualTo(403);
        HttpResponse<String> anonymous = m.put("/v1/geoip", null, "application/octet-stream", v1);
        assertThat(anonymous.statusCode()).as(anonymous.body()).isEqualTo(401);
        HttpResponse<String> wrong = m.put("/v1/geoip", "not-the-token", "application/octet-stream", v1);
        assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(401);

        JsonNode after = m.geoip(admin);
        assertThat(after.at("/cluster/sha256").asText()).isEqualTo(sha256(v2));
        assertThat(after.at("/members/0/geoip/sha256").asText()).isEqualTo(sha256(v2));
        expect(m, "203.0.113.0/24", LHE, 24);
        expect(m, "198.51.100.0/24", LHE, 24);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = hay.length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("not found");
    }
}
