package org.hubdns.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tokens and the audit trail across a real two-member cluster in one JVM: a token made on one
 * member works on the other, one revoked on one member is refused on the other at once (no wait
 * for the view), and the audit trail is the same on both members and survives a full restart of
 * the cluster (from the data dirs alone).
 */
class TokensAuditClusterTest {

    private static List<String> auditIds(ClusterFixture.Member m, String token, String query) throws Exception {
        HttpResponse<String> r = m.get("/v1/audit" + query, token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        ClusterFixture.json(r).get("entries").forEach(e -> ids.add(e.get("id").asText()));
        return ids;
    }

    @Test
    void revokedOnOneMemberIsRefusedOnTheOtherAtOnceAndTheAuditTrailSurvivesAFullRestart() throws Exception {
        try (ClusterFixture c = ClusterFixture.start(2, true)) {
            ClusterFixture.Member m1 = c.m(1);
            ClusterFixture.Member m2 = c.m(2);
            String admin = c.admin();

            HttpResponse<String> made = m1.putJson("/v1/partners/cdn", admin, Map.of("platforms", List.of()));
            assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
            String first = ClusterFixture.json(made).get("token").asText();
            HttpResponse<String> second = m1.postJson("/v1/partners/cdn/tokens", first, null);
            assertThat(second.statusCode()).as(second.body()).isEqualTo(201);
            JsonNode t2 = ClusterFixture.json(second);

            // both work on the other member at once (a view miss asks the cluster)
            for (String t : List.of(first, t2.get("token").asText())) {
                HttpResponse<String> who = m2.get("/v1/whoami", t);
                assertThat(who.statusCode()).as(who.body()).isEqualTo(200);
                assertThat(ClusterFixture.json(who).get("partner").asText()).isEqualTo("cdn");
            }
            // revoked through member 1: refused by member 2 on the very next request
            assertThat(m1.delete("/v1/partners/cdn/tokens/" + t2.get("id").asText(), admin).statusCode()).isEqualTo(204);
            assertThat(m2.get("/v1/whoami", t2.get("token").asText()).statusCode()).isEqualTo(401);
            assertThat(m2.get("/v1/whoami", first).statusCode()).isEqualTo(200);

            // the same for an operator token
            HttpResponse<String> op = m2.postJson("/v1/operators/tokens", admin, Map.of("name", "noc", "role",
                    "read-only"));
            assertThat(op.statusCode()).as(op.body()).isEqualTo(201);
            JsonNode noc = ClusterFixture.json(op);
            String nocToken = noc.get("token").asText();
            assertThat(m1.get("/v1/sites", nocToken).statusCode()).isEqualTo(200);
            assertThat(m1.putJson("/v1/sites/quetta", nocToken, Map.of("city", "Quetta", "country", "PK", "lat", 30.18,
                    "lon", 66.99)).statusCode()).isEqualTo(403);
            assertThat(m2.delete("/v1/operators/tokens/" + noc.get("id").asText(), admin).statusCode()).isEqualTo(204);
            assertThat(m1.get("/v1/sites", nocToken).statusCode()).isEqualTo(401);

            // writes through either member: one trail, the same on both
            assertThat(m2.putJson("/v1/sites/gwadar", admin, Map.of("city", "Gwadar", "country", "PK", "lat", 25.12,
                    "lon", 62.32)).statusCode()).isEqualTo(201);
            List<String> onM2 = auditIds(m2, admin, "?limit=1000");
            assertThat(onM2).hasSizeGreaterThanOrEqualTo(5);
            ClusterFixture.await(Duration.ofSeconds(10), "member 1 has member 2's audit entries",
                    () -> auditIds(m1, admin, "?limit=1000").equals(onM2), () -> auditIds(m1, admin, "?limit=1000"));
            JsonNode newest = ClusterFixture.json(m1.get("/v1/audit?limit=1", admin)).get("entries").get(0);
            assertThat(newest.get("key").asText()).isEqualTo("gwadar");
            assertThat(newest.get("member").asText()).isEqualTo("127.0.0.1:" + m2.clusterPort);
            // each member's audit.jsonl holds the entries it accepted
            assertThat(Files.readString(m2.dataDir.resolve("audit.jsonl"))).contains(newest.get("id").asText());
            assertThat(Files.readString(m1.dataDir.resolve("audit.jsonl"))).doesNotContain(newest.get("id").asText())
                    .contains("\"key\":\"cdn\"");
            // the partner sees its own: the token it made and nothing of the operator's
            List<String> partnerSees = auditIds(m2, first, "");
            assertThat(partnerSees).hasSize(1);

            // a full restart: both stopped, the cluster is gone, then both started from their data dirs
            m2.stop();
            m1.stop();
            m1.start();
            c.startTogether(List.of(m2));
            assertThat(auditIds(m1, admin, "?limit=1000")).isEqualTo(onM2);
            assertThat(auditIds(m2, admin, "?limit=1000")).isEqualTo(onM2);
            // and revoked tokens stay revoked
            assertThat(m2.get("/v1/whoami", t2.get("token").asText()).statusCode()).isEqualTo(401);
            assertThat(m1.get("/v1/sites", nocToken).statusCode()).isEqualTo(401);
            assertThat(m2.get("/v1/whoami", first).statusCode()).isEqualTo(200);
        }
    }
}
