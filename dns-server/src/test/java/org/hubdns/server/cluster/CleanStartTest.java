package org.hubdns.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.server.cluster.ClusterFixture.await;
import static org.hubdns.server.cluster.ClusterFixture.json;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.hubdns.api.Tokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * What an operator's journal shows for a normal start (issue 13, items 12 and 13): {@code serve
 * --demo} as a real JVM that generates the admin token, then a second member joining it, both used
 * (HTTP on fresh connections, /metrics, DNS), print no WARN or ERROR line and no stack trace, and
 * neither the admin token nor its SHA-256 appears in any line; the generating member says where the
 * token is. A --demo start after the README's example zone replaced the demo's says so at INFO, with
 * what to do (there is no file whose serial to raise).
 */
class CleanStartTest {
    private static final Duration START = Duration.ofSeconds(60);
    /** The level as the shipped logback.xml prints it: {@code <time> <LEVEL> <logger> - <message>}. */
    private static final Pattern NOT_CLEAN = Pattern.compile("^\\S+ +(WARN|ERROR)\\b.*|^\\s+at .*|.*Exception.*"
            + "|^Caused by.*");

    @TempDir
    Path tmp;

    private final List<MemberProcess> processes = new ArrayList<>();
    private final String clusterName = "clean-" + Long.toHexString(ThreadLocalRandom.current().nextLong());

    @AfterEach
    void stop() throws InterruptedException {
        for (MemberProcess p : processes) {
            p.process.destroyForcibly();
            p.process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aDemoStartThatGeneratesTheTokenAndASecondMemberJoiningLogNoWarningNoTraceAndNoSecret() throws Exception {
        int http1 = ClusterFixture.freeTcpPort();
        int dns1 = ClusterFixture.freeDnsPort();
        int cluster1 = ClusterFixture.freeTcpPort();
        Path data1 = tmp.resolve("d1");
        MemberProcess first = spawn(1, List.of("--demo", "--dns-port", "" + dns1, "--http-port", "" + http1,
                "--cluster-port", "" + cluster1, "--data-dir", data1.toString()));
        first.awaitReady(START);
        Path tokenFile = data1.resolve("admin.token");
        String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        use(http1, dns1, token);

        int http2 = ClusterFixture.freeTcpPort();
        int dns2 = ClusterFixture.freeDnsPort();
        MemberProcess second = spawn(2, List.of("--dns-port", "" + dns2, "--http-port", "" + http2,
                "--cluster-port", "" + ClusterFixture.freeTcpPort(), "--data-dir", tmp.resolve("d2").toString(),
                "--members", "127.0.0.1:" + cluster1));
        second.awaitReady(START);
        for (int http : new int[] {http1, http2}) {
            await(START, "both members see each other", () -> json(get(http, "/v1/health", null)).path("members")
                    .asInt() == 2, () -> get(http, "/v1/health", null).body());
        }
        use(http2, dns2, token);
        use(http1, dns1, token);
        Thread.sleep(1500); // anything logged a moment after the work (a warning from a background task)

        String hash = Tokens.sha256(token);
        assertThat(first.lines()).as("the generating member says where the token is")
                .anyMatch(l -> l.contains(" INFO ") && l.contains(tokenFile.toString()));
        for (MemberProcess p : List.of(first, second)) {
            List<String> lines = p.lines();
            assertThat(lines).as(p.tail()).anyMatch(l -> l.contains("ready in "));
            assertThat(lines).as("member %d: no warning, error or stack trace%n%s", p.member, p.tail())
                    .noneMatch(l -> NOT_CLEAN.matcher(l).matches());
            assertThat(lines).as("member %d: no admin token or hash in the log", p.member)
                    .noneMatch(l -> l.contains(token) || l.toLowerCase().contains(hash));
        }

        // the README's example zone replaces the demo's; a later --demo start says so, and how to change it
        HttpResponse<String> up = send(http1, "PUT", "/v1/zones/pk-hub.example", token, "text/dns",
                Files.readString(Path.of("..", "examples", "pk-hub.example.zone")));
        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
        for (MemberProcess p : List.of(second, first)) {
            p.process.destroy();
            assertThat(p.process.waitFor(30, TimeUnit.SECONDS)).as(p.tail()).isTrue();
        }
        MemberProcess again = spawn(3, List.of("--demo", "--dns-port", "" + dns1, "--http-port", "" + http1,
                "--cluster-port", "" + cluster1, "--data-dir", data1.toString()));
        again.awaitReady(START);
        use(http1, dns1, token);
        Thread.sleep(500); // a window for late lines: an absence cannot be awaited as a condition
        List<String> lines = again.lines();
        assertThat(lines).as(again.tail()).noneMatch(l -> NOT_CLEAN.matcher(l).matches())
                .noneMatch(l -> l.contains("in the file"))
                .anyMatch(l -> l.contains(" INFO ") && l.contains("demo zone pk-hub.example. (serial 2024060101) not "
                        + "loaded: the cluster serves serial 2024060102") && l.contains("PUT /v1/zones/pk-hub.example)"))
                .noneMatch(l -> l.contains(token) || l.toLowerCase().contains(hash));
    }

    /** What an operator does first: the API over several connections, the dashboard's data, /metrics, DNS. */
    private static void use(int http, int dns, String token) throws Exception {
        for (String path : List.of("/v1/health", "/v1/zones", "/v1/nodes", "/v1/health/nodes", "/v1/dashboard",
                "/metrics", "/v1/geoip", "/v1/coverage-zones")) {
            HttpResponse<String> r = get(http, path, token);
            assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        }
        SimpleResolver dnsClient = new SimpleResolver(new InetSocketAddress("127.0.0.1", dns));
        dnsClient.setTimeout(Duration.ofSeconds(5));
        for (String name : List.of("www.pk-hub.example.", "video.pk-hub.example.")) {
            Message m = dnsClient.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, 1)));
            assertThat(m.getRcode()).as(name).isZero();
        }
    }

    private static HttpResponse<String> get(int port, String path, String token) throws Exception {
        return send(port, "GET", path, token, null, null);
    }

    /** Each request on a connection of its own, as separate curl calls make them. */
    private static HttpResponse<String> send(int port, String method, String path, String token, String type,
            String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(15)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (type != null) {
            b.header("Content-Type", type);
        }
        HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return fresh.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private MemberProcess spawn(int member, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("--bind", "127.0.0.1", "--cluster-name", clusterName,
                "--threads", "1"));
        cmd.addAll(args);
        // no HUBDNS_ADMIN_TOKEN: the first member generates the token, the second takes the cluster's
        MemberProcess p = MemberProcess.start(member, tmp, cmd, Map.of());
        processes.add(p);
        return p;
    }
}
