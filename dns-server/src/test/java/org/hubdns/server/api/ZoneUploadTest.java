package org.hubdns.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.server.api.Api.await;
import static org.hubdns.server.api.Api.json;
import static org.hubdns.server.api.Api.problem;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Zone uploads ({@code PUT /v1/zones/{name}}, master format as {@code text/dns}): served by DNS at
 * once, replaced only with a higher serial, refused when broken, listed, and deleted (then REFUSED)
 * unless a platform hostname lives in them.
 */
class ZoneUploadTest {
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        api = Api.start();
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

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
}
