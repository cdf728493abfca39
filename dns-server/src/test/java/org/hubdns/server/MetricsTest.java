package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.hubdns.testsupport.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@code GET /metrics} of a demo member: every family exists from start-up with its known label
 * values at zero, and moves by exactly what real queries over UDP and TCP and real probes did.
 */
class MetricsTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static RunningServer server;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.demo();
        admin = Files.readString(server.dataDir().resolve("admin.token")).strip();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> http(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Exposition scrape() throws Exception {
        HttpResponse<String> r = http("GET", "/metrics", null, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        return Exposition.parse(r.body());
    }

    static void await(String what, Callable<Boolean> condition) throws Exception {
        Await.until(Duration.ofSeconds(15), what, condition);
    }

    static Message ecs(String name, String subnet, boolean tcp) throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, 1));
        int slash = subnet.indexOf('/');
        q.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new ClientSubnetOption(
                Integer.parseInt(subnet.substring(slash + 1)), InetAddress.getByName(subnet.substring(0, slash))))),
                Section.ADDITIONAL);
        return server.resolver(tcp).send(q);
    }

    @Test
    void everyFamilyExistsFromStartUpWithItsLabelsAtZero() throws Exception {
        Exposition e = scrape();
        assertThat(e.types).containsEntry("hubdns_dns_queries_total", "counter")
                .containsEntry("hubdns_dns_request_duration_seconds", "histogram")
                .containsEntry("hubdns_steering_answers_total", "counter")
                .containsEntry("hubdns_steering_fallbacks_total", "counter")
                .containsEntry("hubdns_steering_located_total", "counter")
                .containsEntry("hubdns_steering_clients_total", "counter")
                .containsEntry("hubdns_ecs_queries_total", "counter")
                .containsEntry("hubdns_node_health", "gauge")
                .containsEntry("hubdns_health_probes_total", "counter")
                .containsEntry("hubdns_health_probe_duration_seconds", "histogram")
                .containsEntry("hubdns_cluster_members", "gauge")
                .containsEntry("hubdns_snapshot_age_seconds", "gauge")
                .containsEntry("hubdns_snapshot_version", "gauge")
                .containsEntry("hubdns_query_log_dropped_total", "counter");
        // every combination a dashboard may select, before any such query
        for (String transport : new String[] {"udp", "tcp"}) {
            for (String qtype : new String[] {"A", "AAAA", "HTTPS", "ANY", "OTHER"}) {
                for (String rcode : new String[] {"NOERROR", "NXDOMAIN", "REFUSED", "FORMERR", "SERVFAIL"}) {
                    assertThat(e.samples).containsKey(Exposition.key("hubdns_dns_queries_total", "transport", transport,
                            "qtype", qtype, "rcode", rcode));
                }
            }
        }
        for (String site : new String[] {"isb", "khi", "lhe"}) {
            assertThat(e.samples).containsKey(Exposition.key("hubdns_steering_answers_total", "platform", "video",
                    "site", site));
        }
        for (String reason : new String[] {"no_nodes", "unavailable", "foreign", "unlocated"}) {
            assertThat(e.value("hubdns_steering_fallbacks_total", "platform", "video", "reason", reason)).isZero();
        }
        for (String method : new String[] {"coverage", "bgp", "geoip", "geoip_coarse", "none"}) {
            assertThat(e.samples).containsKey(Exposition.key("hubdns_steering_located_total", "platform", "video",
                    "method", method));
        }
        for (String client : new String[] {"in_country", "foreign", "unlocated"}) {
            for (String answer : new String[] {"local", "fallback"}) {
                assertThat(e.samples).containsKey(Exposition.key("hubdns_steering_clients_total", "platform", "video",
                        "client", client, "answer", answer));
            }
        }
        assertThat(e.value("hubdns_ecs_queries_total", "family", "ipv6")).isGreaterThanOrEqualTo(0);
        for (String result : new String[] {"ok", "failed", "timeout"}) {
            assertThat(e.samples).containsKey(Exposition.key("hubdns_health_probes_total", "result", result));
        }
        assertThat(e.value("hubdns_node_health", "node", "demo-khi-1", "platform", "video", "site", "khi")).isEqualTo(1);
        assertThat(e.value("hubdns_cluster_members")).isEqualTo(1);
        assertThat(e.value("hubdns_snapshot_version")).isPositive();
        assertThat(e.value("hubdns_snapshot_age_seconds")).isLessThan(60);
        assertThat(e.types).as("no GeoIP database: no build time").doesNotContainKey(
                "hubdns_geoip_database_build_timestamp_seconds");
        assertThat(e.types.keySet()).as("the JVM and Vert.x basics").anyMatch(k -> k.startsWith("jvm_memory"))
                .anyMatch(k -> k.startsWith("vertx_http_server"));
        String body = http("GET", "/metrics", null, null).body();
        assertThat(body).as("no secrets").doesNotContain(admin)
                .doesNotContain(Files.readString(server.dataDir().resolve("demo-partner.token")).strip());
    }

    @Test
    void queriesMoveTheirCountersByExactlyWhatWasSent() throws Exception {
        Exposition before = scrape();
        for (int i = 0; i < 5; i++) {
            assertThat(server.ask("video.pk-hub.example.", Type.A, false).getRcode()).isEqualTo(Rcode.NOERROR);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(server.ask("www.pk-hub.example.", Type.AAAA, true).getRcode()).isEqualTo(Rcode.NOERROR);
        }
        for (int i = 0; i < 2; i++) {
            assertThat(server.ask("nx.pk-hub.example.", Type.A, false).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        }
        assertThat(server.ask("example.org.", Type.TXT, true).getRcode()).isEqualTo(Rcode.REFUSED);
        for (int i = 0; i < 4; i++) {
            ecs("video.pk-hub.example.", "182.185.1.0/24", false);
        }
        ecs("video.pk-hub.example.", "2001:db8:5::/48", true);
        byte[] garbage = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 63, 'x'};
        assertThat(server.udpRaw(garbage, 2000)).as("FORMERR").isNotNull();
        assertThat(server.udpRaw(new byte[] {1, 2, 3}, 300)).as("too short: dropped").isNull();

        Exposition after = scrape();
        String q = "hubdns_dns_queries_total";
        assertThat(delta(before, after, q, "transport", "udp", "qtype", "A", "rcode", "NOERROR")).isEqualTo(9);
        assertThat(delta(before, after, q, "transport", "tcp", "qtype", "AAAA", "rcode", "NOERROR")).isEqualTo(3);
        assertThat(delta(before, after, q, "transport", "udp", "qtype", "A", "rcode", "NXDOMAIN")).isEqualTo(2);
        assertThat(delta(before, after, q, "transport", "tcp", "qtype", "TXT", "rcode", "REFUSED")).isEqualTo(1);
        assertThat(delta(before, after, q, "transport", "tcp", "qtype", "A", "rcode", "NOERROR")).isEqualTo(1);
        assertThat(delta(before, after, q, "transport", "udp", "qtype", "NONE", "rcode", "FORMERR")).isEqualTo(1);
        assertThat(delta(before, after, "hubdns_dns_dropped_total", "transport", "udp")).isEqualTo(1);
        assertThat(delta(before, after, "hubdns_ecs_queries_total", "family", "ipv4")).isEqualTo(4);
        assertThat(delta(before, after, "hubdns_ecs_queries_total", "family", "ipv6")).isEqualTo(1);
        // the demo has no GeoIP: every client goes to the default site, isb
        assertThat(delta(before, after, "hubdns_steering_answers_total", "platform", "video", "site", "isb"))
                .isEqualTo(10);
        assertThat(delta(before, after, "hubdns_dns_request_duration_seconds_count")).isEqualTo(17);
        assertThat(delta(before, after, "hubdns_dns_request_duration_seconds_bucket", "le", "+Inf")).isEqualTo(17);
        assertThat(delta(before, after, "hubdns_dns_request_duration_seconds_sum")).isPositive().isLessThan(1.0);
    }

    @Test
    void probesAndHealthChangesShowUp() throws Exception {
        String partner = Files.readString(server.dataDir().resolve("demo-partner.token")).strip();
        // the stand-in is on loopback, a special-purpose range the demo partner may use only when allowed
        HttpResponse<String> allowed = http("PUT", "/v1/partners/demo", admin, "{\"platforms\":[\"video\"],"
                + "\"allowSpecial\":[\"10.0.0.0/8\",\"127.0.0.0/8\"]}");
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
        try (StandIn n = StandIn.http("127.0.0.61")) {
            Exposition before = scrape();
            HttpResponse<String> r = http("POST", "/v1/nodes", partner, "{\"platform\":\"video\",\"site\":\"lhe\","
                    + "\"addresses\":[\"127.0.0.61\"],\"check\":{\"type\":\"http\",\"port\":" + n.port()
                    + ",\"intervalMs\":300,\"timeoutMs\":200,\"fall\":2}}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            String id = new io.vertx.core.json.JsonObject(r.body()).getString("id");
            String[] node = {"node", id, "platform", "video", "site", "lhe"};
            await("node up in the metrics", () -> scrape().samples.getOrDefault(
                    Exposition.key("hubdns_node_health", node), -1.0) == 1.0);
            n.stop();
            await("node down in the metrics", () -> scrape().samples.getOrDefault(
                    Exposition.key("hubdns_node_health", node), -1.0) == 0.0);
            Exposition after = scrape();
            assertThat(delta(before, after, "hubdns_health_probes_total", "result", "ok")).isPositive();
            assertThat(delta(before, after, "hubdns_health_probes_total", "result", "failed")).isGreaterThanOrEqualTo(2);
            assertThat(delta(before, after, "hubdns_health_probe_duration_seconds_count")).isEqualTo(
                    delta(before, after, "hubdns_health_probes_total", "result", "ok")
                            + delta(before, after, "hubdns_health_probes_total", "result", "failed")
                            + delta(before, after, "hubdns_health_probes_total", "result", "timeout"));
            assertThat(delta(before, after, "hubdns_health_changes_total")).isGreaterThanOrEqualTo(2);
            assertThat(http("DELETE", "/v1/nodes/" + id, partner, null).statusCode()).isEqualTo(204);
        }
    }

    static double delta(Exposition before, Exposition after, String name, String... labels) {
        String k = Exposition.key(name, labels);
        return after.value(name, labels) - before.samples.getOrDefault(k, 0.0);
    }
}
