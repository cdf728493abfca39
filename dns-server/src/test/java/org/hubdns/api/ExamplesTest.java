package org.hubdns.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.api.Api.json;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hubdns.dns.zone.ZoneContent;
import org.hubdns.dns.zone.ZoneParser;
import org.junit.jupiter.api.Test;

/**
 * The README's one-machine examples against a demo member (issue 13, item 14): every file the
 * README names under {@code examples/} is in the repository, the example zone parses and replaces
 * the demo's through the API (its higher serial), the example coverage CSV is accepted by a real
 * upload and places the demo's networks at their sites, and the GeoIP route's 413 quotes its own
 * limit.
 */
class ExamplesTest extends DemoMemberTest {
    static final Path ROOT = Path.of("..");
    static final Pattern EXAMPLE = Pattern.compile("\\bexamples/[A-Za-z0-9._-]+");
    @Test
    void everyExampleFileTheReadmeNamesExists() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Set<String> named = new TreeSet<>();
        Matcher m = EXAMPLE.matcher(readme);
        while (m.find()) {
            named.add(m.group().replaceFirst("[.]$", ""));
        }
        assertThat(named).contains("examples/coverage.csv", "examples/pk-hub.example.zone");
        for (String f : named) {
            assertThat(ROOT.resolve(f)).as("README names " + f).isRegularFile();
        }
        // the README's operator examples upload these files from the repository's root
        assertThat(readme).contains("--data-binary @examples/coverage.csv", "--data-binary @examples/pk-hub.example.zone",
                "export HUBDNS_ADMIN_TOKEN=$(cat data/admin.token)");
    }

    @Test
    void theExampleZoneParsesAndReplacesTheDemosThroughTheApi() throws Exception {
        Path file = ROOT.resolve("examples/pk-hub.example.zone");
        ZoneContent z = ZoneParser.parseFile(file);
        assertThat(z.apex().toString()).isEqualTo("pk-hub.example.");
        assertThat(z.serial()).as("above the demo's serial").isGreaterThan(2024060101L);
        // the README shows the file's records
        String readme = Files.readString(ROOT.resolve("README.md"));
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank() && !line.startsWith(";")) {
                assertThat(readme).as("README shows the example zone's line").contains(line);
            }
        }

        HttpResponse<String> r = api.send("PUT", "/v1/zones/pk-hub.example", api.admin, "text/dns",
                Files.readString(file));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Api.await("the example zone is served", () -> api.a("anything.cdn.pk-hub.example", false)
                .equals(List.of("192.0.2.80")));
        assertThat(api.a("www.pk-hub.example", true)).containsExactly("192.0.2.80");
    }

    @Test
    void theExampleCoverageCsvIsAcceptedAndPlacesTheDemosNetworks() throws Exception {
        HttpResponse<String> r = api.send("PUT", "/v1/coverage-zones", api.admin, "text/csv",
                Files.readString(ROOT.resolve("examples/coverage.csv")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        for (String[] c : new String[][] {{"182.185.1.7", "khi"}, {"182.176.20.1", "lhe"}, {"39.40.1.1", "isb"},
            {"2400:adc0:1000::1", "khi"}, {"2400:adc0:2abc::1", "lhe"}, {"2400:adc0:9000::1", "isb"}}) {
            JsonObject match = json(api.get("/v1/coverage-zones?ip=" + c[0], api.admin), 200).getJsonObject("match");
            assertThat(match).as(c[0]).isNotNull();
            assertThat(match.getString("site")).as(c[0]).isEqualTo(c[1]);
        }
    }

    /**
     * The README's feed example: the feed as the README configures it, then the example's ExaBGP
     * lines; every prefix is placed where the README says, 111.88.0.0/16 at the ISP's own site first.
     */
    @Test
    void theExampleExaBgpLinesPlaceTheReadmesPrefixes() throws Exception {
        HttpResponse<String> feed = api.send("PUT", "/v1/coverage-feeds/ixp", api.admin, "application/json",
                "{\"peers\":{\"AS17557\":\"isb\",\"AS9541\":\"khi\",\"192.0.2.7\":\"lhe\"},\"staleAfterS\":7200}");
        assertThat(feed.statusCode()).as(feed.body()).isIn(200, 201);
        HttpResponse<String> r = api.send("POST", "/v1/coverage-feeds/ixp/updates", api.admin, "application/x-ndjson",
                Files.readString(ROOT.resolve("examples/ixp-updates.ndjson")));
        JsonObject applied = json(r, 200);
        assertThat(applied.getInteger("applied")).isEqualTo(4);
        assertThat(applied.getInteger("skipped")).isZero();
        try {
            for (String[] c : new String[][] {{"39.40.1.1", "39.32.0.0/11", "[\"isb\"]"},
                {"182.185.1.7", "182.184.0.0/14", "[\"khi\"]"}, {"111.88.1.1", "111.88.0.0/16", "[\"isb\",\"lhe\"]"}}) {
                Api.await(c[0] + " placed by the example feed", () -> {
                    JsonObject match = json(api.get("/v1/coverage-feeds/ixp/lookup?ip=" + c[0], api.admin), 200)
                            .getJsonObject("match");
                    return match != null && match.getString("prefix").equals(c[1])
                            && match.getJsonArray("sites").encode().equals(c[2]);
                });
            }
        } finally {
            api.send("DELETE", "/v1/coverage-feeds/ixp", api.admin, null, null);
        }
    }

    /** Only the header says how large the body is: the member answers before reading any of it. */
    @Test
    void aGeoIpUploadOverItsLimitIsToldItsOwnLimit() throws Exception {
        long over = (200L << 20) + 1;
        String head = "PUT /v1/geoip HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + api.admin
                + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + over + "\r\n\r\n";
        String response;
        try (Socket s = new Socket("127.0.0.1", api.server.httpPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[4096]); // the start of a body that never completes
            out.flush();
            response = readResponse(s.getInputStream());
        }
        assertThat(response).startsWith("HTTP/1.1 413");
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        JsonObject p = new JsonObject(body);
        assertThat(p.getInteger("status")).isEqualTo(413);
        assertThat(p.getString("detail")).contains("GeoIP", "200 MiB").doesNotContain("KiB", "zones");
    }

    /** Headers and a Content-Length body, read as far as they go. */
    private static String readResponse(InputStream in) throws Exception {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (true) {
            String text = got.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                Matcher len = Pattern.compile("(?i)content-length: *(\\d+)").matcher(text.substring(0, end));
                if (len.find() && got.size() >= end + 4 + Integer.parseInt(len.group(1))) {
                    return text;
                }
            }
            int n = in.read(buf);
            if (n < 0) {
                return got.toString(StandardCharsets.UTF_8);
            }
            got.write(buf, 0, n);
        }
    }
}
