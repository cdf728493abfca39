package org.hubdns.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.hubdns.bench.BenchInputException;
import org.hubdns.bench.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scenario cluster --pid P} against two real member processes (issue 13, item 15): the
 * killed member is the {@code --server} its process listens on, however many answers it still gave
 * in the second of the kill, its timeouts are not blamed on the survivor, and the report files are
 * readable by all (0644).
 */
class ClusterScenarioTest {
    private static final String TOKEN = "bench-cluster-admin-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path tmp;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theKilledMemberIsFoundByItsSocketsAndCountedFromTheKill() throws Exception {
        Path token = Files.writeString(tmp.resolve("admin.token"), TOKEN + "\n");
        String cluster = "bench-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        int[] ports = distinctPorts();
        int dns1 = ports[0];
        int http1 = ports[1];
        int cluster1 = ports[2];
        int dns2 = ports[3];
        int http2 = ports[4];
        start(1, token, cluster, dns1, http1, cluster1, "--demo");
        Process victim = start(2, token, cluster, dns2, http2, ports[5], "--members", "127.0.0.1:" + cluster1);
        awaitTwoMembers(http1);
        awaitTwoMembers(http2);

        Path reportDir = tmp.resolve("report");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream po = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream pe = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            // the victim second: the survivor first, so that a guess by position would be wrong too
            exit = Main.execute(new String[] {"scenario", "cluster", "--server", "127.0.0.1:" + dns1, "--server",
                "127.0.0.1:" + dns2, "--pid", Long.toString(victim.pid()), "--name", "www.pk-hub.example",
                "--warmup", "0.5", "--kill-after", "2", "--after", "3", "--timeout", "500", "--concurrency", "20",
                "--sockets", "4", "--admin-url", "http://127.0.0.1:" + http1, "--admin-token-file", token.toString(),
                "--report", reportDir.toString(), "--quiet"}, po, pe);
        }
        String shown = "exit " + exit + "\n" + out.toString(StandardCharsets.UTF_8) + "\n"
                + err.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(shown).isZero();
        assertThat(victim.waitFor(10, TimeUnit.SECONDS)).as("the member was killed").isTrue();

        JsonNode sc = new ObjectMapper().readTree(reportDir.resolve("report.json").toFile()).path("scenario");
        JsonNode survivor = sc.path("servers").get(0);
        JsonNode killed = sc.path("servers").get(1);
        assertThat(survivor.path("server").asText()).isEqualTo("127.0.0.1:" + dns1);
        assertThat(survivor.path("killed").asBoolean()).as(shown).isFalse();
        assertThat(killed.path("killed").asBoolean()).as(shown).isTrue();
        assertThat(sc.path("killed").asText()).contains("pid " + victim.pid(), "127.0.0.1:" + dns2);
        // counted from the kill: what was in flight to the victim is its loss, never the survivor's
        assertThat(killed.path("answeredBefore").asLong()).as(shown).isPositive();
        assertThat(killed.path("lostAfter").asLong()).as(shown).isPositive();
        assertThat(killed.path("answeredAfter").asLong()).as("answers after the kill instant: only those already "
                + "on their way").isLessThan(killed.path("answeredBefore").asLong() / 20 + 1);
        assertThat(survivor.path("answeredAfter").asLong()).isPositive();
        assertThat(sc.path("timeoutsAfterOnSurvivors").asLong()).isEqualTo(survivor.path("lostAfter").asLong());
        assertThat(sc.path("timeoutsAfter").asLong()).isEqualTo(survivor.path("lostAfter").asLong()
                + killed.path("lostAfter").asLong());
        JsonNode report = new ObjectMapper().readTree(reportDir.resolve("report.json").toFile());
        assertThat(sc.path("timeoutsBefore").asLong() + sc.path("timeoutsAfter").asLong())
                .as("every timeout of the run is before or after the kill").isEqualTo(report.path("lost").asLong());

        for (String f : List.of("report.json", "report.html")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(reportDir.resolve(f))))
                    .as(f).isEqualTo("rw-r--r--");
        }
    }

    @Test
    void aPidIsMatchedToTheServerItsSocketsListenOn() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(lo, 0));
                ServerSocket tcp = new ServerSocket(0, 5, lo)) {
            InetSocketAddress mine = new InetSocketAddress(lo, udp.getLocalPort());
            InetSocketAddress other = new InetSocketAddress(lo, LocalMembers.freeDnsPort());
            long me = ProcessHandle.current().pid();
            assertThat(ClusterCommand.serversOf(me, List.of(other, mine), false)).isEqualTo(Set.of(1));
            assertThat(ClusterCommand.serversOf(me, List.of(new InetSocketAddress(lo, tcp.getLocalPort()), other),
                    true)).isEqualTo(Set.of(0));
            assertThatThrownBy(() -> ClusterCommand.serversOf(me, List.of(other), false))
                    .isInstanceOf(BenchInputException.class)
                    .hasMessageContaining("listens on none of the --server addresses")
                    .hasMessageContaining("127.0.0.1:" + udp.getLocalPort());
        }
        assertThat(ProcessSockets.address("0100007F:14B4"))
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5300));
        assertThat(ProcessSockets.address("00000000000000000000000001000000:0035"))
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 53));
        assertThat(ProcessSockets.serves(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 53),
                new InetSocketAddress(lo, 53))).isTrue();
    }

    /** dns, http, cluster of member 1, then of member 2: all different (a port just freed may come back). */
    private static int[] distinctPorts() throws java.io.IOException {
        java.util.LinkedHashSet<Integer> got = new java.util.LinkedHashSet<>();
        while (got.size() < 6) {
            got.add(got.size() % 3 == 0 ? LocalMembers.freeDnsPort() : LocalMembers.freeTcpPort());
        }
        return got.stream().mapToInt(Integer::intValue).toArray();
    }

    private Process start(int member, Path token, String cluster, int dns, int http, int clusterPort, String... more)
            throws Exception {
        // named early on its command line, which Java shows only in part (as an operator's member would be)
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dhubdns.member=" + member, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "--add-modules", "java.se",
                "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens",
                "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "org.hubdns.server.Main", "serve",
                "--bind", "127.0.0.1", "--dns-port", "" + dns, "--http-port", "" + http, "--cluster-port",
                "" + clusterPort, "--cluster-name", cluster, "--data-dir", tmp.resolve("d" + member).toString(),
                "--admin-token-file", token.toString(), "--threads", "1"));
        cmd.addAll(List.of(more));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("member-" + member + ".log").toFile()).start();
        processes.add(p);
        return p;
    }

    private void awaitTwoMembers(int http) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String last = "";
        while (System.nanoTime() - deadline < 0) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http
                        + "/v1/health")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                last = r.body();
                if (r.statusCode() == 200 && new ObjectMapper().readTree(last).path("members").asInt() == 2) {
                    return;
                }
            } catch (java.io.IOException e) {
                last = e.toString();
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError("member on http " + http + " not ready with 2 members: " + last + "\n"
                + Files.readString(tmp.resolve("member-1.log")) + "\n" + Files.readString(tmp.resolve("member-2.log")));
    }
}
