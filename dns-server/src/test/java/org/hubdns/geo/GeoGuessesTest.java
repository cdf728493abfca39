package org.hubdns.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.geo.GeoFixture.ISB;
import static org.hubdns.geo.GeoFixture.KHI;
import static org.hubdns.geo.GeoFixture.LHE;
import static org.hubdns.geo.GeoFixture.await;
import static org.hubdns.geo.GeoFixture.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.hubdns.geo.GeoFixture.Answer;
import org.hubdns.geo.GeoFixture.Member;
import org.hubdns.server.Exposition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;

/**
 * GeoIP guesses are misses and foreign clients get the fallback (issue 15), over real DNS with ECS
 * against a demo member (sites isb, khi, lhe in PK; defaultSite isb; CNAME fallback) whose GeoIP
 * database has: a Lahore city record; a Pakistani record without a city at the country centroid
 * (30 N 70 E, 1,000 km, as GeoLite2 writes a quarter of Pakistan); a Karachi city record with a
 * 500 km radius; New York; and nothing for 100.64/10. Then the platform is changed over the API
 * (serveCountries, geoipMaxRadiusKm, answerUnlocated) and the answers, /metrics and explain follow.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GeoGuessesTest {
    static final String CENTROID = "203.0.113.0/24";
    static final String WIDE_KARACHI = "198.18.5.0/24";
    static final String LAHORE = "198.51.100.0/24";
    static final String NEW_YORK = "8.8.8.0/24";
    static final String NOWHERE = "100.64.1.0/24";
    static final String ORIGIN = "video.origin.example.";

    @TempDir
    static Path tmp;
    static GeoFixture.Cluster cluster;
    static Member m;
    static String admin;

    static byte[] database() {
        return new MmdbWriter().buildEpoch(GeoFixture.EPOCH_V1)
                .add("198.51.100.0/24", 31.55, 74.34, "PK", "PB", "Lahore", 20)
                .add("203.0.113.0/24", 30.0, 70.0, "PK", null, null, 1000)
                .add("198.18.5.0/24", 24.86, 67.01, "PK", "SD", "Karachi", 500)
                .add("8.8.8.0/24", 40.71, -74.0, "US", "NY", "New York", 10)
                .build();
    }

    @BeforeAll
    static void start() throws Exception {
        cluster = new GeoFixture.Cluster(tmp);
        m = cluster.add(true).start(GeoFixture.write(tmp, "geo.mmdb", database()));
        admin = cluster.admin();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static void expect(String ecs, List<String> nodes, int scope) throws Exception {
        for (boolean tcp : new boolean[] {false, true}) {
            Answer a = m.ask(ecs, tcp);
            assertThat(a.rcode()).as("%s tcp=%s", ecs, tcp).isEqualTo(Rcode.NOERROR);
            assertThat(a.addresses()).as("%s tcp=%s", ecs, tcp).containsExactlyInAnyOrderElementsOf(nodes);
            assertThat(a.cname()).as("%s tcp=%s", ecs, tcp).isNull();
            assertThat(a.scope()).as("%s tcp=%s: ECS scope", ecs, tcp).isEqualTo(scope);
        }
    }

    static void expectFallback(String ecs, int scope) throws Exception {
        for (boolean tcp : new boolean[] {false, true}) {
            Answer a = m.ask(ecs, tcp);
            assertThat(a.rcode()).as("%s tcp=%s", ecs, tcp).isEqualTo(Rcode.NOERROR);
            assertThat(a.cname()).as("%s tcp=%s: the fallback", ecs, tcp).isEqualTo(ORIGIN);
            assertThat(a.scope()).as("%s tcp=%s: scoped to the client's network, not 0", ecs, tcp).isEqualTo(scope);
        }
    }

    static JsonNode explain(String ecs) throws Exception {
        HttpResponse<String> r = m.get("/v1/explain?name=video.pk-hub.example&type=A&client=127.0.0.1&ecs=" + ecs,
                admin);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }

    static HttpResponse<String> putVideo(String extra) throws Exception {
        String body = "{\"hostnames\":[\"video.pk-hub.example\"],\"ttl\":60,\"answers\":2,\"defaultSite\":\"isb\","
                + "\"fallback\":{\"cname\":\"" + ORIGIN + "\"}" + extra + "}";
        return m.put("/v1/platforms/video", admin, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @Order(1)
    void guessesGoToTheDefaultSiteAndForeignClientsToTheFallbackCountedByMethodAndClient() throws Exception {
        Exposition before = Exposition.parse(m.get("/metrics", null).body());
        expect(LAHORE, LHE, 24); // a city within 200 km: by distance
        // the centroid's nearest site is lhe: a quarter of the country would be pinned there
        expect(CENTROID, ISB, 24);
        expect(WIDE_KARACHI, ISB, 24); // 500 km is a guess, not Karachi
        expect(NOWHERE, ISB, GeoFixture.dbPrefix(database(), "100.64.1.0"));
        expectFallback(NEW_YORK, 24);

        Exposition after = Exposition.parse(m.get("/metrics", null).body());
        // each asked over UDP and TCP
        assertThat(delta(before, after, "hubdns_steering_located_total", "method", "geoip")).as("Lahore, New York")
                .isEqualTo(4);
        assertThat(delta(before, after, "hubdns_steering_located_total", "method", "geoip_coarse")).isEqualTo(4);
        assertThat(delta(before, after, "hubdns_steering_located_total", "method", "none")).isEqualTo(2);
        assertThat(delta(before, after, "hubdns_steering_clients_total", "client", "in_country", "answer", "local"))
                .isEqualTo(6);
        assertThat(delta(before, after, "hubdns_steering_clients_total", "client", "foreign", "answer", "fallback"))
                .isEqualTo(2);
        assertThat(delta(before, after, "hubdns_steering_clients_total", "client", "unlocated", "answer", "local"))
                .isEqualTo(2);
        assertThat(delta(before, after, "hubdns_steering_fallbacks_total", "reason", "foreign")).isEqualTo(2);
        for (String method : new String[] {"coverage", "bgp"}) {
            assertThat(after.samples).containsKey(Exposition.key("hubdns_steering_located_total", "method", method,
                    "platform", "video"));
        }

        JsonNode coarse = explain(CENTROID);
        assertThat(coarse.at("/located/method").asText()).isEqualTo("geoip_coarse");
        assertThat(coarse.at("/located/country").asText()).isEqualTo("PK");
        assertThat(coarse.at("/located/accuracyRadiusKm").asInt()).isEqualTo(1000);
        assertThat(coarse.at("/located/coarse").asText()).contains("no city");
        assertThat(coarse.at("/located/client").asText()).isEqualTo("in_country");
        JsonNode wide = explain(WIDE_KARACHI);
        assertThat(wide.at("/located/method").asText()).isEqualTo("geoip_coarse");
        assertThat(wide.at("/located/coarse").asText()).contains("500 km").contains("geoipMaxRadiusKm of 200");
        JsonNode ny = explain(NEW_YORK);
        assertThat(ny.at("/located/method").asText()).isEqualTo("geoip");
        assertThat(ny.at("/located/client").asText()).isEqualTo("foreign");
        assertThat(ny.at("/answer/records")).extracting(JsonNode::asText).containsExactly("CNAME " + ORIGIN);
        assertThat(ny.at("/answer/ecsScope").asInt()).isEqualTo(24);
    }

    @Test
    @Order(2)
    void thePlatformsCountryRulesAreSetRoundTrippedAndValidatedOverTheApi() throws Exception {
        Object[][] bad = {
            {",\"serveCountries\":[\"pk\"]", "serveCountries[0]", "did you mean \"PK\""},
            {",\"serveCountries\":[\"XX\"]", "serveCountries[0]", "ISO 3166-1 alpha-2"},
            {",\"serveCountries\":[\"*\",\"PK\"]", "serveCountries[0]", "alone"},
            {",\"serveCountries\":[]", "serveCountries", "1 to"},
            {",\"serveCountries\":\"PK\"", "serveCountries", "a list of strings"},
            {",\"answerUnlocated\":\"maybe\"", "answerUnlocated", "\"fallback\""},
            {",\"geoipMaxRadiusKm\":-1", "geoipMaxRadiusKm", "between 0 and 20000"},
        };
        for (Object[] b : bad) {
            HttpResponse<String> r = putVideo((String) b[0]);
            assertThat(r.statusCode()).as(r.body()).isBetween(400, 422);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            JsonNode problem = json(r);
            assertThat(problem.path("field").asText()).as(r.body()).isEqualTo(b[1]);
            assertThat(problem.path("detail").asText()).as(r.body()).contains((String) b[2]);
        }
        HttpResponse<String> ok = putVideo(",\"serveCountries\":[\"*\"],\"geoipMaxRadiusKm\":1000,"
                + "\"answerUnlocated\":\"fallback\"");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        JsonNode got = json(m.get("/v1/platforms/video", admin));
        assertThat(got.path("serveCountries")).extracting(JsonNode::asText).containsExactly("*");
        assertThat(got.path("geoipMaxRadiusKm").asInt()).isEqualTo(1000);
        assertThat(got.path("answerUnlocated").asText()).isEqualTo("fallback");
        // what GET returns can be PUT back
        HttpResponse<String> back = m.put("/v1/platforms/video", admin, "application/json",
                got.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(back.statusCode()).as(back.body()).isEqualTo(200);

        await("the new rules reach the snapshot", () -> m.ask(WIDE_KARACHI, false).addresses().containsAll(KHI),
                () -> m.ask(WIDE_KARACHI, false));
        expect(WIDE_KARACHI, KHI, 24); // 500 km is within 1000
        Answer ny = m.ask(NEW_YORK, false);
        assertThat(ny.cname()).as("every country is served").isNull();
        assertThat(ny.addresses()).hasSize(2);
        expectFallback(NOWHERE, GeoFixture.dbPrefix(database(), "100.64.1.0")); // answerUnlocated: fallback
        expect(CENTROID, ISB, 24); // coarse is not unlocated: the defaultSite still

        // serve only India: the Pakistani clients are the foreign ones now
        assertThat(putVideo(",\"serveCountries\":[\"IN\"]").statusCode()).isEqualTo(200);
        await("India only", () -> ORIGIN.equals(m.ask(LAHORE, false).cname()), () -> m.ask(LAHORE, false));
        expectFallback(LAHORE, 24);
        // back to the defaults: the fields are gone from GET
        assertThat(putVideo("").statusCode()).isEqualTo(200);
        await("defaults", () -> m.ask(LAHORE, false).addresses().containsAll(LHE), () -> m.ask(LAHORE, false));
        JsonNode plain = json(m.get("/v1/platforms/video", admin));
        assertThat(plain.has("serveCountries")).isFalse();
        assertThat(plain.has("answerUnlocated")).isFalse();
        expectFallback(NEW_YORK, 24);
    }

    static double delta(Exposition before, Exposition after, String family, String... labels) {
        String[] withPlatform = new String[labels.length + 2];
        withPlatform[0] = "platform";
        withPlatform[1] = "video";
        System.arraycopy(labels, 0, withPlatform, 2, labels.length);
        return after.value(family, withPlatform) - before.value(family, withPlatform);
    }
}
