package org.hubdns.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.api.Api.json;
import static org.hubdns.api.Api.problem;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The audit trail over real HTTP against one demo member: what an operator's and a partner's writes
 * record, who sees which entries, paging with {@code before}, the filters, bad parameters, and the
 * lines in {@code <data-dir>/audit.jsonl}.
 */
class AuditTest extends DemoMemberTest {

    private static JsonArray entries(String query, String token) throws Exception {
        return json(api.get("/v1/audit" + query, token), 200).getJsonArray("entries");
    }

    @Test
    void operatorWritesAreRecordedWithVersionsBeforeAndAfter() throws Exception {
        String site = api.unique("aud");
        Instant start = Instant.now();
        var created = api.put("/v1/sites/" + site, api.admin, Api.site("Multan"));
        assertThat(created.statusCode()).isEqualTo(201);
        long v1 = Long.parseLong(created.headers().firstValue("ETag").orElseThrow().replace("\"", ""), 16);
        var updated = api.put("/v1/sites/" + site, api.admin, Api.site("Multan Cantt"));
        long v2 = Long.parseLong(updated.headers().firstValue("ETag").orElseThrow().replace("\"", ""), 16);
        assertThat(api.delete("/v1/sites/" + site, api.admin).statusCode()).isEqualTo(204);

        JsonArray list = entries("?kind=sites&limit=1000", api.admin);
        List<JsonObject> mine = new ArrayList<>();
        list.forEach(o -> {
            if (site.equals(((JsonObject) o).getString("key"))) {
                mine.add((JsonObject) o);
            }
        });
        assertThat(mine).hasSize(3);
        JsonObject delete = mine.get(0); // newest first
        JsonObject update = mine.get(1);
        JsonObject create = mine.get(2);
        assertThat(create.getString("change")).isEqualTo("create");
        assertThat(create.getValue("versionBefore")).isNull();
        assertThat(create.getLong("versionAfter")).isEqualTo(v1);
        assertThat(update.getString("change")).isEqualTo("update");
        assertThat(update.getLong("versionBefore")).isEqualTo(v1);
        assertThat(update.getLong("versionAfter")).isEqualTo(v2);
        assertThat(delete.getString("change")).isEqualTo("delete");
        assertThat(delete.getLong("versionBefore")).isEqualTo(v2);
        assertThat(delete.getLong("versionAfter")).isGreaterThan(v2);
        assertThat(create.getString("actor")).isEqualTo("admin");
        assertThat(create.getValue("partner")).isNull();
        assertThat(create.getValue("tokenId")).isNull();
        assertThat(create.getString("client")).isEqualTo("127.0.0.1");
        assertThat(create.getString("method")).isEqualTo("PUT");
        assertThat(create.getString("path")).isEqualTo("/v1/sites/" + site);
        assertThat(create.getString("kind")).isEqualTo("sites");
        assertThat(create.getString("member")).startsWith("127.0.0.1:");
        assertThat(Instant.parse(create.getString("time"))).isBetween(start.minusSeconds(1), Instant.now());
        assertThat(create.getString("id")).matches("a-[0-9a-f]{16}-[0-9a-f]{8}");

        // every accepted write lands in audit.jsonl too, one JSON object a line
        List<String> lines = Files.readAllLines(api.server.dataDir().resolve("audit.jsonl"));
        assertThat(lines.stream().map(JsonObject::new).map(o -> o.getString("id")))
                .contains(create.getString("id"), update.getString("id"), delete.getString("id"));
        JsonObject line = lines.stream().map(JsonObject::new).filter(o -> o.getString("id").equals(update.getString("id")))
                .findFirst().orElseThrow();
        assertThat(line.getString("key")).isEqualTo(site);
        assertThat(line.getLong("versionBefore")).isEqualTo(v1);

        // refused writes record nothing
        int before = entries("?limit=1000", api.admin).size();
        problem(api.put("/v1/sites/" + site, api.admin, new JsonObject().put("city", "x")), 400);
        problem(api.put("/v1/sites/" + site, api.demo, Api.site("Multan")), 403);
        assertThat(entries("?limit=1000", api.admin).size()).isEqualTo(before);
    }

    @Test
    void partnerWritesNameThePartnerAndItsTokenAndAPartnerSeesOnlyItsOwn() throws Exception {
        String plat = api.unique("aplat");
        api.createPlatform(plat);
        String a = api.unique("apa");
        String b = api.unique("apb");
        String ta = api.createPartner(a, plat);
        String tb = api.createPartner(b, plat);
        String tokenId = json(api.get("/v1/whoami", ta), 200).getString("tokenId");
        JsonObject node = api.register(ta, Api.node(plat, "isb", 10, "192.0.2." + (api.next() % 200 + 1)));
        api.register(tb, Api.node(plat, "isb", 10, "192.0.2." + (api.next() % 200 + 1)));
        JsonObject issued = json(api.post("/v1/partners/" + a + "/tokens", ta, null), 201);

        JsonArray own = entries("", ta);
        assertThat(own).isNotEmpty();
        own.forEach(o -> assertThat(((JsonObject) o).getString("partner")).isEqualTo(a));
        JsonObject nodeEntry = own.stream().map(JsonObject.class::cast)
                .filter(e -> e.getString("kind").equals("nodes")).findFirst().orElseThrow();
        assertThat(nodeEntry.getString("actor")).isEqualTo(a);
        assertThat(nodeEntry.getString("tokenId")).isEqualTo(tokenId);
        assertThat(nodeEntry.getString("key")).isEqualTo(node.getString("id"));
        assertThat(nodeEntry.getString("method")).isEqualTo("POST");
        assertThat(nodeEntry.getString("path")).isEqualTo("/v1/nodes");
        assertThat(nodeEntry.getString("change")).isEqualTo("create");
        // the token it made is a change to its partner record
        assertThat(own.getJsonObject(0).getString("kind")).isEqualTo("partners");
        assertThat(own.getJsonObject(0).getString("key")).isEqualTo(a);
        assertThat(own.getJsonObject(0).getString("path")).isEqualTo("/v1/partners/" + a + "/tokens");
        assertThat(api.get("/v1/audit", ta).body()).doesNotContain(issued.getString("token"));

        problem(api.get("/v1/audit?partner=" + b, ta), 403);
        assertThat(entries("?partner=" + a, ta)).isEqualTo(own);
        // the operator sees both, and filters
        assertThat(entries("?partner=" + b + "&kind=nodes", api.admin)).hasSize(1);
        assertThat(entries("?actor=" + a + "&kind=nodes", api.admin).getJsonObject(0).getString("key"))
                .isEqualTo(node.getString("id"));
        assertThat(entries("?actor=admin&kind=partners", api.admin).stream().map(o -> ((JsonObject) o).getString("key")))
                .contains(a, b);
    }

    @Test
    void streamedUploadsAndTokenChangesAreRecordedToo() throws Exception {
        // the coverage set is written after its body streamed in, outside the usual route wrapper
        String body = new JsonArray().add(new JsonObject().put("cidr", "182.185.0.0/16").put("site", "khi")).encode();
        assertThat(api.send("PUT", "/v1/coverage-zones", api.admin, Api.JSON, body).statusCode()).isEqualTo(200);
        JsonObject coverage = entries("?kind=datasets&limit=1", api.admin).getJsonObject(0);
        assertThat(coverage.getString("key")).isEqualTo("coverage");
        assertThat(coverage.getString("actor")).isEqualTo("admin");
        assertThat(coverage.getString("method")).isEqualTo("PUT");
        assertThat(coverage.getString("path")).isEqualTo("/v1/coverage-zones");
        // a dry run changes nothing and records nothing
        int before = entries("?kind=datasets&limit=1000", api.admin).size();
        assertThat(api.send("PUT", "/v1/coverage-zones?dryRun=true", api.admin, Api.JSON, body).statusCode())
                .isEqualTo(200);
        assertThat(entries("?kind=datasets&limit=1000", api.admin).size()).isEqualTo(before);

        // operator tokens: made and revoked by a named admin token, which the trail names by its id
        JsonObject ops = json(api.post("/v1/operators/tokens", api.admin,
                new JsonObject().put("name", "audit-ops").put("role", "admin")), 201);
        JsonObject made = json(api.post("/v1/operators/tokens", ops.getString("token"),
                new JsonObject().put("name", "audit-ro").put("role", "read-only")), 201);
        assertThat(api.delete("/v1/operators/tokens/" + made.getString("id"), ops.getString("token")).statusCode())
                .isEqualTo(204);
        JsonArray byOps = entries("?actor=" + ops.getString("id"), api.admin);
        assertThat(byOps).hasSize(2);
        assertThat(byOps.getJsonObject(0).getString("change")).isEqualTo("delete");
        assertThat(byOps.getJsonObject(1).getString("change")).isEqualTo("create");
        for (Object o : byOps) {
            JsonObject e = (JsonObject) o;
            assertThat(e.getString("kind")).isEqualTo("operator-tokens");
            assertThat(e.getString("key")).isEqualTo(made.getString("id"));
            assertThat(e.getString("tokenId")).isEqualTo(ops.getString("id"));
            assertThat(e.getValue("partner")).isNull();
        }
        assertThat(api.get("/v1/audit?limit=1000", api.admin).body()).doesNotContain(made.getString("token"))
                .doesNotContain(Tokens.sha256(made.getString("token")));
    }

    @Test
    void pagesGoBackWithBefore() throws Exception {
        List<String> sites = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String s = api.unique("page");
            api.createSite(s);
            sites.add(s);
        }
        JsonObject first = json(api.get("/v1/audit?kind=sites&limit=2", api.admin), 200);
        JsonArray p1 = first.getJsonArray("entries");
        assertThat(p1).hasSize(2);
        assertThat(first.getString("next")).isEqualTo(p1.getJsonObject(1).getString("id"));
        JsonObject second = json(api.get("/v1/audit?kind=sites&limit=2&before=" + first.getString("next"), api.admin), 200);
        JsonArray p2 = second.getJsonArray("entries");
        JsonObject third = json(api.get("/v1/audit?kind=sites&limit=2&before=" + second.getString("next"), api.admin), 200);
        List<String> keys = new ArrayList<>();
        for (JsonArray p : List.of(p1, p2, third.getJsonArray("entries"))) {
            p.forEach(o -> keys.add(((JsonObject) o).getString("key")));
        }
        assertThat(keys.subList(0, 5)).containsExactly(sites.get(4), sites.get(3), sites.get(2), sites.get(1),
                sites.get(0));
        List<String> ids = new ArrayList<>();
        for (JsonArray p : List.of(p1, p2)) {
            p.forEach(o -> ids.add(((JsonObject) o).getString("id")));
        }
        assertThat(ids).isSortedAccordingTo(java.util.Comparator.reverseOrder());

        // since/until bound by time
        Instant at = Instant.parse(p2.getJsonObject(0).getString("time"));
        JsonArray until = entries("?kind=sites&until=" + at.minusSeconds(3600), api.admin);
        until.forEach(o -> assertThat(Instant.parse(((JsonObject) o).getString("time"))).isBeforeOrEqualTo(
                at.minusSeconds(3600)));
        assertThat(entries("?kind=sites&since=" + Instant.now().plusSeconds(3600), api.admin)).isEmpty();
        assertThat(entries("?kind=sites&since=" + at.minusSeconds(60), api.admin).size()).isGreaterThanOrEqualTo(5);
        // the default page is 100 at most
        assertThat(entries("", api.admin).size()).isLessThanOrEqualTo(100);
    }

    @Test
    void badParametersAre400() throws Exception {
        Api.problem(api.get("/v1/audit?limit=0", api.admin), 400, "limit");
        Api.problem(api.get("/v1/audit?limit=1001", api.admin), 400, "limit");
        Api.problem(api.get("/v1/audit?limit=ten", api.admin), 400, "limit");
        Api.problem(api.get("/v1/audit?before=42", api.admin), 400, "before");
        Api.problem(api.get("/v1/audit?since=yesterday", api.admin), 400, "since");
        Api.problem(api.get("/v1/audit?until=2026-13-01T00:00:00Z", api.admin), 400, "until");
        Api.problem(api.get("/v1/audit?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z", api.admin), 400,
                "since");
        Api.problem(api.get("/v1/audit?kind=bogus", api.admin), 400, "kind");
        Api.problem(api.get("/v1/audit?actor=", api.admin), 400, "actor");
        Api.problem(api.get("/v1/audit?sort=asc", api.admin), 400, "sort");
        problem(api.get("/v1/audit", null), 401);
        assertThat(json(api.get("/v1/audit?limit=1000", api.admin), 200).containsKey("entries")).isTrue();
    }
}
