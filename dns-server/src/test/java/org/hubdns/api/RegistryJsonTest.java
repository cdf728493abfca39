package org.hubdns.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Consumer;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.HealthCheck;
import org.hubdns.cluster.model.NodeState;
import org.hubdns.cluster.model.Partner;
import org.hubdns.cluster.model.Platform;
import org.hubdns.cluster.model.Site;
import org.junit.jupiter.api.Test;

/** Request bodies to model objects and back, in process: what a body alone can be refused for. */
class RegistryJsonTest {
    private static final Caller PARTNER = new Caller.PartnerCaller("acme");
    private static final Caller OPERATOR = new Caller.Admin();

    /** One bad body: what reading it must answer (status, field, words of the message). */
    record Bad(String what, Consumer<JsonObject> read, String body, int status, String field, String says) {
    }

    private static Consumer<JsonObject> node(Caller c) {
        return b -> RegistryJson.readNode(b, c, null, 1000);
    }

    @Test
    void badBodiesAreRefusedNamingTheField() {
        Consumer<JsonObject> site = b -> RegistryJson.readSite("isb", b);
        Consumer<JsonObject> platform = b -> RegistryJson.readPlatform("video", b);
        Consumer<JsonObject> partner = RegistryJson::readPartner;
        String fb = "\"fallback\":{\"cname\":\"o.example\"}";
        List<Bad> cases = List.of(
                new Bad("unknown site field", site, "{\"city\":\"x\",\"country\":\"PK\",\"lat\":1,\"lon\":2,\"x\":1}",
                        400, "x", "unknown field 'x'"),
                new Bad("country not alpha-2", site, "{\"city\":\"x\",\"country\":\"pk\",\"lat\":1,\"lon\":2}",
                        422, "country", "ISO 3166-1 alpha-2"),
                new Bad("latitude out of range", site, "{\"city\":\"x\",\"country\":\"PK\",\"lat\":91,\"lon\":2}",
                        422, "lat", "lat"),
                new Bad("hostname twice", platform, "{\"hostnames\":[\"a.example\",\"A.example\"]," + fb + "}",
                        422, "hostnames[1]", "listed twice"),
                new Bad("fallback with both", platform, "{\"hostnames\":[\"a.example\"],\"fallback\":{\"cname\":"
                        + "\"o.example\",\"addresses\":[\"192.0.2.1\"]}}", 400, "fallback", "exactly one of"),
                new Bad("loopback fallback", platform, "{\"hostnames\":[\"a.example\"],\"fallback\":{\"addresses\":"
                        + "[\"127.0.0.1\"]}}", 422, "fallback.addresses[0]", "send every client to itself"),
                new Bad("spillAt above 1", platform, "{\"hostnames\":[\"a.example\"]," + fb + ",\"spillAt\":1.5}",
                        422, "spillAt", "spillAt"),
                new Bad("prefix not a CIDR", partner, "{\"platforms\":[],\"prefixes\":[\"10.0.0.0/33\"]}",
                        422, "prefixes[0]", ""),
                new Bad("prefix with host bits", partner, "{\"platforms\":[],\"prefixes\":[\"10.1.0.0/8\"]}",
                        422, "prefixes[0]", "the canonical form is 10.0.0.0/8"),
                new Bad("prefix twice", partner, "{\"platforms\":[],\"allowSpecial\":[\"2001:db8::/32\","
                        + "\"2001:0DB8:0::/32\"]}", 422, "allowSpecial[1]", "listed twice (as 2001:db8::/32)"),
                new Bad("partner names the owner", node(PARTNER), "{\"platform\":\"v\",\"site\":\"s\",\"addresses\":"
                        + "[\"192.0.2.1\"],\"partner\":\"other\"}", 400, "partner", "unknown field 'partner'"),
                new Bad("address twice", node(PARTNER), "{\"platform\":\"v\",\"site\":\"s\",\"addresses\":"
                        + "[\"192.0.2.1\",\"192.0.2.1\"]}", 422, "addresses[1]", "listed twice"),
                new Bad("http check without port", node(PARTNER), "{\"platform\":\"v\",\"site\":\"s\",\"addresses\":"
                        + "[\"192.0.2.1\"],\"check\":{\"type\":\"http\"}}", 400, "check.port", "needs 'check.port'"),
                new Bad("interval below the cluster's minimum", node(PARTNER), "{\"platform\":\"v\",\"site\":\"s\","
                        + "\"addresses\":[\"192.0.2.1\"],\"check\":{\"type\":\"tcp\",\"port\":80,\"intervalMs\":500}}",
                        422, "check.intervalMs", "minimum probe interval of 1000 ms"),
                new Bad("timeout not below interval", node(PARTNER), "{\"platform\":\"v\",\"site\":\"s\",\"addresses\":"
                        + "[\"192.0.2.1\"],\"check\":{\"type\":\"tcp\",\"port\":80,\"intervalMs\":2000,"
                        + "\"timeoutMs\":2000}}", 422, "check.timeoutMs", "must be below the interval (2000 ms)"));
        for (Bad c : cases) {
            ApiException e = catchThrowableOfType(() -> c.read().accept(new JsonObject(c.body())), ApiException.class);
            assertThat(e).as(c.what()).isNotNull();
            assertThat(e.status()).as(c.what()).isEqualTo(c.status());
            assertThat(e.field()).as(c.what()).isEqualTo(c.field());
            assertThat(e.getMessage()).as(c.what()).contains(c.says());
        }
    }

    @Test
    void goodBodiesBecomeModelsWithTheDefaults() {
        Site s = RegistryJson.readSite("isb", new JsonObject("{\"city\":\"Islamabad\",\"country\":\"PK\","
                + "\"lat\":33.7,\"lon\":73}"));
        assertThat(s).isEqualTo(new Site("isb", "Islamabad", "PK", 33.7, 73.0));

        Platform p = RegistryJson.readPlatform("video", new JsonObject("{\"hostnames\":[\"Video.Example\"],"
                + "\"fallback\":{\"cname\":\"origin.example\"},\"defaultSite\":\"nowhere\"}"));
        assertThat(p.hostnames()).containsExactly("video.example");
        assertThat(p.ttl()).isEqualTo(30);
        assertThat(p.answers()).isEqualTo(2);
        assertThat(p.fallback().cname()).isEqualTo("origin.example.");
        assertThat(p.defaultSite()).as("existence is the service's to check").isEqualTo("nowhere");

        RegistryService.PartnerSettings ps = RegistryJson.readPartner(new JsonObject("{\"platforms\":[\"video\"],"
                + "\"prefixes\":[\"2001:0DB8::/32\"]}"));
        assertThat(ps.prefixes()).containsExactly("2001:db8::/32");
        assertThat(ps.allowSpecial()).isEmpty();
        assertThat(ps.maxNodes()).isEqualTo(Partner.DEFAULT_MAX_NODES);

        RegistryService.NodeRequest n = RegistryJson.readNode(new JsonObject("{\"platform\":\"video\","
                + "\"site\":\"isb\",\"addresses\":[\"192.0.2.1\"]}"), PARTNER, null, 1000);
        assertThat(n).isEqualTo(new RegistryService.NodeRequest("acme", "video", "isb", List.of("192.0.2.1"), 100,
                HealthCheck.NONE));
    }

    @Test
    void theNodesOwnerComesFromTheNodeThenTheTokenThenTheOperatorsBody() {
        String body = "{\"platform\":\"v\",\"site\":\"s\",\"addresses\":[\"192.0.2.1\"]";
        assertThat(RegistryJson.readNode(new JsonObject(body + ",\"partner\":\"zeta\"}"), OPERATOR, null, 1000)
                .partner()).isEqualTo("zeta");
        CacheNode existing = new CacheNode("n-1", "acme", "v", "s", List.of("192.0.2.1"), 100, HealthCheck.NONE,
                CacheNode.ACTIVE);
        assertThat(RegistryJson.readNode(new JsonObject(body + "}"), OPERATOR, existing, 1000).partner())
                .isEqualTo("acme");
        ApiException e = catchThrowableOfType(() -> RegistryJson.readNode(new JsonObject(body
                + ",\"partner\":\"zeta\"}"), OPERATOR, existing, 1000), ApiException.class);
        assertThat(e.field()).isEqualTo("partner");
        assertThat(e.getMessage()).contains("cannot change partner");
    }

    @Test
    void responsesShowNoSecretsAndTheNodesState() {
        Partner p = new Partner("acme", List.of("video"), "ab12", List.of("10.0.0.0/8"), List.of(), 5);
        assertThat(RegistryJson.partnerJson(p)).isEqualTo(new JsonObject("{\"name\":\"acme\",\"platforms\":"
                + "[\"video\"],\"prefixes\":[\"10.0.0.0/8\"],\"allowSpecial\":[],\"maxNodes\":5}"));

        CacheNode n = new CacheNode("n-1", "acme", "video", "isb", List.of("192.0.2.1"), 100, HealthCheck.NONE,
                CacheNode.DRAINING);
        JsonObject o = RegistryJson.nodeJson(n, NodeState.UP);
        assertThat(o.containsKey("admin")).isFalse();
        assertThat(o.getString("id")).isEqualTo("n-1");
        assertThat(o.getJsonObject("state").getString("admin")).isEqualTo("draining");
        assertThat(o.getJsonObject("state").getString("health")).isEqualTo("up");
        assertThat(o.getJsonObject("state").containsKey("loadReportedAt")).isFalse();
    }
}
