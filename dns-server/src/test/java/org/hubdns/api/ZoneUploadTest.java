package org.hubdns.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.api.Api.await;
import static org.hubdns.api.Api.json;
import static org.hubdns.api.Api.problem;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Zone uploads ({@code PUT /v1/zones/{name}}, master format as {@code text/dns}): served by DNS at
 * once, replaced only with a higher serial, refused when broken, listed, and deleted (then REFUSED)
 * unless a platform hostname lives in them.
 */
class ZoneUploadTest extends DemoMemberTest {
    static String zone(long serial, String www) {
        return "$TTL 300\n"
                + "@ 3600 IN SOA ns1 hostmaster ( " + serial + " 7200 1800 1209600 300 )\n"
                + "@ IN NS ns1\n"
                + "ns1 IN A 192.0.2.1\n"
                + "www IN A " + www + "\n";
    }

    HttpResponse<String> upload(String name, String text) throws Exception {
        return api.send("PUT", "/v1/zones/" + name, api.admin, "text/dns", text);
    }

    JsonObject listed(String apex) throws Exception {
        JsonArray zones = json(api.get("/v1/zones", null), 200).getJsonArray("zones");
        for (int i = 0; i < zones.size(); i++) {
            if (apex.equals(zones.getJsonObject(i).getString("name"))) {
                return zones.getJsonObject(i);
            }
        }
        return null;
    }

    @Test
    void anUploadedZoneIsServedReplacedOnlyUpwardAndDeleted() throws Exception {
        String name = "test-" + api.next() + ".example";
        String www = "www." + name;
        assertThat(api.rcode(www, Type.A, false)).isEqualTo(Rcode.REFUSED);

        HttpResponse<String> created = upload(name, zone(100, "192.0.2.10"));
        JsonObject c = json(created, 201);
        assertThat(c.getString("name")).isEqualTo(name + ".");
        assertThat(c.getLong("serial")).isEqualTo(100);
        assertThat(c.getString("source")).isEqualTo("api");
        assertThat(created.headers().firstValue("Location")).isPresent();
        for (boolean tcp : new boolean[] {false, true}) {
            await("the new zone is served over " + (tcp ? "TCP" : "UDP"),
                    () -> api.a(www, tcp).equals(List.of("192.0.2.10")));
        }
        assertThat(api.server.ask(name + ".", Type.SOA, false).getHeader().getFlag(org.xbill.DNS.Flags.AA)).isTrue();
        JsonObject l = listed(name + ".");
        assertThat(l).isNotNull();
        assertThat(l.getLong("serial")).isEqualTo(100);
        assertThat(l.getString("source")).isEqualTo("api");
        await("listed as served", () -> listed(name + ".").getBoolean("served"));

        // the same upload again is a no-op
        assertThat(upload(name, zone(100, "192.0.2.10")).statusCode()).isEqualTo(200);
        // same serial, other content; a lower serial: both 409, the old data keeps serving
        problem(upload(name, zone(100, "192.0.2.11")), 409);
        problem(upload(name, zone(99, "192.0.2.12")), 409);
        assertThat(api.a(www, false)).containsExactly("192.0.2.10");
        assertThat(listed(name + ".").getLong("serial")).isEqualTo(100);

        HttpResponse<String> raised = upload(name + ".", zone(101, "192.0.2.13"));
        assertThat(json(raised, 200).getLong("serial")).isEqualTo(101);
        await("the raised serial is served", () -> api.a(www, false).equals(List.of("192.0.2.13")));
        assertThat(api.a(www, true)).containsExactly("192.0.2.13");

        HttpResponse<String> text = api.get("/v1/zones/" + name, api.demo);
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(Api.contentType(text)).startsWith("text/dns");
        assertThat(text.headers().firstValue("X-Zone-Serial")).hasValue("101");
        assertThat(text.body()).contains("192.0.2.13");

        HttpResponse<String> deleted = api.delete("/v1/zones/" + name, api.admin);
        assertThat(deleted.statusCode()).isEqualTo(204);
        for (boolean tcp : new boolean[] {false, true}) {
            await("a deleted zone is REFUSED over " + (tcp ? "TCP" : "UDP"),
                    () -> api.rcode(www, Type.A, tcp) == Rcode.REFUSED);
        }
        assertThat(listed(name + ".")).isNull();
        problem(api.get("/v1/zones/" + name, api.admin), 404);
        problem(api.delete("/v1/zones/" + name, api.admin), 404);

        // after a delete the operator starts afresh: any serial is taken, and served
        assertThat(upload(name, zone(7, "192.0.2.14")).statusCode()).isEqualTo(201);
        await("a zone uploaded again with a lower serial is served",
                () -> api.a(www, false).equals(List.of("192.0.2.14")));
    }

    @Test
    void aBrokenZoneIsRejectedAndTheOldOneKeepsServing() throws Exception {
        String name = "test-" + api.next() + ".example";
        String www = "www." + name;
        assertThat(upload(name, zone(5, "192.0.2.20")).statusCode()).isEqualTo(201);
        await("served", () -> api.a(www, false).equals(List.of("192.0.2.20")));

        problem(upload(name, zone(6, "300.1.2.3")), 422);
        problem(upload(name, "this is not a zone\n"), 422);
        problem(upload(name, "www 300 IN A 192.0.2.1\n"), 422); // no SOA
        problem(upload(name, ""), 422);
        // the SOA of another zone than the path says
        problem(upload(name, zone(7, "192.0.2.21").replace("@ 3600 IN SOA", name + ".other. 3600 IN SOA")), 422);
        problem(api.send("PUT", "/v1/zones/" + name, api.admin, Api.JSON, zone(8, "192.0.2.22")), 415);
        problem(api.send("PUT", "/v1/zones/" + name, api.admin, null, zone(8, "192.0.2.22")), 415);
        problem(api.send("PUT", "/v1/zones/bad..name", api.admin, "text/dns", zone(8, "192.0.2.22")), 422, "name");

        assertThat(api.a(www, false)).containsExactly("192.0.2.20");
        assertThat(listed(name + ".").getLong("serial")).isEqualTo(5);
        assertThat(api.delete("/v1/zones/" + name, api.admin).statusCode()).isEqualTo(204);
    }

    @Test
    void aZoneHoldingAPlatformHostnameCannotBeDeleted() throws Exception {
        String name = "test-" + api.next() + ".example";
        assertThat(upload(name, zone(1, "192.0.2.30")).statusCode()).isEqualTo(201);
        String plat = api.unique("zp");
        HttpResponse<String> p = api.put("/v1/platforms/" + plat, api.admin, Api.platform("cdn." + name));
        assertThat(p.statusCode()).as(p.body()).isEqualTo(201);

        problem(api.delete("/v1/zones/" + name, api.admin), 409);
        problem(api.delete("/v1/zones/pk-hub.example", api.admin), 409);
        await("still served", () -> api.a("www." + name, false).equals(List.of("192.0.2.30")));
        assertThat(listed(name + ".")).isNotNull();

        assertThat(api.delete("/v1/platforms/" + plat, api.admin).statusCode()).isEqualTo(204);
        assertThat(api.delete("/v1/zones/" + name, api.admin).statusCode()).isEqualTo(204);
    }

    @Test
    void zoneRoutesNeedTheAdminToken() throws Exception {
        String name = "test-" + api.next() + ".example";
        HttpResponse<String> r = api.send("PUT", "/v1/zones/" + name, null, "text/dns", zone(1, "192.0.2.40"));
        problem(r, 401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
        problem(api.send("PUT", "/v1/zones/" + name, api.demo, "text/dns", zone(1, "192.0.2.40")), 403);
        problem(api.delete("/v1/zones/pk-hub.example", null), 401);
        assertThat(listed(name + ".")).isNull();
        assertThat(api.rcode("www." + name, Type.A, false)).isEqualTo(Rcode.REFUSED);
    }

    // ---- limits: refused while parsing, the member keeps serving --------------------------------

    @Test
    void aTenMillionRecordGenerateIsRefusedAndDnsKeepsAnswering() throws Exception {
        String name = "test-" + api.next() + ".example";
        String text = "$ORIGIN " + name + ".\n"
                + "$TTL 300\n"
                + "@ IN SOA ns1 hostmaster ( 1 7200 1800 1209600 300 )\n"
                + "@ IN NS ns1\n"
                + "ns1 IN A 192.0.2.1\n"
                + "www IN A 192.0.2.1\n"
                + "\n"
                + "; hosts\n"
                + "$GENERATE 1-10000000 host$ A 192.0.2.1\n";
        JsonObject p = problem(upload(name, text), 422);
        assertThat(p.getString("detail")).contains("api:9: $GENERATE 1-10000000 makes 10,000,000 records")
                .contains("at most 65,536").contains("nothing was changed");
        assertThat(listed(name + ".")).isNull();
        for (boolean tcp : new boolean[] {false, true}) {
            assertThat(api.a("www.pk-hub.example", tcp)).containsExactly("192.0.2.80");
        }
        assertThat(api.rcode("host1." + name, Type.A, false)).isEqualTo(Rcode.REFUSED);
    }

    @Test
    void aBodyOverTheZoneLimitIs413NamingIt() throws Exception {
        String name = "test-" + api.next() + ".example";
        String big = zone(1, "192.0.2.1") + ";" + "x".repeat(1 << 20) + "\n";
        JsonObject p = problem(upload(name, big), 413);
        assertThat(p.getString("detail")).contains("zone upload is limited to 1 MiB");
        assertThat(listed(name + ".")).isNull();
    }

    @Test
    void aStaleSerialIsRefusedAtTheSoaBeforeTheRestIsRead() throws Exception {
        String name = "test-" + api.next() + ".example";
        assertThat(upload(name, zone(10, "192.0.2.50")).statusCode()).isEqualTo(201);
        // the broken last line is never reached: the serial decides first
        JsonObject p = problem(upload(name, zone(9, "192.0.2.51") + "bad IN A 300.1.2.3\n"), 409);
        assertThat(p.getString("detail")).contains("serial 10").contains("serial 9");
        assertThat(api.delete("/v1/zones/" + name, api.admin).statusCode()).isEqualTo(204);
    }

    @Test
    void anUploadMayNotIncludeFiles() throws Exception {
        String name = "test-" + api.next() + ".example";
        for (String target : new String[] {"/etc/passwd", "/nonexistent"}) {
            JsonObject p = problem(upload(name, zone(1, "192.0.2.60") + "$INCLUDE " + target + "\n"), 422);
            assertThat(p.getString("detail")).contains("api:6: $INCLUDE is not allowed in an uploaded zone");
        }
        assertThat(listed(name + ".")).isNull();
        assertThat(api.rcode("www." + name, Type.A, false)).isEqualTo(Rcode.REFUSED);
    }

    @Test
    void anEmptyBodySaysSo() throws Exception {
        String name = "test-" + api.next() + ".example";
        for (String body : new String[] {"", "\n  \n"}) {
            JsonObject p = problem(upload(name, body), 422);
            assertThat(p.getString("detail")).startsWith("empty body").doesNotContain("SOA record;");
        }
    }

    // ---- ?dryRun=true ---------------------------------------------------------------------------

    HttpResponse<String> dryRun(String name, String text) throws Exception {
        return api.send("PUT", "/v1/zones/" + name + "?dryRun=true", api.admin, "text/dns", text);
    }

    @Test
    void aDryRunReportsAndChangesNothing() throws Exception {
        String name = "test-" + api.next() + ".example";
        JsonObject r = json(dryRun(name, zone(42, "192.0.2.70")), 200);
        assertThat(r.getBoolean("dryRun")).isTrue();
        assertThat(r.getBoolean("valid")).isTrue();
        assertThat(r.getString("name")).isEqualTo(name + ".");
        assertThat(r.getLong("serial")).isEqualTo(42);
        assertThat(r.getInteger("records")).isEqualTo(4);
        assertThat(r.getJsonObject("types").getMap()).containsEntry("A", 2).containsEntry("NS", 1)
                .containsEntry("SOA", 1);
        assertThat(r.getString("change")).isEqualTo("create");
        assertThat(r.getJsonArray("problems")).isEmpty();
        assertThat(listed(name + ".")).as("nothing was stored").isNull();
        problem(api.get("/v1/zones/" + name, api.admin), 404);
        assertThat(api.rcode("www." + name, Type.A, false)).isEqualTo(Rcode.REFUSED);

        assertThat(upload(name, zone(42, "192.0.2.70")).statusCode()).isEqualTo(201);
        assertThat(json(dryRun(name, zone(42, "192.0.2.70")), 200).getString("change")).isEqualTo("none");
        assertThat(json(dryRun(name, zone(43, "192.0.2.71")), 200).getString("change")).isEqualTo("replace");
        await("still the stored zone", () -> api.a("www." + name, false).equals(List.of("192.0.2.70")));
        assertThat(listed(name + ".").getLong("serial")).isEqualTo(42);
        assertThat(api.delete("/v1/zones/" + name, api.admin).statusCode()).isEqualTo(204);
    }

    @Test
    void aDryRunOfABadZoneListsTheProblem() throws Exception {
        String name = "test-" + api.next() + ".example";
        for (String text : new String[] {"", zone(1, "300.1.2.3"), zone(1, "192.0.2.1") + "$INCLUDE /etc/passwd\n",
                zone(1, "192.0.2.1") + "$GENERATE 1-10000000 host$ A 192.0.2.1\n"}) {
            JsonObject r = json(dryRun(name, text), 200);
            assertThat(r.getBoolean("dryRun")).isTrue();
            assertThat(r.getBoolean("valid")).as(text).isFalse();
            assertThat(r.getJsonArray("problems")).hasSize(1);
        }
        JsonObject stale = json(dryRun("pk-hub.example", zone(1, "192.0.2.1")), 200);
        assertThat(stale.getBoolean("valid")).isFalse();
        assertThat(stale.getJsonArray("problems").getString(0)).contains("raise the SOA serial");
        problem(api.send("PUT", "/v1/zones/" + name + "?dryRun=yes", api.admin, "text/dns", zone(1, "192.0.2.1")),
                400, "dryRun");
        problem(api.send("PUT", "/v1/zones/" + name + "?dryRun=true", api.demo, "text/dns", zone(1, "192.0.2.1")),
                403);
        assertThat(listed(name + ".")).isNull();
    }

    // ---- platform hostnames and zone data -------------------------------------------------------

    @Test
    void aPlatformCannotTakeOverANameThatHoldsZoneData() throws Exception {
        String plat = api.unique("web");
        JsonObject p = problem(api.put("/v1/platforms/" + plat, api.admin, Api.platform("www.pk-hub.example")), 409);
        assertThat(p.getString("detail")).contains("zone pk-hub.example.").contains("A records at www.pk-hub.example.");
        problem(api.put("/v1/platforms/" + plat, api.admin, Api.platform("pk-hub.example")), 409);
        problem(api.get("/v1/platforms/" + plat, api.admin), 404);
        await("www keeps its zone data", () -> api.a("www.pk-hub.example", false).equals(List.of("192.0.2.80")));
    }

    @Test
    void aPlatformHostnameAtOrBelowADelegationIs422WildcardsAndEmptyNonTerminalsAreFine() throws Exception {
        String name = "test-" + api.next() + ".example";
        assertThat(upload(name, zone(1, "192.0.2.1") + "sub IN NS ns.elsewhere.example.\n*.cdn IN CNAME www\n"
                + "a.b IN A 192.0.2.2\n").statusCode()).isEqualTo(201);
        String plat = api.unique("np");
        problem(api.put("/v1/platforms/" + plat, api.admin, Api.platform("sub." + name)), 422, "hostnames[0]");
        JsonObject below = problem(api.put("/v1/platforms/" + plat, api.admin,
                Api.platform("ok." + name, "x.sub." + name)), 422, "hostnames[1]");
        assertThat(below.getString("detail")).contains("below the delegation sub." + name + ".");
        problem(api.put("/v1/platforms/" + plat, api.admin, Api.platform("x.elsewhere.example")), 422, "hostnames[0]");

        // covered only by a wildcard, or an empty non-terminal: the platform is the more specific name
        HttpResponse<String> ok = api.put("/v1/platforms/" + plat, api.admin,
                Api.platform("v.cdn." + name, "b." + name));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
        assertThat(api.delete("/v1/platforms/" + plat, api.admin).statusCode()).isEqualTo(204);
        assertThat(api.delete("/v1/zones/" + name, api.admin).statusCode()).isEqualTo(204);
    }

    @Test
    void aZoneUploadCannotPutDataOrADelegationAtAPlatformHostname() throws Exception {
        String name = "test-" + api.next() + ".example";
        assertThat(upload(name, zone(1, "192.0.2.1")).statusCode()).isEqualTo(201);
        String plat = api.unique("zp");
        assertThat(api.put("/v1/platforms/" + plat, api.admin, Api.platform("cdn." + name)).statusCode())
                .isEqualTo(201);

        JsonObject data = problem(upload(name, zone(2, "192.0.2.1") + "cdn IN A 192.0.2.9\n"), 409);
        assertThat(data.getString("detail")).contains("platform '" + plat + "'").contains("cdn." + name);
        JsonObject cut = problem(upload(name, zone(2, "192.0.2.1") + "cdn IN NS ns.elsewhere.example.\n"), 409);
        assertThat(cut.getString("detail")).contains("platform '" + plat + "'").contains("delegates");
        // a child zone that would answer for the hostname is checked too
        problem(upload("cdn." + name, zone(1, "192.0.2.1").replace("www IN A", "@ IN A")), 409);
        assertThat(listed("cdn." + name + ".")).isNull();
        assertThat(listed(name + ".").getLong("serial")).isEqualTo(1);
        // data beside it is fine
        assertThat(upload(name, zone(2, "192.0.2.1") + "a.cdn IN A 192.0.2.9\n").statusCode()).isEqualTo(200);

        assertThat(api.delete("/v1/platforms/" + plat, api.admin).statusCode()).isEqualTo(204);
        assertThat(api.delete("/v1/zones/" + name, api.admin).statusCode()).isEqualTo(204);
    }
}
