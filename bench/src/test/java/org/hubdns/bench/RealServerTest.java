package org.hubdns.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench against a real hubdns member (demo data, coverage zones for the three sites) in this
 * JVM: counts, RCODEs, answers, sites and ECS scopes in the report, UDP and TCP, and the failover
 * scenario through the real API.
 */
class RealServerTest {
    @TempDir
    static Path dir;
    static InJvmHubdns hubdns;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        hubdns = InJvmHubdns.demo(dir);
        var put = hubdns.http("PUT", "/v1/coverage-zones", "text/csv",
                "182.185.1.0/24,khi\n39.40.1.0/24,isb\n182.176.1.0/24,lhe\n");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(hubdns.awaitFirstAddress("video.pk-hub.example", "182.185.1.0/24", "10.20.", 20))
                .as("Karachi's network answered from khi").isTrue();
    }

    @AfterAll
    static void stop() {
        if (hubdns != null) {
            hubdns.close();
        }
    }

    @Test
    void staticNameCountsEveryAnswer() throws Exception {
        BenchCli r = BenchCli.run(tmp, "--server", hubdns.dns(), "--name", "www.pk-hub.example", "--count", "5000",
                "--warmup", "0.5", "--report", tmp.toString(), "--quiet");
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode j = r.report();
        assertThat(j.path("sent").asLong()).isEqualTo(5000);
        assertThat(j.path("received").asLong()).isEqualTo(5000);
        assertThat(j.path("lost").asLong()).isZero();
        assertThat(j.path("rcodes").path("NOERROR").asLong()).isEqualTo(5000);
        assertThat(j.path("answers").path("192.0.2.80").asLong()).isEqualTo(5000);
        assertThat(j.path("qps").asDouble()).isPositive();
        JsonNode l = j.path("latencyMs");
        for (String p : new String[] {"p50", "p90", "p99", "p999", "max"}) {
            assertThat(l.path(p).isNumber()).as(p).isTrue();
        }
        assertThat(l.path("p50").asDouble()).isLessThanOrEqualTo(l.path("p99").asDouble());
        assertThat(l.path("p99").asDouble()).isLessThanOrEqualTo(l.path("max").asDouble());
        assertThat(r.out()).contains("answered", "latency ms", "NOERROR 100.0%");
    }

    @Test
    void steeredQueriesFromThreeNetworksReportSitesScopesAndRcodes() throws Exception {
        Path queries = tmp.resolve("q.txt");
        Files.writeString(queries, "; the demo's names\nvideo.pk-hub.example A\nwww.pk-hub.example A\n"
                + "nothere.pk-hub.example A\nvideo.pk-hub.example A\n");
        Path ecs = tmp.resolve("ecs.txt");
        Files.writeString(ecs, "182.185.1.0/24  # Karachi\n39.40.1.0/24\n182.176.1.0/24\n");
        Path out = tmp.resolve("report");
        BenchCli r = BenchCli.run(out, "--server", hubdns.dns(), "--queries", queries.toString(), "--ecs-file",
                ecs.toString(), "--count", "6000", "--warmup", "0.5", "--admin-url", hubdns.adminUrl(),
                "--admin-token-file", hubdns.tokenFile.toString(), "--report", out.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode j = r.report();
        assertThat(j.path("received").asLong()).isEqualTo(6000);
        // 4 lines x 3 networks: every (question, network) pair about equally often (each socket starts elsewhere
        // in both lists, and the count is shared out between sockets as they go)
        assertThat(j.path("rcodes").path("NXDOMAIN").asLong()).isCloseTo(1500, within(60L));
        assertThat(j.path("rcodes").path("NOERROR").asLong() + j.path("rcodes").path("NXDOMAIN").asLong())
                .isEqualTo(6000);
        JsonNode sites = j.path("sites");
        for (String site : new String[] {"isb", "khi", "lhe"}) {
            assertThat(sites.path(site).asLong()).as(site).isCloseTo(1000, within(60L));
        }
        assertThat(sites.path("(unmapped)").asLong()).as("192.0.2.80 is no node").isCloseTo(1500, within(60L));
        assertThat(sites.path("(no address)").asLong()).isEqualTo(j.path("rcodes").path("NXDOMAIN").asLong());
        assertThat(j.path("ecsScopes").size()).isPositive();
        long scoped = 0;
        for (JsonNode c : j.path("ecsScopes")) {
            scoped += c.asLong();
        }
        assertThat(scoped).as("every answer echoes ECS").isEqualTo(6000);
        assertThat(j.path("ecsScopes").path("24").asLong()).as("steered answers hold for the /24")
                .isCloseTo(3000, within(60L));
        assertThat(j.path("addressSites").path("10.20.1.1").asText()).isEqualTo("khi");
        assertThat(j.path("command").asText()).contains("--ecs-file", "--count 6000");
        assertThat(j.path("environment").path("java").asText()).isNotBlank();
        assertThat(j.path("environment").path("cpus").asInt()).isPositive();
        assertThat(j.path("settings").path("distinctQuestions").asInt()).isEqualTo(3);
        assertThat(j.path("answerChanges").asLong()).as("the same client gets the same answer").isZero();
        assertThat(j.path("latencyDistribution").size()).isPositive();
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).contains("<svg", "Answers per site", "Rate over time", "Latency by percentile", "khi")
                .doesNotContain("<script", "src=\"http", "href=\"http", "@import", "url(");
        assertThat(r.out()).contains("sites", "khi 1");
    }

    @Test
    void tcpPipelinedAgainstTheRealServer() throws Exception {
        BenchCli r = BenchCli.run(tmp, "--server", hubdns.dns(), "--name", "www.pk-hub.example", "--tcp", "--count",
                "3000", "--warmup", "0.5", "--concurrency", "40", "--sockets", "4", "--report", tmp.toString(),
                "--quiet");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.report().path("received").asLong()).isEqualTo(3000);
        assertThat(r.report().path("problems").path("connectionLosses").asLong()).isZero();
    }

    @Test
    void failoverScenarioDrainsMeasuresAndUndrains() throws Exception {
        Path ecs = tmp.resolve("ecs.txt");
        Files.writeString(ecs, "182.185.1.0/24\n182.185.2.0/24\n");
        Path out = tmp.resolve("fo");
        BenchCli r = BenchCli.run(out, "scenario", "failover", "--server", hubdns.dns(), "--name",
                "video.pk-hub.example", "--ecs-file", ecs.toString(), "--admin-url", hubdns.adminUrl(),
                "--admin-token-file", hubdns.tokenFile.toString(), "--node", "demo-khi-1", "--warmup", "0.5",
                "--before", "1", "--settle", "1", "--max-wait", "20", "--concurrency", "20", "--report",
                out.toString(), "--quiet");
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode sc = r.report().path("scenario");
        assertThat(sc.path("converged").asBoolean()).isTrue();
        assertThat(sc.path("answersNamingNodeBefore").asLong()).isPositive();
        assertThat(sc.path("convergedAfterSeconds").asDouble()).isBetween(0.0, 5.0);
        assertThat(sc.path("windowErrorRate").asDouble()).isZero();
        assertThat(r.out()).contains("failover", "undrained");
        JsonNode nodes = new ObjectMapper().readTree(hubdns.http("GET", "/v1/nodes", null, null).body());
        for (JsonNode n : nodes) {
            if (n.path("id").asText().equals("demo-khi-1")) {
                assertThat(n.path("state").path("admin").asText()).isEqualTo("active");
            }
        }
    }
}
