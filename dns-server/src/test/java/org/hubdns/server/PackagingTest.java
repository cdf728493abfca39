package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The files under {@code packaging/}: the Grafana dashboard is JSON with a query in every panel, it
 * and the Prometheus alert rules name only the metric families hubdns exports (issue 8), the alerts
 * the operator needs are there, and every key of the example hubdns.yaml is a serve option.
 * (promtool checks the rules' syntax and behaviour: {@code promtool test rules
 * packaging/prometheus-alerts.test.yml}.)
 */
class PackagingTest {
    /** The families hubdns exports; histograms also as _bucket, _sum and _count. */
    static final Set<String> FAMILIES = Set.of("hubdns_dns_queries_total", "hubdns_dns_request_duration_seconds",
            "hubdns_steering_answers_total", "hubdns_steering_fallbacks_total", "hubdns_steering_located_total",
            "hubdns_steering_clients_total", "hubdns_ecs_queries_total", "hubdns_node_health", "hubdns_node_health_dropped", "hubdns_health_probes_total",
            "hubdns_health_probe_duration_seconds", "hubdns_cluster_members", "hubdns_snapshot_age_seconds",
            "hubdns_snapshot_version", "hubdns_geoip_database_build_timestamp_seconds", "hubdns_dns_dropped_total",
            "hubdns_dns_errors_total", "hubdns_health_changes_total", "hubdns_query_log_dropped_total",
            "hubdns_rrl_responses_total", "hubdns_rrl_table_entries", "hubdns_api_auth_failures_total",
            "hubdns_api_limited_total", "hubdns_api_uploads_in_progress", "hubdns_dnssec_signatures_total",
            "hubdns_dnssec_signature_cache_entries", "hubdns_dnssec_signing_queue",
            "hubdns_dnssec_signature_expiry_seconds");
    static final Pattern HUBDNS_NAME = Pattern.compile("\\bhubdns_[a-z0-9_]+");
    static final Path DIR = Path.of("..", "packaging");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static Set<String> unknownFamilies(String expr) {
        Set<String> out = new TreeSet<>();
        Matcher m = HUBDNS_NAME.matcher(expr);
        while (m.find()) {
            String name = m.group().replaceFirst("_(bucket|sum|count)$", "");
            if (!FAMILIES.contains(name) && !FAMILIES.contains(m.group())) {
                out.add(m.group());
            }
        }
        return out;
    }

    @Test
    void grafanaDashboardQueriesOnlyExportedFamilies() throws Exception {
        JsonNode dash = new ObjectMapper().readTree(Files.readString(DIR.resolve("grafana-dashboard.json")));
        assertThat(dash.path("title").asText()).isEqualTo("hubdns");
        assertThat(dash.path("uid").asText()).isNotBlank();
        List<String> exprs = new ArrayList<>();
        for (JsonNode p : dash.path("panels")) {
            if (p.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(p.path("gridPos").has("w")).as(p.path("title").asText()).isTrue();
            assertThat(p.path("targets").size()).as(p.path("title").asText() + " has a query").isPositive();
            p.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
        }
        String all = String.join("\n", exprs);
        for (String e : exprs) {
            assertThat(unknownFamilies(e)).as(e).isEmpty();
        }
        for (String family : List.of("hubdns_dns_queries_total", "hubdns_dns_request_duration_seconds_bucket",
                "hubdns_steering_answers_total", "hubdns_steering_fallbacks_total", "hubdns_steering_clients_total",
                "hubdns_steering_located_total", "hubdns_node_health", "hubdns_health_probes_total", "hubdns_cluster_members", "hubdns_snapshot_age_seconds")) {
            assertThat(all).as("a panel on " + family).contains(family);
        }
    }

    @Test
    void alertRulesCoverTheOperatorsCasesWithExportedFamilies() throws Exception {
        JsonNode rules = YAML.readTree(Files.readString(DIR.resolve("prometheus-alerts.yml")));
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                alerts.add(rule.path("alert").asText());
                assertThat(unknownFamilies(rule.path("expr").asText())).as(rule.path("alert").asText()).isEmpty();
                assertThat(rule.path("annotations").path("summary").asText()).isNotBlank();
            }
        }
        assertThat(alerts).contains("HubdnsNodeDown", "HubdnsPlatformAllNodesDown", "HubdnsMemberLost",
                "HubdnsSnapshotStale", "HubdnsLocalShareLow", "HubdnsDnssecSignaturesExpiring");
    }

    /** The alert, the Grafana panels and the README agree: in-country clients only (issue 15). */
    @Test
    void theLocalShareCountsInCountryClientsEverywhere() throws Exception {
        String inCountry = "hubdns_steering_clients_total{client=\"in_country\"";
        for (JsonNode group : YAML.readTree(Files.readString(DIR.resolve("prometheus-alerts.yml"))).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.path("alert").asText().equals("HubdnsLocalShareLow")) {
                    assertThat(rule.path("expr").asText()).contains(inCountry).doesNotContain("answers_total");
                }
            }
        }
        int panels = 0;
        for (JsonNode p : new ObjectMapper().readTree(Files.readString(DIR.resolve("grafana-dashboard.json")))
                .path("panels")) {
            if (p.path("title").asText().equals("Kept in the country")) {
                panels++;
                assertThat(p.path("targets").get(0).path("expr").asText()).contains(inCountry)
                        .doesNotContain("answers_total");
            }
        }
        assertThat(panels).isEqualTo(2);
        assertThat(Files.readString(Path.of("..", "README.md"))).contains(
                "hubdns_steering_clients_total{client=\"in_country\",answer=\"local\"}");
    }

    @Test
    void exampleConfigUsesOnlyServeOptions() throws Exception {
        JsonNode yaml = YAML.readTree(Files.readString(DIR.resolve("hubdns.yaml")));
        Set<String> options = new TreeSet<>();
        new CommandLine(new Main()).getSubcommands().get("serve").getCommandSpec().options()
                .forEach(o -> options.add(o.longestName().replaceFirst("^--", "")));
        Set<String> keys = new TreeSet<>();
        yaml.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).isNotEmpty();
        assertThat(options).containsAll(keys);
        // its HTTP port is on a private address: it must serve HTTPS (or say it is behind a proxy) to start
        assertThat(yaml.path("bind").get(0).asText()).isNotIn("127.0.0.1", "::1");
        assertThat(keys).as("an HTTP port off loopback needs TLS").contains("tls-cert", "tls-key");
        assertThat(Files.readString(DIR.resolve("hubdns.service")))
                .contains("ExecStart=/usr/bin/java $JAVA_UDP_OPTS $JAVA_OPTS -jar /opt/hubdns/hubdns.jar serve --config "
                        + "/etc/hubdns/hubdns.yaml")
                .contains("ExecReload=/bin/kill -HUP $MAINPID").contains("AmbientCapabilities=CAP_NET_BIND_SERVICE");
    }
}
