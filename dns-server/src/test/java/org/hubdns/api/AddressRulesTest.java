package org.hubdns.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.api.Api.await;
import static org.hubdns.api.Api.json;
import static org.hubdns.api.Api.node;
import static org.hubdns.api.Api.problem;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.HealthCheck;
import org.hubdns.cluster.store.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a partner may register as a cache node address, over real HTTP to one demo member: no
 * special-purpose address unless the operator allows its range ({@code allowSpecial}), only inside
 * the partner's {@code prefixes} when set, one canonical form, never another partner's address nor
 * one address on two nodes of a platform, at most {@code maxNodes}; and changing those settings
 * never strands existing nodes. The DNS answer never repeats an address, whatever is stored.
 */
class AddressRulesTest extends DemoMemberTest {
    /** A partner for {@code video} with these settings (operator's PUT); returns its token. */
    static String partner(String name, JsonObject settings) throws Exception {
        JsonObject body = new JsonObject().put("platforms", new JsonArray().add("video")).mergeIn(settings);
        return json(api.put("/v1/partners/" + name, api.admin, body), 201).getString("token");
    }

    // ---- special-purpose addresses ------------------------------------------------------------------

    @ParameterizedTest(name = "{0} is refused as {1}")
    @CsvSource({
            "127.0.0.1, loopback", "::1, loopback", "169.254.1.1, link-local", "fe80::1, link-local",
            "10.1.2.3, private-use", "172.16.5.4, private-use", "192.168.1.1, private-use",
            "100.64.0.1, shared address space", "192.0.2.1, documentation", "198.51.100.1, documentation",
            "203.0.113.1, documentation", "2001:db8::1, documentation", "198.18.0.1, benchmarking",
            "2001:2::1, benchmarking", "fd00::1, unique-local", "192.0.0.9, Port Control Protocol anycast",
            "64:ff9b::102:304, NAT64", "100::1, discard-only", "2002:c000:201::1, 6to4", "2001::1, Teredo",
            "2001:20::1, ORCHIDv2", "3ffe::1, 6bone", "224.0.0.1, multicast", "ff02::1, multicast",
            "240.0.0.1, reserved", "255.255.255.255, broadcast", "0.1.2.3, this network", "::, unspecified"})
    void specialPurposeAddressesAreRefusedNamingTheirClass(String address, String kind) throws Exception {
        String token = partner(api.unique("plain"), new JsonObject());
        JsonObject p = problem(api.post("/v1/nodes", token, node("video", "isb", 5, "39.40.1.10", address)), 422,
                "addresses[1]");
        assertThat(p.getString("detail")).contains(address).contains(kind);
        assertThat(api.nodes(token)).as("nothing registered").isEmpty();
    }

    @Test
    void ordinaryUnicastIsAcceptedAndAllowSpecialOpensARangeForOnePartner() throws Exception {
        String plain = partner(api.unique("plain"), new JsonObject());
        api.register(plain, node("video", "isb", 5, "39.40.1.11", "2a00:1450::11"));

        String lab = api.unique("lab");
        String token = partner(lab, new JsonObject().put("allowSpecial", new JsonArray().add("127.0.0.0/8")));
        JsonObject n = api.register(token, node("video", "lhe", 5, "127.0.0.77"));
        assertThat(n.getJsonArray("addresses")).containsExactly("127.0.0.77");
        JsonObject p = problem(api.post("/v1/nodes", token, node("video", "lhe", 5, "10.9.9.9")), 422, "addresses[0]");
        assertThat(p.getString("detail")).contains("10.9.9.9").contains("private-use").contains("allowSpecial");

        // addresses nobody can be sent to stay refused, whatever the operator allows
        String all = partner(api.unique("all"), new JsonObject().put("allowSpecial", new JsonArray().add("0.0.0.0/0")));
        problem(api.post("/v1/nodes", all, node("video", "lhe", 5, "224.0.0.5")), 422, "addresses[0]");

        JsonObject read = json(api.get("/v1/partners/" + lab, api.admin), 200);
        assertThat(read.getJsonArray("allowSpecial")).containsExactly("127.0.0.0/8");
        assertThat(read.getJsonArray("prefixes")).isEmpty();
        assertThat(read.getInteger("maxNodes")).isEqualTo(1000);
    }

    @Test
    void theDemoPartnerMayUseItsPrivateRangeOnly() throws Exception {
        JsonObject demo = json(api.get("/v1/partners/demo", api.admin), 200);
        assertThat(demo.getJsonArray("allowSpecial")).containsExactly("10.0.0.0/8");
        problem(api.post("/v1/nodes", api.demo, node("video", "isb", 5, "127.0.0.1")), 422, "addresses[0]");
    }

    @Test
    void aFallbackMayNotSendClientsToThemselves() throws Exception {
        String name = api.unique("fb");
        for (String local : List.of("127.0.0.1", "::1", "169.254.0.1", "fe80::1")) {
            JsonObject p = problem(api.put("/v1/platforms/" + name, api.admin, Api.platform(name + ".pk-hub.example")
                    .put("fallback", new JsonObject().put("addresses", new JsonArray().add(local)))), 422,
                    "fallback.addresses[0]");
            assertThat(p.getString("detail")).contains(local);
        }
    }

    // ---- one canonical form, one owner --------------------------------------------------------------

    @Test
    void addressesHaveOneCanonicalForm() throws Exception {
        String token = partner(api.unique("canon"), new JsonObject().put("allowSpecial",
                new JsonArray().add("192.0.2.0/24").add("2001:db8::/32")));
        JsonObject p = problem(api.post("/v1/nodes", token, node("video", "isb", 5, "192.0.2.1", "01.2.3.4")), 422,
                "addresses[1]");
        assertThat(p.getString("detail")).contains("01.2.3.4").contains("leading zero").contains("octal");
        problem(api.post("/v1/nodes", token, node("video", "isb", 5, "192.0.2.010")), 422, "addresses[0]");
        p = problem(api.post("/v1/nodes", token, node("video", "isb", 5, "::ffff:192.0.2.7")), 422, "addresses[0]");
        assertThat(p.getString("detail")).contains("IPv4-mapped").contains("192.0.2.7");
        problem(api.post("/v1/nodes", token, node("video", "isb", 5, "::FFFF:C000:0207")), 422, "addresses[0]");

        JsonObject n = api.register(token, node("video", "isb", 5, "2001:DB8:0:0:0::a:B"));
        assertThat(n.getJsonArray("addresses")).containsExactly("2001:db8::a:b");
        p = problem(api.post("/v1/nodes", token, node("video", "khi", 5, "2001:db8:0::a:b")), 409, "addresses[0]");
        assertThat(p.getString("detail")).contains("2001:db8::a:b").contains(n.getString("id"));
    }

    @Test
    void anotherPartnersAddressIsAConflictThatNamesNothingOfTheirs() throws Exception {
        String token = partner(api.unique("thief"), new JsonObject().put("allowSpecial",
                new JsonArray().add("10.0.0.0/8")));
        JsonObject p = problem(api.post("/v1/nodes", token, node("video", "isb", 5, "10.10.1.1")), 409,
                "addresses[0]");
        assertThat(p.getString("detail")).contains("10.10.1.1").contains("another partner")
                .doesNotContain("demo").doesNotContain("isb");
        assertThat(api.nodes(token)).isEmpty();
    }

    @Test
    void oneAddressIsOneNodePerPlatformButMayServeAnotherPlatform() throws Exception {
        String plat = api.unique("dup");
        api.createPlatform(plat);
        String name = api.unique("owner");
        String token = json(api.put("/v1/partners/" + name, api.admin, new JsonObject()
                .put("platforms", new JsonArray().add("video").add(plat))
                .put("allowSpecial", new JsonArray().add("192.0.2.0/24"))), 201).getString("token");
        String first = api.register(token, node("video", "isb", 5, "192.0.2.160")).getString("id");
        JsonObject p = problem(api.post("/v1/nodes", token, node("video", "khi", 5, "192.0.2.161", "192.0.2.160")),
                409, "addresses[1]");
        assertThat(p.getString("detail")).contains("192.0.2.160").contains(first);
        api.register(token, node(plat, "isb", 5, "192.0.2.160")); // the same cache serving a second platform
        // a PUT of the node itself keeps its own address
        HttpResponse<String> same = api.put("/v1/nodes/" + first, token, node("video", "lhe", 9, "192.0.2.160"));
        assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
    }

    /**
     * The safety net: two nodes stored with one address (as before the registry refused it, or by two
     * racing registrations), and a node listing it twice, answer it once, over UDP and TCP.
     */
    @Test
    void anAnswerNeverCarriesTheSameAddressTwice() throws Exception {
        String plat = api.unique("twice");
        String host = plat + ".pk-hub.example";
        JsonObject body = Api.platform(host).put("answers", 16).put("defaultSite", "isb");
        assertThat(api.put("/v1/platforms/" + plat, api.admin, body).statusCode()).isEqualTo(201);
        String a = api.unique("pa");
        String b = api.unique("pb");
        partner(a, new JsonObject());
        partner(b, new JsonObject());
        // written as the registry held them, past the API's checks
        var registry = api.server.registry();
        registry.put(Kind.NODES, "n-" + a, new CacheNode("n-" + a, a, plat, "isb",
                List.of("192.0.2.170", "192.0.2.171", "192.0.2.170"), 100, HealthCheck.NONE, CacheNode.ACTIVE));
        registry.put(Kind.NODES, "n-" + b, new CacheNode("n-" + b, b, plat, "isb",
                List.of("192.0.2.170", "192.0.2.172"), 100, HealthCheck.NONE, CacheNode.ACTIVE));
        registry.put(Kind.NODES, "n-" + b + "-2", new CacheNode("n-" + b + "-2", b, plat, "isb",
                List.of("192.0.2.171"), 100, HealthCheck.NONE, CacheNode.ACTIVE));
        for (boolean tcp : new boolean[] {false, true}) {
            await("all three addresses answered over " + (tcp ? "TCP" : "UDP"),
                    () -> api.a(host, tcp).containsAll(List.of("192.0.2.170", "192.0.2.171", "192.0.2.172")));
            assertThat(api.a(host, tcp)).as("tcp=%s", tcp).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrder("192.0.2.170", "192.0.2.171", "192.0.2.172");
        }
    }

    // ---- partner settings ---------------------------------------------------------------------------

    @Test
    void prefixesBoundAPartnersAddresses() throws Exception {
        String name = api.unique("scoped");
        String token = partner(name, new JsonObject().put("prefixes", new JsonArray().add("39.40.0.0/16")
                .add("2a00:1450::/32")));
        api.register(token, node("video", "isb", 5, "39.40.2.3", "2a00:1450::3"));
        JsonObject p = problem(api.post("/v1/nodes", token, node("video", "isb", 5, "39.41.2.3")), 422,
                "addresses[0]");
        assertThat(p.getString("detail")).contains("39.41.2.3").contains("39.40.0.0/16").contains("prefixes");
        // allowSpecial does not widen prefixes: both must hold
        assertThat(api.put("/v1/partners/" + name, api.admin, new JsonObject().put("platforms",
                new JsonArray().add("video")).put("prefixes", new JsonArray().add("39.40.0.0/16").add("2a00:1450::/32"))
                .put("allowSpecial", new JsonArray().add("10.0.0.0/8"))).statusCode()).isEqualTo(200);
        problem(api.post("/v1/nodes", token, node("video", "isb", 5, "10.77.0.1")), 422, "addresses[0]");
    }

    @Test
    void badSettingsAreRefusedNamingTheField() throws Exception {
        String name = api.unique("bad");
        problem(api.put("/v1/partners/" + name, api.admin, new JsonObject().put("platforms", new JsonArray())
                .put("prefixes", new JsonArray().add("39.40.0.1/16"))), 422, "prefixes[0]");
        problem(api.put("/v1/partners/" + name, api.admin, new JsonObject().put("platforms", new JsonArray())
                .put("allowSpecial", new JsonArray().add("localhost/8"))), 422, "allowSpecial[0]");
        problem(api.put("/v1/partners/" + name, api.admin, new JsonObject().put("platforms", new JsonArray())
                .put("allowSpecial", "127.0.0.0/8")), 400, "allowSpecial");
        problem(api.put("/v1/partners/" + name, api.admin, new JsonObject().put("platforms", new JsonArray())
                .put("maxNodes", -1)), 422, "maxNodes");
        problem(api.get("/v1/partners/" + name, api.admin), 404);
    }

    @Test
    void maxNodesLimitsRegistrationsAndCannotDropBelowTheNodesThere() throws Exception {
        String name = api.unique("small");
        JsonObject settings = new JsonObject().put("allowSpecial", new JsonArray().add("192.0.2.0/24"))
                .put("maxNodes", 2);
        String token = partner(name, settings);
        api.register(token, node("video", "isb", 5, "192.0.2.181"));
        api.register(token, node("video", "isb", 5, "192.0.2.182"));
        JsonObject p = problem(api.post("/v1/nodes", token, node("video", "isb", 5, "192.0.2.183")), 409);
        assertThat(p.getString("detail")).contains("maxNodes").contains("2");
        assertThat(api.nodes(token)).hasSize(2);

        JsonObject lower = new JsonObject().put("platforms", new JsonArray().add("video")).mergeIn(settings.copy()
                .put("maxNodes", 1));
        p = problem(api.put("/v1/partners/" + name, api.admin, lower), 409);
        assertThat(p.getString("detail")).contains("2 cache nodes").contains("maxNodes 1");
        assertThat(json(api.get("/v1/partners/" + name, api.admin), 200).getInteger("maxNodes")).isEqualTo(2);
    }

    @Test
    void narrowingAPartnerNeverStrandsItsNodes() throws Exception {
        String name = api.unique("narrow");
        String token = partner(name, new JsonObject().put("allowSpecial", new JsonArray().add("192.0.2.0/24")));
        String doc = api.register(token, node("video", "isb", 5, "192.0.2.191")).getString("id");
        String pub = api.register(token, node("video", "khi", 5, "39.40.3.1")).getString("id");

        JsonObject withoutDoc = new JsonObject().put("platforms", new JsonArray().add("video"));
        JsonObject p = problem(api.put("/v1/partners/" + name, api.admin, withoutDoc), 409);
        assertThat(p.getString("detail")).contains(doc).contains("192.0.2.191").contains("documentation")
                .doesNotContain(pub);
        p = problem(api.put("/v1/partners/" + name, api.admin, withoutDoc.copy()
                .put("allowSpecial", new JsonArray().add("192.0.2.0/24")).put("prefixes", new JsonArray()
                        .add("192.0.2.0/24"))), 409);
        assertThat(p.getString("detail")).contains(pub).contains("39.40.3.1").contains("prefixes").doesNotContain(doc);

        JsonObject kept = json(api.get("/v1/partners/" + name, api.admin), 200);
        assertThat(kept.getJsonArray("allowSpecial")).containsExactly("192.0.2.0/24");
        assertThat(kept.getJsonArray("prefixes")).isEmpty();
        assertThat(api.nodes(token)).hasSize(2);

        // once the node is gone, the narrower setting is accepted
        assertThat(api.delete("/v1/nodes/" + doc, token).statusCode()).isEqualTo(204);
        assertThat(api.put("/v1/partners/" + name, api.admin, withoutDoc).statusCode()).isEqualTo(200);
    }
}
