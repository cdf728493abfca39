package org.hubdns.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.api.Api.json;
import static org.hubdns.api.Api.problem;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import org.junit.jupiter.api.Test;

/**
 * Coverage zones (CIDR to site): replaced whole from a JSON list or CSV, one added with POST, the
 * longest-prefix match shown by {@code GET ?ip=}; a bad entry refuses the whole upload (422 naming
 * it) and the old set keeps serving, and so does a prefix given two sites (naming both lines); a
 * byte-order mark and CRLF lines are read as a spreadsheet means them; {@code ?dryRun=true} reports
 * without storing; {@code GET ?format=csv|json} exports what an upload takes back; a 200,000-line CSV
 * streams in and out.
 *
 * <p>The set is one per cluster, so each test starts by replacing it with the set it expects.
 */
class CoverageZonesTest extends DemoMemberTest {
    static final JsonArray BASE = new JsonArray()
            .add(new JsonObject().put("cidr", "182.185.0.0/16").put("site", "khi"))
            .add(new JsonObject().put("cidr", "182.185.1.0/24").put("site", "lhe"))
            .add(new JsonObject().put("cidr", "2001:db8::/32").put("site", "isb"));

    HttpResponse<String> replace(String contentType, String body) throws Exception {
        return api.send("PUT", "/v1/coverage-zones", api.admin, contentType, body);
    }

    JsonObject lookup(String ip) throws Exception {
        return json(api.get("/v1/coverage-zones?ip=" + ip, api.demo), 200);
    }

    JsonObject match(String ip) throws Exception {
        return lookup(ip).getJsonObject("match");
    }

    void assertBase() throws Exception {
        assertThat(lookup("182.185.1.7").getInteger("count")).isEqualTo(3);
        assertThat(match("182.185.1.7")).isEqualTo(new JsonObject().put("cidr", "182.185.1.0/24").put("site", "lhe"));
        assertThat(match("182.185.2.7")).isEqualTo(new JsonObject().put("cidr", "182.185.0.0/16").put("site", "khi"));
        assertThat(match("2001:db8::1").getString("site")).isEqualTo("isb");
        assertThat(match("198.51.100.7")).isNull();
    }

    @Test
    void aJsonListReplacesTheSetAndTheLongestPrefixMatches() throws Exception {
        JsonObject r = json(replace(Api.JSON, BASE.encode()), 200);
        assertThat(r.getInteger("count")).isEqualTo(3);
        assertBase();
        JsonObject l = lookup("182.185.1.7");
        assertThat(l.getString("ip")).isEqualTo("182.185.1.7");
        assertThat(l.containsKey("match")).isTrue();
        assertThat(lookup("198.51.100.7").containsKey("match")).as("no match is shown as null").isTrue();
        // an empty list empties the set
        assertThat(json(replace(Api.JSON, "[]"), 200).getInteger("count")).isZero();
        assertThat(match("182.185.1.7")).isNull();
    }

    @Test
    void aCsvReplacesTheSet() throws Exception {
        String csv = "cidr,site\r\n182.185.0.0/16,khi\r\n# a comment\r\n\r\n182.185.1.0/24, lhe\r\n2001:db8::/32,isb";
        assertThat(json(replace("text/csv; charset=utf-8", csv), 200).getInteger("count")).isEqualTo(3);
        assertBase();
        // without a header line
        assertThat(json(replace("text/csv", "10.1.0.0/16,isb\n"), 200).getInteger("count")).isEqualTo(1);
        assertThat(match("10.1.2.3")).isEqualTo(new JsonObject().put("cidr", "10.1.0.0/16").put("site", "isb"));
        assertThat(match("182.185.1.7")).isNull();
    }

    @Test
    void postAddsOne() throws Exception {
        replace(Api.JSON, BASE.encode());
        HttpResponse<String> r = api.post("/v1/coverage-zones", api.admin,
                new JsonObject().put("cidr", "182.185.1.0/25").put("site", "isb"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(new JsonObject(r.body()).getInteger("count")).isEqualTo(4);
        assertThat(match("182.185.1.7")).isEqualTo(new JsonObject().put("cidr", "182.185.1.0/25").put("site", "isb"));
        assertThat(match("182.185.1.200").getString("cidr")).isEqualTo("182.185.1.0/24");

        problem(api.post("/v1/coverage-zones", api.admin, new JsonObject().put("cidr", "182.185.1.0/33")
                .put("site", "isb")), 422, "cidr");
        problem(api.post("/v1/coverage-zones", api.admin, new JsonObject().put("cidr", "182.185.1.1/24")
                .put("site", "isb")), 422, "cidr");
        problem(api.post("/v1/coverage-zones", api.admin, new JsonObject().put("cidr", "182.186.0.0/16")
                .put("site", "nowhere")), 422, "site");
        problem(api.post("/v1/coverage-zones", api.admin, new JsonObject().put("cidr", "182.186.0.0/16")), 400,
                "site");
        problem(api.post("/v1/coverage-zones", api.admin, new JsonObject().put("cidr", "182.186.0.0/16")
                .put("site", "isb").put("weight", 1)), 400, "weight");
        assertThat(lookup("182.185.1.7").getInteger("count")).isEqualTo(4);
        assertThat(match("182.186.0.1")).isNull();
    }

    @Test
    void aBadJsonEntryIsNamedAndTheOldSetKeepsServing() throws Exception {
        replace(Api.JSON, BASE.encode());
        JsonArray bad = BASE.copy().add(new JsonObject().put("cidr", "10.0.0.0/33").put("site", "isb"));
        JsonObject p = problem(replace(Api.JSON, bad.encode()), 422);
        assertThat(p.getString("detail")).contains("[3]").contains("10.0.0.0/33");
        assertThat(p.getString("field")).as("the field at fault").isIn("cidr", "[3].cidr");

        JsonArray hostBits = BASE.copy().add(new JsonObject().put("cidr", "10.0.0.1/8").put("site", "isb"));
        assertThat(problem(replace(Api.JSON, hostBits.encode()), 422).getString("detail")).contains("[3]")
                .contains("host bits");

        JsonArray unknownSite = BASE.copy().add(new JsonObject().put("cidr", "10.0.0.0/8").put("site", "nowhere"));
        JsonObject u = problem(replace(Api.JSON, unknownSite.encode()), 422);
        assertThat(u.getString("detail")).contains("nowhere").as("names the entry").contains("[3]");

        problem(replace(Api.JSON, "[{\"cidr\":\"10.0.0.0/8\",\"site\":\"isb\",\"x\":1}]"), 400);
        problem(replace(Api.JSON, "{\"cidr\":\"10.0.0.0/8\",\"site\":\"isb\"}"), 400);
        problem(replace(Api.JSON, "[{\"cidr\":\"10.0.0.0/8\""), 400);
        problem(replace(Api.JSON, "[[]]"), 400);
        assertBase();
    }

    @Test
    void aBadCsvLineIsNamedAndTheOldSetKeepsServing() throws Exception {
        replace(Api.JSON, BASE.encode());
        assertThat(problem(replace("text/csv", "cidr,site\n10.0.0.0/8,isb\n300.0.0.0/8,khi\n"), 422)
                .getString("detail")).contains("line 3");
        assertThat(problem(replace("text/csv", "10.0.0.0/8,isb\n10.0.0.1/8,khi\n"), 422).getString("detail"))
                .contains("line 2").contains("host bits");
        assertThat(problem(replace("text/csv", "10.0.0.0/8,isb,extra\n"), 400).getString("detail"))
                .contains("line 1");
        JsonObject u = problem(replace("text/csv", "10.0.0.0/8,isb\n11.0.0.0/8,nowhere\n"), 422);
        assertThat(u.getString("detail")).contains("nowhere").as("names the line").contains("line 2");
        assertBase();
    }

    @Test
    void coverageRoutesGuardTokenAndMediaType() throws Exception {
        replace(Api.JSON, BASE.encode());
        problem(api.send("PUT", "/v1/coverage-zones", api.demo, Api.JSON, "[]"), 403);
        HttpResponse<String> none = api.send("PUT", "/v1/coverage-zones", null, Api.JSON, "[]");
        problem(none, 401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
        problem(api.send("PUT", "/v1/coverage-zones", api.admin, "text/plain", "10.0.0.0/8,isb\n"), 415);
        problem(api.send("PUT", "/v1/coverage-zones", api.admin, null, "[]"), 415);
        problem(api.get("/v1/coverage-zones?ip=not-an-ip", api.admin), 400, "ip");
        problem(api.get("/v1/coverage-zones", null), 401);
        assertBase();
    }

    JsonObject summary() throws Exception {
        return json(api.get("/v1/coverage-zones", api.admin), 200);
    }

    HttpResponse<String> export(String format, String token) throws Exception {
        return api.get("/v1/coverage-zones?format=" + format, token);
    }

    @Test
    void aPrefixMappedToTwoSitesIsRefusedNamingBothLinesAndSites() throws Exception {
        replace(Api.JSON, BASE.encode());
        String before = summary().getString("sha256");
        String csv = "cidr,site\n10.0.0.0/8,isb\n11.0.0.0/8,khi\n# later\n10.0.0.0/8,lhe\n";
        String detail = problem(replace("text/csv", csv), 422).getString("detail");
        assertThat(detail).contains("10.0.0.0/8").contains("line 2").contains("line 5").contains("'isb'")
                .contains("'lhe'");

        // the same prefix written another way (IPv4-mapped IPv6) is the same prefix
        detail = problem(replace("text/csv", "10.0.0.0/8,isb\n::ffff:10.0.0.0/104,khi\n"), 422).getString("detail");
        assertThat(detail).contains("line 1").contains("line 2").contains("'isb'").contains("'khi'");

        JsonArray json = BASE.copy().add(new JsonObject().put("cidr", "182.185.1.0/24").put("site", "isb"));
        JsonObject p = problem(replace(Api.JSON, json.encode()), 422, "cidr");
        assertThat(p.getString("detail")).contains("182.185.1.0/24").contains("entry [1]").contains("entry [3]")
                .contains("'lhe'").contains("'isb'");

        // several clashes: the first (by line) is named, the rest counted
        String many = "10.0.0.0/8,isb\n11.0.0.0/8,isb\n12.0.0.0/8,isb\n12.0.0.0/8,khi\n10.0.0.0/8,khi\n11.0.0.0/8,lhe\n";
        assertThat(problem(replace("text/csv", many), 422).getString("detail")).contains("12.0.0.0/8")
                .contains("line 3").contains("line 4").contains("2 more");

        assertBase();
        assertThat(summary().getString("sha256")).as("nothing stored").isEqualTo(before);
    }

    @Test
    void theSamePrefixTwiceForTheSameSiteIsKeptOnce() throws Exception {
        String csv = "182.185.0.0/16,khi\n182.185.1.0/24,lhe\n2001:db8::/32,isb\n182.185.0.0/16,khi\n"
                + "2001:db8:0::/32,isb\n";
        JsonObject r = json(replace("text/csv", csv), 200);
        assertThat(r.getInteger("count")).isEqualTo(3);
        assertThat(r.getInteger("duplicates")).isEqualTo(2);
        assertThat(r.getInteger("ipv4")).isEqualTo(2);
        assertThat(r.getInteger("ipv6")).isEqualTo(1);
        assertBase();
    }

    @Test
    void aByteOrderMarkIsStrippedAndCrlfLinesWork() throws Exception {
        replace(Api.JSON, "[]");
        // as a spreadsheet exports it: BOM, header, CRLF
        String csv = "\uFEFFcidr,site\r\n182.185.0.0/16,khi\r\n182.185.1.0/24,lhe\r\n2001:db8::/32,isb\r\n";
        assertThat(json(replace("text/csv", csv), 200).getInteger("count")).isEqualTo(3);
        assertBase();

        replace(Api.JSON, "[]");
        // without a header the BOM sits right before the first CIDR
        assertThat(json(replace("text/csv; charset=utf-8", "\uFEFF182.185.0.0/16,khi\r\n182.185.1.0/24,lhe\r\n"
                + "2001:db8::/32,isb"), 200).getInteger("count")).isEqualTo(3);
        assertBase();

        replace(Api.JSON, "[]");
        assertThat(json(replace(Api.JSON, "\uFEFF" + BASE.encode()), 200).getInteger("count")).isEqualTo(3);
        assertBase();

        // a BOM and nothing else is an empty body, not an empty set
        problem(replace("text/csv", "\uFEFF"), 400);
        // a BOM anywhere else is still an error, and visible in the message
        assertThat(problem(replace("text/csv", "182.185.0.0/16,khi\n\uFEFF10.0.0.0/8,isb\n"), 422).getString("detail"))
                .contains("line 2");
        assertBase();
    }

    @Test
    void theCsvExportIsWhatAnUploadTakesBack() throws Exception {
        replace(Api.JSON, BASE.copy().add(new JsonObject().put("cidr", "10.0.0.0/8").put("site", "isb")).encode());
        JsonObject stored = summary();

        HttpResponse<String> r = export("csv", api.demo); // any token may read the set
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Api.contentType(r)).isEqualTo("text/csv; charset=utf-8");
        assertThat(r.headers().firstValue("X-Coverage-Count")).hasValue("4");
        assertThat(r.body()).isEqualTo("cidr,site\n10.0.0.0/8,isb\n182.185.0.0/16,khi\n182.185.1.0/24,lhe\n"
                + "2001:db8::/32,isb\n");

        replace(Api.JSON, "[]");
        assertThat(match("182.185.1.7")).isNull();
        JsonObject back = json(replace("text/csv", r.body()), 200);
        assertThat(back.getInteger("count")).isEqualTo(4);
        assertThat(back.getString("sha256")).as("the same set, byte for byte").isEqualTo(stored.getString("sha256"));
        assertThat(match("182.185.1.7").getString("site")).isEqualTo("lhe");

        // an empty set exports as the header alone, which uploads as an empty set
        replace(Api.JSON, "[]");
        HttpResponse<String> empty = export("csv", api.admin);
        assertThat(empty.body()).isEqualTo("cidr,site\n");
        assertThat(json(replace("text/csv", empty.body()), 200).getInteger("count")).isZero();
    }

    @Test
    void theJsonExportIsWhatAnUploadTakesBack() throws Exception {
        replace(Api.JSON, BASE.encode());
        String sha = summary().getString("sha256");
        HttpResponse<String> r = export("json", api.admin);
        JsonArray list = Api.jsonArray(r);
        assertThat(list).containsExactlyInAnyOrderElementsOf(BASE);
        replace(Api.JSON, "[]");
        assertThat(json(replace(Api.JSON, r.body()), 200).getString("sha256")).isEqualTo(sha);
        assertBase();

        replace(Api.JSON, "[]");
        assertThat(Api.jsonArray(export("json", api.admin))).isEmpty();
    }

    @Test
    void theExportGuardsItsParameters() throws Exception {
        replace(Api.JSON, BASE.encode());
        problem(export("xml", api.admin), 400, "format");
        problem(api.get("/v1/coverage-zones?format=csv&ip=10.0.0.1", api.admin), 400, "ip");
        HttpResponse<String> none = export("csv", null);
        problem(none, 401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
        problem(export("csv", "not-a-token"), 401);
        // without format: the summary as before
        assertThat(summary().getInteger("count")).isEqualTo(3);
    }

    @Test
    void aDryRunReportsWhatWouldBeStoredAndStoresNothing() throws Exception {
        replace(Api.JSON, BASE.encode());
        String sha = summary().getString("sha256");
        String csv = "cidr,site\n10.0.0.0/8,isb\n11.0.0.0/8,khi\n10.0.0.0/8,isb\n2001:db8:1::/48,lhe\n";
        JsonObject ok = json(api.send("PUT", "/v1/coverage-zones?dryRun=true", api.admin, "text/csv", csv), 200);
        assertThat(ok.getBoolean("dryRun")).isTrue();
        assertThat(ok.getBoolean("valid")).isTrue();
        assertThat(ok.getInteger("count")).isEqualTo(3);
        assertThat(ok.getInteger("ipv4")).isEqualTo(2);
        assertThat(ok.getInteger("ipv6")).isEqualTo(1);
        assertThat(ok.getInteger("entries")).isEqualTo(4);
        assertThat(ok.getInteger("duplicates")).isEqualTo(1);
        assertThat(ok.getJsonArray("sites")).containsExactly("isb", "khi", "lhe");
        assertThat(ok.getJsonArray("problems")).isEmpty();
        assertBase();
        assertThat(summary().getString("sha256")).isEqualTo(sha);

        // every problem at once, each naming its line: a bad CIDR, a bad line, a clash, an unknown site
        String bad = "cidr,site\n10.0.0.1/8,isb\n11.0.0.0/8,khi,x\n12.0.0.0/8,isb\n12.0.0.0/8,khi\n13.0.0.0/8,nowhere\n";
        JsonObject report = json(api.send("PUT", "/v1/coverage-zones?dryRun=true", api.admin, "text/csv", bad), 200);
        assertThat(report.getBoolean("valid")).isFalse();
        assertThat(report.getInteger("count")).isEqualTo(2);
        assertThat(report.getInteger("duplicates")).as("a clash is no duplicate").isZero();
        JsonArray problems = report.getJsonArray("problems");
        assertThat(problems).hasSize(4);
        assertThat(problems.getString(0)).contains("line 2").contains("host bits");
        assertThat(problems.getString(1)).contains("line 3").contains("cidr,site");
        assertThat(problems.getString(2)).contains("line 5").contains("line 4").contains("12.0.0.0/8");
        assertThat(problems.getString(3)).contains("line 6").contains("nowhere");

        JsonArray json = BASE.copy().add(new JsonObject().put("cidr", "2001:db8::/32").put("site", "khi"))
                .add(new JsonObject().put("cidr", "10.0.0.0/8").put("site", "isb").put("x", 1));
        JsonObject j = json(api.send("PUT", "/v1/coverage-zones?dryRun=true", api.admin, Api.JSON, json.encode()), 200);
        assertThat(j.getBoolean("valid")).isFalse();
        assertThat(j.getJsonArray("problems")).hasSize(2);
        assertThat(j.getJsonArray("problems").getString(0)).contains("entry [4]").contains("'x'");
        assertThat(j.getJsonArray("problems").getString(1)).contains("entry [3]").contains("entry [2]");

        // dryRun=false is the real thing; anything else is refused before the body is read
        problem(api.send("PUT", "/v1/coverage-zones?dryRun=yes", api.admin, "text/csv", csv), 400, "dryRun");
        problem(api.send("PUT", "/v1/coverage-zones?dryRun=true", api.demo, "text/csv", csv), 403);
        problem(api.send("PUT", "/v1/coverage-zones?dryRun=true", api.admin, "text/csv", ""), 400);
        assertBase();
        assertThat(summary().getString("sha256")).isEqualTo(sha);
        assertThat(json(api.send("PUT", "/v1/coverage-zones?dryRun=false", api.admin, "text/csv", csv), 200)
                .getInteger("count")).isEqualTo(3);
        assertThat(match("10.1.2.3").getString("site")).isEqualTo("isb");
    }

    @Test
    void aCsvOf200kLinesStreamsInAndOut() throws Exception {
        int lines = 200_000;
        String[] sites = {"isb", "khi", "lhe"};
        Enumeration<InputStream> chunks = new Enumeration<>() {
            int i = -1; // -1: the header

            @Override
            public boolean hasMoreElements() {
                return i < lines;
            }

            @Override
            public InputStream nextElement() {
                StringBuilder sb = new StringBuilder();
                if (i < 0) {
                    sb.append("cidr,site\n");
                    i = 0;
                }
                for (int k = 0; k < 1000 && i < lines; k++, i++) {
                    // 200,000 distinct /24s in 11.0.0.0 - 14.13.63.0
                    sb.append(11 + (i >> 16)).append('.').append((i >> 8) & 255).append('.').append(i & 255)
                            .append(".0/24,").append(sites[i % 3]).append('\n');
                }
                return new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.US_ASCII));
            }
        };
        HttpResponse<String> r = api.send(HttpRequest.newBuilder(api.uri("/v1/coverage-zones"))
                .header("Authorization", "Bearer " + api.admin).header("Content-Type", "text/csv")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(chunks))));
        JsonObject body = json(r, 200);
        assertThat(body.getInteger("count")).isEqualTo(lines);
        assertThat(body.getString("sha256")).isNotBlank();
        assertThat(lookup("11.0.0.1").getInteger("count")).isEqualTo(lines);
        assertThat(match("11.0.0.1")).isEqualTo(new JsonObject().put("cidr", "11.0.0.0/24").put("site", "isb"));
        int last = lines - 1;
        String lastNet = (11 + (last >> 16)) + "." + ((last >> 8) & 255) + "." + (last & 255);
        assertThat(match(lastNet + ".9")).isEqualTo(new JsonObject().put("cidr", lastNet + ".0/24")
                .put("site", sites[last % 3]));
        assertThat(match("182.185.1.7")).isNull();

        // and out again, as the same 200,000 lines (plus the header), which upload as the same set
        long t0 = System.nanoTime();
        HttpResponse<String> out = api.get("/v1/coverage-zones?format=csv", api.admin);
        long exportMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(out.body().lines().count()).isEqualTo(lines + 1);
        assertThat(out.body()).startsWith("cidr,site\n11.0.0.0/24,isb\n");
        assertThat(exportMs).as("export of %d entries", lines).isLessThan(10_000);
        replace(Api.JSON, "[]");
        JsonObject back = json(replace("text/csv", out.body()), 200);
        assertThat(back.getInteger("count")).isEqualTo(lines);
        assertThat(back.getString("sha256")).isEqualTo(body.getString("sha256"));
    }
}
