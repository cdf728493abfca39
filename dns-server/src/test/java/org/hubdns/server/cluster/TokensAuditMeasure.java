package org.hubdns.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.hubdns.cluster.model.AuditEntry;
import org.hubdns.cluster.store.AuditLog;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Figures, not assertions (run on demand): what tokens and the audit trail cost on a two-member
 * cluster in one JVM. Sequential requests from one client over real HTTP on 127.0.0.1.
 *
 * <pre>
 * mvn -B -q test -pl dns-server -am -Dtest='org/hubdns/server/cluster/TokensAuditMeasure' \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dhubdns.measure=true
 * </pre>
 */
@Tag("measure")
@EnabledIfSystemProperty(named = "hubdns.measure", matches = "true")
class TokensAuditMeasure {
    private static final int WRITES = 1000;
    private static final int READS = 500;

    interface Call {
        HttpResponse<String> run() throws Exception;
    }

    private static String timed(String what, int n, int status, Call call) throws Exception {
        List<Long> micros = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = call.run();
            micros.add((System.nanoTime() - t0) / 1000);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        }
        Collections.sort(micros);
        String line = String.format("%-52s n=%5d p50=%6.2f ms p99=%6.2f ms max=%6.2f ms", what, n,
                micros.get(n / 2) / 1000.0, micros.get(n * 99 / 100) / 1000.0, micros.get(n - 1) / 1000.0);
        System.out.println("MEASURE " + line);
        return line;
    }

    @Test
    void figures() throws Exception {
        try (ClusterFixture c = ClusterFixture.start(2, true)) {
            ClusterFixture.Member m1 = c.m(1);
            ClusterFixture.Member m2 = c.m(2);
            String admin = c.admin();
            String partner = ClusterFixture.json(m1.putJson("/v1/partners/meas", admin, Map.of("platforms",
                    List.of()))).get("token").asText();
            for (int i = 0; i < 20; i++) { // a partner with 21 tokens: the match loop sees them all
                m1.postJson("/v1/partners/meas/tokens", admin, null);
            }
            String ro = ClusterFixture.json(m1.postJson("/v1/operators/tokens", admin, Map.of("name", "noc", "role",
                    "read-only"))).get("token").asText();
            Map<String, Object> site = Map.of("city", "Quetta", "country", "PK", "lat", 30.18, "lon", 66.99);
            int[] k = {0};
            timed("PUT /v1/sites/{n} (write + audit entry)", WRITES, 201,
                    () -> m1.putJson("/v1/sites/s" + (k[0]++), admin, site));
            timed("GET /v1/whoami, admin token", READS, 200, () -> m2.get("/v1/whoami", admin));
            timed("GET /v1/whoami, operator token (confirmed)", READS, 200, () -> m2.get("/v1/whoami", ro));
            timed("GET /v1/whoami, partner token (confirmed)", READS, 200, () -> m2.get("/v1/whoami", partner));
            timed("GET /v1/whoami, unknown token (401, cluster scan)", READS, 401,
                    () -> m2.get("/v1/whoami", "not-a-token-at-all-" + k[0]));
            timed("GET /v1/audit?limit=1000 (member 2)", 50, 200, () -> m2.get("/v1/audit?limit=1000", admin));
            timed("GET /v1/audit?partner=meas (scans all, member 2)", 50, 200,
                    () -> m2.get("/v1/audit?partner=meas&limit=1000", admin));

            AuditLog log = ClusterFixture.registry(m1.server).auditLog();
            List<Long> micros = new ArrayList<>();
            for (int i = 0; i < WRITES; i++) {
                long t0 = System.nanoTime();
                log.append(new AuditEntry(null, null, null, "admin", null, null, "127.0.0.1", "PUT", "/v1/x", "sites",
                        "x" + i, "create", null, i + 1));
                micros.add((System.nanoTime() - t0) / 1000);
            }
            Collections.sort(micros);
            System.out.printf("MEASURE %-52s n=%5d p50=%6.2f ms p99=%6.2f ms%n", "AuditLog.append alone", WRITES,
                    micros.get(WRITES / 2) / 1000.0, micros.get(WRITES * 99 / 100) / 1000.0);
        }
    }
}
