package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.hubdns.testsupport.ApiClient;
import org.hubdns.testsupport.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Zone reloads through the HTTP API over real HTTP: a good change is served at once, a broken file
 * is rejected with problem+json while the old data keeps serving, and the admin token guards the
 * reload. Also the read-only routes and problem+json for unknown paths.
 *
 * <p>The tests share one server; each writes the complete zone it expects, with a serial of its
 * own, so they do not depend on their order.
 */
class ReloadTest {
    static final AtomicLong SERIAL = new AtomicLong(2024010100);
    static RunningServer server;

    static String zone(long serial, String extra) {
        return "$TTL 300\n"
                + "@ 3600 IN SOA ns1 hostmaster ( " + serial + " 7200 1800 1209600 300 )\n"
                + "@ IN NS ns1\n"
                + "ns1 IN A 192.0.2.1\n"
                + "www IN A 192.0.2.80\n"
                + extra;
    }

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(false, Map.of("example.zone", zone(SERIAL.incrementAndGet(), "")), null);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String token() throws Exception {
        return server.adminToken();
    }

    static URI uri(String path) {
        return ApiClient.local(server.httpPort(), Duration.ofSeconds(10)).uri(path);
    }

    static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return ApiClient.local(server.httpPort(), Duration.ofSeconds(10)).send(b.timeout(Duration.ofSeconds(10)));
    }

    static HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    static HttpResponse<String> reload(String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/v1/zones/reload")).POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return send(b);
    }

    static HttpResponse<String> reload() throws Exception {
        return reload("Bearer " + token());
    }

    static String contentType(HttpResponse<?> r) {
        return r.headers().firstValue("Content-Type").orElse("");
    }

    /** RFC 9457: the media type and the members title, status and detail. */
    static JsonObject assertProblem(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(contentType(r)).startsWith("application/problem+json");
        JsonObject p = new JsonObject(r.body());
        assertThat(p.getInteger("status")).isEqualTo(status);
        assertThat(p.getString("title")).isNotBlank();
        assertThat(p.getString("detail")).isNotBlank();
        return p;
    }

    static JsonObject json(HttpResponse<String> r) {
        assertThat(contentType(r)).startsWith("application/json");
        return new JsonObject(r.body());
    }

    static long servedSerial() throws Exception {
        JsonArray zones = json(get("/v1/zones")).getJsonArray("zones");
        for (int i = 0; i < zones.size(); i++) {
            JsonObject z = zones.getJsonObject(i);
            if ("example.".equals(z.getString("name"))) {
                return z.getLong("serial");
            }
        }
        throw new AssertionError("example. is not listed: " + zones);
    }

    static long generation() throws Exception {
        return json(get("/v1/health")).getLong("generation");
    }

    static List<String> addresses(String name, boolean tcp) throws Exception {
        Message m = server.ask(name, Type.A, tcp);
        return m.getSection(Section.ANSWER).stream().filter(r -> r instanceof ARecord)
                .map(r -> ((ARecord) r).getAddress().getHostAddress()).collect(Collectors.toList());
    }

    static Path zoneFile() {
        return server.zonesDir().resolve("example.zone");
    }

    // ---- reload ---------------------------------------------------------------------------------

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void aReloadServesTheChangedZoneAtOnce(boolean tcp) throws Exception {
        long serial = SERIAL.incrementAndGet();
        String label = "new" + serial;
        assertThat(server.ask(label + ".example.", Type.A, tcp).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        long generationBefore = generation();

        Files.writeString(zoneFile(), zone(serial, label + " IN A 192.0.2.77\n"));
        HttpResponse<String> r = reload();

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject body = json(r);
        assertThat(body.getBoolean("reloaded")).isTrue();
        assertThat(body.getLong("generation")).isGreaterThan(generationBefore);
        assertThat(body.getJsonArray("zones").encode()).contains("\"serial\":" + serial);

        assertThat(addresses(label + ".example.", tcp)).containsExactly("192.0.2.77");
        assertThat(addresses(label + ".example.", false)).containsExactly("192.0.2.77");
        Message soa = server.ask("example.", Type.SOA, tcp);
        assertThat(((org.xbill.DNS.SOARecord) soa.getSection(Section.ANSWER).get(0)).getSerial()).isEqualTo(serial);
        assertThat(servedSerial()).isEqualTo(serial);
        assertThat(generation()).isEqualTo(body.getLong("generation"));
    }

    @Test
    void aRemovedRecordIsGoneAfterAReload() throws Exception {
        long first = SERIAL.incrementAndGet();
        Files.writeString(zoneFile(), zone(first, "temp IN A 192.0.2.66\n"));
        assertThat(reload().statusCode()).isEqualTo(200);
        assertThat(addresses("temp.example.", false)).containsExactly("192.0.2.66");

        Files.writeString(zoneFile(), zone(SERIAL.incrementAndGet(), ""));
        assertThat(reload().statusCode()).isEqualTo(200);
        assertThat(server.ask("temp.example.", Type.A, false).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void aBrokenFileIsRejectedAndTheOldDataKeepsServing() throws Exception {
        long good = SERIAL.incrementAndGet();
        Files.writeString(zoneFile(), zone(good, "keep IN A 192.0.2.10\n"));
        assertThat(reload().statusCode()).isEqualTo(200);
        long generationBefore = generation();

        // a change to the good file and a broken second file: nothing of it may go live
        long next = SERIAL.incrementAndGet();
        Files.writeString(zoneFile(), zone(next, "keep IN A 192.0.2.10\nfresh IN A 192.0.2.11\n"));
        Path broken = server.zonesDir().resolve("broken.example.zone");
        Files.writeString(broken, "$TTL 300\n@ 3600 IN SOA ns1 hostmaster ( 1 7200 1800 1209600 300 )\n"
                + "www IN A 300.1.2.3\n");
        try {
            HttpResponse<String> r = reload();
            JsonObject p = assertProblem(r, 422);
            assertThat(p.getString("detail")).contains(broken.toString()).contains("broken.example.zone:3");

            assertThat(addresses("keep.example.", false)).containsExactly("192.0.2.10");
            assertThat(addresses("keep.example.", true)).containsExactly("192.0.2.10");
            assertThat(server.ask("fresh.example.", Type.A, false).getRcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(servedSerial()).isEqualTo(good);
            assertThat(generation()).isEqualTo(generationBefore);
            JsonObject health = json(get("/v1/health"));
            assertThat(health.getString("status")).isEqualTo("serving");
        } finally {
            Files.delete(broken);
        }
        // once the file is fixed (here: removed) the pending change goes live
        assertThat(reload().statusCode()).isEqualTo(200);
        assertThat(addresses("fresh.example.", false)).containsExactly("192.0.2.11");
        assertThat(servedSerial()).isEqualTo(next);
    }

    @Test
    void aFileWithoutSoaIsRejectedByName() throws Exception {
        Path noSoa = server.zonesDir().resolve("nosoa.example.zone");
        Files.writeString(noSoa, "www 300 IN A 192.0.2.1\n");
        try {
            JsonObject p = assertProblem(reload(), 422);
            assertThat(p.getString("detail")).contains(noSoa.toString()).contains("no SOA");
        } finally {
            Files.delete(noSoa);
        }
        assertThat(addresses("www.example.", false)).containsExactly("192.0.2.80");
    }

    @Test
    void aFileThatPutsDataAtAPlatformHostnameIsRefusedNamingThePlatform() throws Exception {
        long good = SERIAL.incrementAndGet();
        Files.writeString(zoneFile(), zone(good, ""));
        assertThat(reload().statusCode()).isEqualTo(200);
        String platform = "web" + good;
        HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/v1/platforms/" + platform))
                .header("Authorization", "Bearer " + token()).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"hostnames\":[\"cdn.example\"],\"fallback\":"
                        + "{\"cname\":\"origin.example.org.\"}}")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Await.until(Duration.ofSeconds(2), "the platform answers", () -> !server.ask("cdn.example.", Type.A, false)
                .getSection(Section.ANSWER).isEmpty());
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(HubDnsServer.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
                new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try {
            long generationBefore = generation();
            Files.writeString(zoneFile(), zone(SERIAL.incrementAndGet(), "cdn IN A 192.0.2.99\n"));
            JsonObject p = assertProblem(reload(), 422);
            assertThat(p.getString("detail")).contains(zoneFile().toString()).contains("platform '" + platform + "'")
                    .contains("cdn.example.").contains("keeps serving");
            assertThat(seen.list).anySatisfy(e -> {
                assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.ERROR);
                assertThat(e.getFormattedMessage()).contains("zone reload failed")
                        .contains("platform '" + platform + "'");
            });
            assertThat(servedSerial()).isEqualTo(good);
            assertThat(generation()).isEqualTo(generationBefore);
            assertThat(server.ask("cdn.example.", Type.A, false).getSection(Section.ANSWER))
                    .as("the platform still answers").isNotEmpty();
        } finally {
            log.detachAppender(seen);
            Files.writeString(zoneFile(), zone(SERIAL.incrementAndGet(), ""));
            send(HttpRequest.newBuilder(uri("/v1/platforms/" + platform)).header("Authorization", "Bearer " + token())
                    .DELETE());
        }
        assertThat(reload().statusCode()).isEqualTo(200);
    }

    @Test
    void aFileIncludingAFileOutsideTheZonesDirectoryIsRefusedNamingFileAndLine() throws Exception {
        Path inc = server.zonesDir().resolve("inc.example.zone");
        Files.writeString(inc, "$TTL 300\n@ 3600 IN SOA ns1 hostmaster ( 1 7200 1800 1209600 300 )\n"
                + "$INCLUDE ../outside.db\n");
        Files.writeString(server.zonesDir().resolve("../outside.db"), "www IN A 192.0.2.1\n");
        try {
            JsonObject p = assertProblem(reload(), 422);
            assertThat(p.getString("detail")).contains(inc + ":3: $INCLUDE ../outside.db")
                    .contains("outside the zones directory");
        } finally {
            Files.delete(inc);
        }
        assertThat(reload().statusCode()).isEqualTo(200);
    }

    // ---- the admin token ----------------------------------------------------------------------

    @Test
    void aReloadWithoutTokenIsUnauthorized() throws Exception {
        long generationBefore = generation();
        for (String authorization : new String[] {null, "Basic dXNlcjpwYXNz"}) {
            HttpResponse<String> r = reload(authorization);
            assertProblem(r, 401);
            // RFC 9110 15.5.2: a 401 MUST carry a challenge; RFC 6750 3: the Bearer scheme
            assertThat(r.headers().firstValue("WWW-Authenticate")).as("WWW-Authenticate")
                    .hasValueSatisfying(v -> assertThat(v).startsWithIgnoringCase("Bearer"));
        }
        assertThat(generation()).as("nothing was reloaded").isEqualTo(generationBefore);
    }

    @Test
    void aReloadWithAWrongTokenIsUnauthorized() throws Exception {
        long generationBefore = generation();
        // RFC 6750 3.1: a token that is not valid is 401 (invalid_token), like a missing one
        HttpResponse<String> r = reload("Bearer not-the-admin-token-0123456789");
        assertProblem(r, 401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h)
                .contains("invalid_token"));
        assertProblem(reload("Bearer " + token() + "x"), 401);
        assertThat(generation()).as("nothing was reloaded").isEqualTo(generationBefore);
    }

    @Test
    void theAdminTokenFileIsOwnerOnly() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("HUBDNS_ADMIN_TOKEN") == null,
                "the token comes from the environment, no file is generated");
        Path file = server.dataDir().resolve("admin.token");
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(token()).hasSizeGreaterThanOrEqualTo(16);
    }

    // ---- read-only routes -----------------------------------------------------------------------

    @Test
    void healthSaysServing() throws Exception {
        HttpResponse<String> r = get("/v1/health");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject h = json(r);
        assertThat(h.getString("status")).isEqualTo("serving");
        assertThat(h.getInteger("zones")).isEqualTo(1);
        assertThat(h.getLong("generation")).isPositive();
        assertThat(h.getInteger("names")).isPositive();
    }

    @Test
    void zonesListsTheZoneWithItsSerial() throws Exception {
        HttpResponse<String> r = get("/v1/zones");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonArray zones = json(r).getJsonArray("zones");
        assertThat(zones).hasSize(1);
        JsonObject z = zones.getJsonObject(0);
        assertThat(z.getString("name")).isEqualTo("example.");
        Message soa = server.ask("example.", Type.SOA, false);
        long served = ((org.xbill.DNS.SOARecord) soa.getSection(Section.ANSWER).get(0)).getSerial();
        assertThat(z.getLong("serial")).as("the serial DNS serves").isEqualTo(served);
        assertThat(z.getString("source")).endsWith("example.zone");
        assertThat(z.getInteger("records")).isGreaterThanOrEqualTo(4);
    }

    @Test
    void anUnknownPathIsANotFoundProblem() throws Exception {
        JsonObject p = assertProblem(get("/v1/nope"), 404);
        assertThat(p.getString("detail")).contains("/v1/nope");
        assertProblem(get("/nope"), 404); // "/" is the dashboard
        assertProblem(send(HttpRequest.newBuilder(uri("/v1/zones/nope/more")).POST(HttpRequest.BodyPublishers.noBody())),
                404);
    }

    @Test
    void aKnownPathWithTheWrongMethodIsAMethodNotAllowedProblem() throws Exception {
        // RFC 9110 15.5.6: the resource exists, the method is not supported on it
        HttpResponse<String> reloadByPatch = send(HttpRequest.newBuilder(uri("/v1/zones/reload"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()));
        assertProblem(reloadByPatch, 405);
        assertThat(reloadByPatch.headers().firstValue("Allow")).as("RFC 9110: a 405 carries Allow")
                .hasValue("DELETE, GET, POST, PUT");
        HttpResponse<String> deleteHealth = send(HttpRequest.newBuilder(uri("/v1/health")).DELETE());
        assertProblem(deleteHealth, 405);
        assertThat(deleteHealth.headers().firstValue("Allow")).hasValue("GET");
    }
}
