package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.Inet6Address;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hubdns.testsupport.FreePorts;
import org.hubdns.testsupport.HubDnsCommand;
import org.hubdns.testsupport.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSIDOption;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The {@code serve} command as an operator meets it: real JVMs started with
 * {@code java -cp <test classpath> org.hubdns.server.Main serve ...}, talking to them over real
 * sockets on loopback, and signals. What each option accepts is checked in this JVM through
 * {@link Main#run}, the exit code {@code main} hands to {@code System.exit}.
 */
class CommandLineTest {
    private static final InetAddress V4 = InetAddress.getLoopbackAddress();
    /** Generous: other builds may share this machine; the server's own "ready in" figure is checked tighter. */
    private static final Duration START_DEADLINE = Duration.ofSeconds(30);
    private static final Duration EXIT_DEADLINE = Duration.ofSeconds(20);
    private static final Pattern READY = Pattern.compile("ready in (\\d+) ms");

    @TempDir
    Path tmp;

    private final List<ServerProcess> processes = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (ServerProcess p : processes) {
            p.kill();
        }
    }

    // ---------------------------------------------------------------- start, serve, stop

    @Test
    void startsServesDnsAndHttpWithNsidAndStopsCleanlyOnSigterm() throws Exception {
        int dns = freeDnsPort(V4);
        int http = freeTcpPort(V4);
        ServerProcess p = spawn("serve", "--demo", "--bind", "127.0.0.1", "--dns-port", "" + dns,
                "--http-port", "" + http, "--data-dir", tmp.resolve("data").toString(), "--nsid", "cli-ns-1");

        String ready = p.awaitStdout(l -> READY.matcher(l).find(), START_DEADLINE);
        Matcher m = READY.matcher(ready);
        assertThat(m.find()).isTrue();
        // the ready line carries the member's own start-up time; speed is measured elsewhere, so this
        // only checks that the figure is a sane one (it took 17 s on a machine loaded to 10x its cores)
        assertThat(Long.parseLong(m.group(1))).as("the server's own start-up time, ms").isPositive()
                .isLessThan(START_DEADLINE.toMillis());

        // one line per listener, each with its address:port, all before "ready"
        List<String> out = p.stdout();
        assertThat(out).filteredOn(l -> l.contains("listening dns/tcp 127.0.0.1:" + dns)).hasSize(1);
        assertThat(out).filteredOn(l -> l.contains("listening dns/udp 127.0.0.1:" + dns)).hasSize(1);
        assertThat(out).filteredOn(l -> l.contains("listening http 127.0.0.1:" + http)).hasSize(1);
        assertThat(out).filteredOn(l -> l.contains("listening")).hasSize(3);
        assertThat(p.stderr()).isEmpty();

        for (boolean tcp : new boolean[] {false, true}) {
            Message r = ask(V4, dns, "www.pk-hub.example.", tcp, false);
            assertThat(r.getRcode()).as("tcp=%s", tcp).isEqualTo(Rcode.NOERROR);
            assertThat(r.getHeader().getFlag(Flags.AA)).isTrue();
            assertThat(addresses(r)).as("tcp=%s", tcp).containsExactly("192.0.2.80");
        }

        // --nsid: returned when asked for (RFC 5001), and only then
        Message withNsid = ask(V4, dns, "www.pk-hub.example.", false, true);
        OPTRecord opt = withNsid.getOPT();
        assertThat(opt).isNotNull();
        assertThat(opt.getOptions(EDNSOption.Code.NSID))
                .containsExactly(new NSIDOption("cli-ns-1".getBytes(StandardCharsets.US_ASCII)));
        assertThat(addresses(withNsid)).containsExactly("192.0.2.80");

        HttpResponse<String> health = httpGet("127.0.0.1", http, "/v1/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        JsonNode json = new ObjectMapper().readTree(health.body());
        assertThat(json.path("status").asText()).isEqualTo("serving");
        assertThat(json.path("zones").asInt()).isEqualTo(1);

        assertThat(tmp.resolve("data").resolve("admin.token")).isRegularFile();

        p.sigterm();
        assertThat(p.awaitExit()).as("exit code after SIGTERM; stderr: %s", p.stderr()).isEqualTo(0);
        assertThat(p.stdout()).as("stdout after SIGTERM; stderr: %s", p.stderr())
                .anyMatch(l -> l.endsWith(" - stopped")).anyMatch(l -> l.contains(" - stopping"));
        assertThat(p.stderr()).isEmpty();
    }

    /**
     * "ready" tells a supervisor the member is up; a SIGTERM sent the moment it appears must get the
     * graceful stop too, not the JVM's default (exit 143, no "stopped"). Three starts, as the gap is narrow.
     */
    @Test
    void aSigtermRightAfterTheReadyLineStillStopsGracefully() throws Exception {
        for (int attempt = 0; attempt < 3; attempt++) {
            ServerProcess p = spawn("serve", "--demo", "--dns-port", "" + freeDnsPort(V4), "--http-port",
                    "" + freeTcpPort(V4), "--data-dir", tmp.resolve("data").toString());
            p.awaitStdout(l -> READY.matcher(l).find(), START_DEADLINE);
            p.sigterm();
            assertThat(p.awaitExit()).as("attempt %d: exit code of a SIGTERM right after 'ready'; stdout: %s",
                    attempt, p.stdout()).isEqualTo(0);
            assertThat(p.stdout()).as("attempt %d", attempt).anyMatch(l -> l.endsWith(" - stopped"));
        }
    }

    // ---------------------------------------------------------------- usage errors: exit 2

    @Test
    void anUnknownOptionIsAUsageError() throws Exception {
        List<String> args = new ArrayList<>(List.of("serve", "--demo", "--dns-port", "" + freeDnsPort(V4),
                "--http-port", "" + freeTcpPort(V4), "--data-dir", tmp.resolve("data").toString(), "--bogus"));
        ServerProcess p = spawn(args.toArray(String[]::new));

        assertThat(p.awaitExit()).isEqualTo(2);
        assertThat(String.join("\n", p.stderr())).contains("Unknown option").contains("'--bogus'");
        assertThat(p.stdout()).noneMatch(l -> l.contains("listening"));
    }

    /**
     * Each option's check, in this JVM: {@link Main#run} returns what {@code main} hands to
     * {@code System.exit} and writes what the operator sees on stderr (the real JVM's exit 2 is
     * {@link #anUnknownOptionIsAUsageError}).
     */
    @ParameterizedTest
    @ValueSource(strings = {"--dns-port=70000", "--http-port=-1", "--dns-port=abc", "--bind=not-an-ip",
            "--bind=1.2.3", "--bind=0.0.0.0", "--tcp-idle-timeout=0", "--threads=0", "--probe-allow=10.0.0.1/8",
            "--probe-allow=example.com/24", "--probe-min-interval=50", "--probers-per-node=0",
            "--probe-source=somewhere", "--rrl-rate=-1", "--rrl-slip=11", "--rrl-window=0",
            "--rrl-table-size=10", "--rrl-exempt=10.0.0.1/8", "--rrl-ipv6-prefix=96"})
    void aBadValueIsAUsageErrorNamingTheOption(String arg) throws Exception {
        String option = arg.substring(0, arg.indexOf('='));
        List<String> args = new ArrayList<>(List.of("serve", "--demo", "--data-dir", tmp.resolve("data").toString(),
                "--cluster-port=0"));
        if (!option.equals("--dns-port")) {
            args.addAll(List.of("--dns-port", "" + freeDnsPort(V4)));
        }
        if (!option.equals("--http-port")) {
            args.addAll(List.of("--http-port", "" + freeTcpPort(V4)));
        }
        args.add(arg);
        InThisJvm run = InThisJvm.main(args.toArray(String[]::new));

        assertThat(run.exit()).as("exit code; stderr: %s", run.stderr()).isEqualTo(2);
        assertThat(run.stderr()).first().asString().contains(option);
        assertThat(run.stderr()).noneMatch(l -> l.startsWith("\tat "));
        assertThat(tmp.resolve("data")).as("nothing written for a bad command line").doesNotExist();
    }

    /** What {@link Main#run} returned and wrote to stderr, run in this JVM (bounded: a wrong start would serve). */
    private record InThisJvm(int exit, List<String> stderr) {
        static InThisJvm main(String... args) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream stderr = System.err;
            int code;
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            try {
                code = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Main.run(args));
            } finally {
                System.setErr(stderr);
            }
            return new InThisJvm(code, err.toString(StandardCharsets.UTF_8).lines().toList());
        }
    }

    /**
     * The cluster port has no TLS or authentication: on a globally routable first --bind address it is
     * refused (exit 2, saying what to do) unless --cluster-allow-public; private and loopback addresses pass.
     */
    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "2001:4860:4860::8888"})
    void aClusterPortOnAPublicAddressIsRefusedUnlessAllowed(String address) throws Exception {
        List<String> args = new ArrayList<>(List.of("serve", "--demo", "--bind", address + ",127.0.0.1",
                "--dns-port", "" + freeDnsPort(V4), "--http-port", "" + freeTcpPort(V4),
                "--data-dir", tmp.resolve("data").toString(), "--cluster-port=0",
                "--insecure-http")); // past the HTTP check (plain HTTP off loopback), to the cluster port's
        InThisJvm refused = InThisJvm.main(args.toArray(String[]::new));

        assertThat(refused.exit()).as("exit code; stderr: %s", refused.stderr()).isEqualTo(2);
        assertThat(refused.stderr()).first().asString().contains(java.net.InetAddress.getByName(address).getHostAddress())
                .contains("globally routable")
                .contains("--cluster-allow-public").contains("WireGuard");
        assertThat(tmp.resolve("data")).as("nothing written for a refused configuration").doesNotExist();

        // allowed: past the check (this machine has not that address, so the start fails later, another way)
        args.add("--cluster-allow-public");
        InThisJvm allowed = InThisJvm.main(args.toArray(String[]::new));
        assertThat(allowed.exit()).isNotZero();
        assertThat(allowed.stderr()).noneMatch(l -> l.contains("globally routable"));
    }

    @Test
    void anNsidLongerThan128BytesIsAUsageError() throws Exception {
        InThisJvm run = InThisJvm.main("serve", "--demo", "--dns-port", "" + freeDnsPort(V4), "--http-port",
                "" + freeTcpPort(V4), "--data-dir", tmp.resolve("data").toString(), "--cluster-port=0", "--nsid",
                "n".repeat(129));
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.stderr()).first().asString().contains("--nsid").contains("128");
    }

    // ---------------------------------------------------------------- --config YAML

    @Test
    void aYamlConfigSuppliesDefaultsAndFlagsWinOverIt() throws Exception {
        int fileDns = freeDnsPort(V4);
        int candidate = freeDnsPort(V4);
        for (int i = 0; candidate == fileDns && i < 10; i++) {
            candidate = freeDnsPort(V4);
        }
        int flagDns = candidate;
        assertThat(flagDns).isNotEqualTo(fileDns);
        int http = freeTcpPort(V4);
        Path config = tmp.resolve("hubdns.yaml");
        Files.writeString(config, "# hubdns settings\n"
                + "dns-port: " + fileDns + "\n"
                + "http-port: " + http + "\n"
                + "demo: true\n"
                + "bind: [127.0.0.1]\n"
                + "nsid: from-the-file\n"
                + "rrl-rate: 20\n"
                + "rrl-exempt: [127.0.9.0/24, 10.0.0.0/8]\n"
                + "rrl-log-only: true\n");
        ServerProcess p = spawn("serve", "--config", config.toString(), "--dns-port", "" + flagDns,
                "--data-dir", tmp.resolve("data").toString());
        p.awaitStdout(l -> READY.matcher(l).find(), START_DEADLINE);

        // dns-port: the flag wins; http-port, bind, demo, nsid: from the file
        assertThat(p.stdout()).anyMatch(l -> l.contains("listening dns/tcp 127.0.0.1:" + flagDns));
        assertThat(p.stdout()).anyMatch(l -> l.contains("listening dns/udp 127.0.0.1:" + flagDns));
        assertThat(p.stdout()).anyMatch(l -> l.contains("listening http 127.0.0.1:" + http));
        assertThat(p.stdout()).noneMatch(l -> l.contains(":" + fileDns));
        assertThat(p.stdout()).anyMatch(l -> l.contains("response rate limiting (log only): 20/s")
                && l.contains("burst 40, slip 2, window 15 s") && l.contains("2 exempt networks"));
        Message r = ask(V4, flagDns, "www.pk-hub.example.", false, true);
        assertThat(addresses(r)).containsExactly("192.0.2.80");
        assertThat(r.getOPT().getOptions(EDNSOption.Code.NSID))
                .containsExactly(new NSIDOption("from-the-file".getBytes(StandardCharsets.US_ASCII)));
        // nothing took the file's port
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(V4, fileDns));
        }

        p.sigterm();
        assertThat(p.awaitExit()).isEqualTo(0);
    }

    @Test
    void anUnknownKeyInTheYamlConfigIsAUsageErrorNamingIt() throws Exception {
        Path config = tmp.resolve("hubdns.yaml");
        Files.writeString(config, "dns-port: " + freeDnsPort(V4) + "\ndemo: true\ncluster-prot: 5701\n");
        InThisJvm run = InThisJvm.main("serve", "--config", config.toString(), "--http-port",
                "" + freeTcpPort(V4), "--data-dir", tmp.resolve("data").toString(), "--cluster-port=0");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.stderr()).first().asString().startsWith("hubdns: error: ").contains(config.toString())
                .contains("unknown key 'cluster-prot'");
        assertThat(tmp.resolve("data")).as("nothing written for a bad configuration").doesNotExist();
    }

    // ---------------------------------------------------------------- run-time failures: exit 1

    @Test
    void aBrokenZoneFileStopsTheStartWithOneLineNamingFileAndLine() throws Exception {
        Path zones = Files.createDirectories(tmp.resolve("zones"));
        Files.writeString(zones.resolve("broken.test.zone"), "$TTL 60\n"
                + "@    IN SOA ns1 hostmaster 1 7200 1800 1209600 300\n"
                + "@    IN NS  ns1\n"
                + "ns1  IN A   192.0.2.1\n"
                + "www  IN A   192.0.2.300\n");
        ServerProcess p = spawn("serve", "--zones", zones.toString(), "--dns-port", "" + freeDnsPort(V4),
                "--http-port", "" + freeTcpPort(V4), "--data-dir", tmp.resolve("data").toString());

        assertThat(p.awaitExit()).isEqualTo(1);
        assertThat(p.stderr()).filteredOn(l -> !l.isBlank()).singleElement().asString()
                .startsWith("hubdns: error: ").contains("broken.test.zone:5");
        assertThat(p.stdout()).noneMatch(l -> l.contains("listening"));
    }

    /** Another program holds the DNS port over TCP or over UDP (no SO_REUSEPORT). */
    @ParameterizedTest(name = "held over {0}")
    @ValueSource(strings = {"tcp", "udp"})
    void aDnsPortInUseFailsTheStartNamingThePort(String held) throws Exception {
        int dns = freeDnsPort(V4);
        try (AutoCloseable holder = hold(held, V4, dns)) {
            ServerProcess p = spawn("serve", "--demo", "--dns-port", "" + dns, "--http-port", "" + freeTcpPort(V4),
                    "--data-dir", tmp.resolve("data").toString());
            int code = p.awaitExit();
            assertThat(code).isNotZero();
            assertThat(p.stdout()).noneMatch(l -> l.contains("ready in"));
            assertThat(p.errorLine()).contains(held + " 127.0.0.1:" + dns).contains("already in use")
                    .contains("--dns-port");
            assertThat(p.stderr()).as("no stack trace for an operator error")
                    .noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception"));
        }
    }

    @Test
    void anHttpPortInUseFailsTheStartNamingThePort() throws Exception {
        int http = freeTcpPort(V4);
        try (AutoCloseable holder = hold("tcp", V4, http)) {
            ServerProcess p = spawn("serve", "--demo", "--dns-port", "" + freeDnsPort(V4), "--http-port", "" + http,
                    "--data-dir", tmp.resolve("data").toString());
            assertThat(p.awaitExit()).isNotZero();
            assertThat(p.stdout()).noneMatch(l -> l.contains("ready in"));
            assertThat(p.errorLine()).contains("http 127.0.0.1:" + http).contains("already in use")
                    .contains("--http-port");
        }
    }

    // ---------------------------------------------------------------- SIGHUP

    @Test
    void sighupReloadsTheZoneFilesAndABrokenEditKeepsTheOldDataServing() throws Exception {
        Path zones = Files.createDirectories(tmp.resolve("zones"));
        Path file = zones.resolve("reload.test.zone");
        Files.writeString(file, "$TTL 60\n"
                + "@    IN SOA ns1 hostmaster 1 7200 1800 1209600 300\n"
                + "@    IN NS  ns1\n"
                + "ns1  IN A   192.0.2.1\n");
        int dns = freeDnsPort(V4);
        ServerProcess p = spawn("serve", "--zones", zones.toString(), "--dns-port", "" + dns,
                "--http-port", "" + freeTcpPort(V4), "--data-dir", tmp.resolve("data").toString());
        p.awaitStdout(l -> READY.matcher(l).find(), START_DEADLINE);
        assertThat(ask(V4, dns, "new.reload.test.", false, false).getRcode()).isEqualTo(Rcode.NXDOMAIN);

        Files.writeString(file, Files.readString(file).replace("ns1  IN A   192.0.2.1\n",
                "ns1  IN A   192.0.2.1\nnew  IN A   192.0.2.99\n").replace(" 1 7200", " 2 7200"));
        signal(p, "HUP");
        p.awaitStdout(l -> l.contains("zones reloaded"), Duration.ofSeconds(15));
        Message r = ask(V4, dns, "new.reload.test.", false, false);
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(addresses(r)).containsExactly("192.0.2.99");

        Files.writeString(file, Files.readString(file) + "bad  IN A   192.0.2.999\n");
        signal(p, "HUP");
        String failed = p.awaitStdout(l -> l.contains("zone reload failed"), Duration.ofSeconds(15));
        assertThat(failed).contains("reload.test.zone:6");
        assertThat(addresses(ask(V4, dns, "new.reload.test.", true, false))).containsExactly("192.0.2.99");
        assertThat(p.process.isAlive()).isTrue();

        p.sigterm();
        assertThat(p.awaitExit()).isEqualTo(0);
    }

    // ---------------------------------------------------------------- TLS on the HTTP API

    /** The flags of a member on loopback with free ports and its own data dir. */
    private List<String> member(String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("serve", "--demo", "--dns-port", "" + freeDnsPort(V4),
                "--http-port", "" + freeTcpPort(V4), "--data-dir", tmp.resolve("data").toString(), "--cluster-port=0"));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void plainHttpOnANonLoopbackAddressIsAUsageErrorUnlessInsecureHttpIsGiven() throws Exception {
        // 192.0.2.1 (TEST-NET-1) is not on this machine: nothing is ever bound or sent there
        InThisJvm plain = InThisJvm.main("serve", "--bind", "192.0.2.1", "--data-dir", tmp.resolve("data").toString());
        assertThat(plain.exit()).as("stderr: %s", plain.stderr()).isEqualTo(2);
        assertThat(plain.stderr()).first().asString().contains("192.0.2.1").contains("--tls-cert")
                .contains("--tls-key").contains("--insecure-http");
        assertThat(tmp.resolve("data")).as("nothing written for a bad command line").doesNotExist();

        // allowed: the start then goes on, and fails only where the address is not on this machine
        InThisJvm insecure = InThisJvm.main("serve", "--bind", "192.0.2.1", "--insecure-http", "--data-dir",
                tmp.resolve("data").toString(), "--cluster-port=0", "--http-port", "" + freeTcpPort(V4));
        assertThat(insecure.exit()).as("stderr: %s", insecure.stderr()).isEqualTo(1);
        assertThat(String.join("\n", insecure.stderr())).doesNotContain("--insecure-http").contains("--bind");
    }

    @Test
    void aTlsPairThatCannotServeIsAUsageErrorSayingWhatToDo() throws Exception {
        TestCertificates ca = TestCertificates.ca(tmp.resolve("ca"));
        TestCertificates.Pair a = ca.issue("a", 11, true);
        TestCertificates.Pair b = ca.issue("b", 12, true);
        Path missing = tmp.resolve("missing.pem");
        record Case(List<String> flags, String says) {
        }
        for (Case c : List.of(
                new Case(List.of("--tls-cert", missing.toString(), "--tls-key", a.key().toString()), "no such file"),
                new Case(List.of("--tls-cert", a.cert().toString(), "--tls-key", b.key().toString()), "not the key"),
                new Case(List.of("--tls-cert", a.key().toString(), "--tls-key", a.key().toString()), "certificate"),
                new Case(List.of("--tls-cert", a.cert().toString()), "--tls-key"),
                new Case(List.of("--tls-key", a.key().toString()), "--tls-cert"),
                new Case(List.of("--http-header-timeout=0"), "--http-header-timeout"),
                new Case(List.of("--http-max-connections=0"), "--http-max-connections"))) {
            InThisJvm run = InThisJvm.main(member(c.flags().toArray(String[]::new)).toArray(String[]::new));
            assertThat(run.exit()).as("%s: stderr %s", c.flags(), run.stderr()).isEqualTo(2);
            assertThat(run.stderr()).as(c.flags().toString()).first().asString().contains(c.says());
            assertThat(run.stderr()).noneMatch(l -> l.startsWith("\tat "));
            assertThat(tmp.resolve("data")).doesNotExist();
        }
    }

    @Test
    void sighupSwapsTheCertificateAndABadPairKeepsTheOldOneServing() throws Exception {
        TestCertificates ca = TestCertificates.ca(tmp.resolve("ca"));
        TestCertificates.Pair first = ca.issue("first", 21, true);
        TestCertificates.Pair second = ca.issue("second", 22, false);
        TestCertificates.Pair third = ca.issue("third", 23, true);
        Path cert = tmp.resolve("tls.pem");
        Path key = tmp.resolve("tls.key");
        TestCertificates.install(first.cert(), first.key(), cert, key);
        int http = freeTcpPort(V4);
        // checks of the files off: only SIGHUP may swap the certificate here
        ServerProcess p = spawn("serve", "--demo", "--dns-port", "" + freeDnsPort(V4), "--http-port", "" + http,
                "--data-dir", tmp.resolve("data").toString(), "--cluster-port=0", "--tls-cert", cert.toString(),
                "--tls-key", key.toString(), "--tls-check-interval", "0");
        p.awaitStdout(l -> READY.matcher(l).find(), START_DEADLINE);
        assertThat(p.stdout()).anyMatch(l -> l.contains("listening https 127.0.0.1:" + http));
        TestCertificates.Run curl = TestCertificates.run(Duration.ofSeconds(20), "curl", "-sS", "--max-time", "10",
                "--cacert", ca.caCert().toString(), "https://127.0.0.1:" + http + "/v1/health");
        assertThat(curl.exit()).as(curl.output()).isZero();
        assertThat(curl.output()).contains("\"status\":\"serving\"");
        assertThat(ca.servedSerial(http)).isEqualTo(first.serial());

        TestCertificates.install(second.cert(), second.key(), cert, key);
        signal(p, "HUP");
        p.awaitStdout(l -> l.contains("TLS certificate reloaded on SIGHUP"), Duration.ofSeconds(15));
        assertThat(ca.servedSerial(http)).isEqualTo(second.serial());

        TestCertificates.install(third.cert(), first.key(), cert, key);
        signal(p, "HUP");
        String refused = p.awaitStdout(l -> l.contains("new TLS certificate refused"), Duration.ofSeconds(15));
        assertThat(refused).contains("serial 16").contains("not the key"); // 22 = 0x16, still served
        assertThat(ca.servedSerial(http)).isEqualTo(second.serial());
        assertThat(p.process.isAlive()).isTrue();

        p.sigterm();
        assertThat(p.awaitExit()).isEqualTo(0);
    }

    // ---------------------------------------------------------------- IPv6

    @Test
    void bindsIpv6Loopback() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        assertThat(v6).isInstanceOf(Inet6Address.class);
        Assumptions.assumeTrue(canBind(v6), "::1 is not available on this machine");
        int dns = freeDnsPort(v6);
        int http = freeTcpPort(v6);
        ServerProcess p = spawn("serve", "--demo", "--bind", "::1", "--dns-port", "" + dns, "--http-port", "" + http,
                "--data-dir", tmp.resolve("data").toString());
        p.awaitStdout(l -> READY.matcher(l).find(), START_DEADLINE);

        Predicate<String> v6Port = l -> l.contains("[::1]:") || l.contains("[0:0:0:0:0:0:0:1]:");
        assertThat(p.stdout()).filteredOn(l -> l.contains("listening dns/tcp")).singleElement()
                .matches(v6Port).asString().endsWith(":" + dns);
        assertThat(p.stdout()).filteredOn(l -> l.contains("listening dns/udp")).singleElement()
                .matches(v6Port).asString().contains(":" + dns + " ");
        assertThat(p.stdout()).filteredOn(l -> l.contains("listening http")).singleElement()
                .matches(v6Port).asString().endsWith(":" + http);
        for (boolean tcp : new boolean[] {false, true}) {
            assertThat(addresses(ask(v6, dns, "www.pk-hub.example.", tcp, false))).as("tcp=%s", tcp)
                    .containsExactly("192.0.2.80");
        }
        assertThat(httpGet("[::1]", http, "/v1/health").statusCode()).isEqualTo(200);

        p.sigterm();
        assertThat(p.awaitExit()).isEqualTo(0);
    }

    // ================================================================ helpers

    private ServerProcess spawn(String... args) throws IOException {
        List<String> given = List.of(args);
        // the test classpath carries logback-test.xml (WARN); the operator sees the jar's logback.xml (INFO)
        List<String> cmd = new ArrayList<>(HubDnsCommand.of(null, true, given));
        if (!given.isEmpty() && given.get(0).equals("serve")
                && given.stream().noneMatch(a -> a.startsWith("--cluster-port"))) {
            cmd.add("--cluster-port=0"); // tests run side by side: never the default 5701
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
        pb.environment().remove(org.hubdns.api.AdminTokens.ENV);
        ServerProcess p = new ServerProcess(pb.start());
        processes.add(p);
        return p;
    }

    private static void signal(ServerProcess p, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.process.pid()))
                .redirectErrorStream(true).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as(new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
    }

    private static Message ask(InetAddress server, int port, String name, boolean tcp, boolean nsid)
            throws IOException {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress(server, port));
        r.setTCP(tcp);
        r.setTimeout(Duration.ofSeconds(3));
        if (nsid) {
            r.setEDNS(0, 1232, 0, List.of(new NSIDOption(new byte[0])));
        }
        return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, 1)));
    }

    private static List<String> addresses(Message m) {
        return m.getSection(Section.ANSWER).stream().filter(ARecord.class::isInstance)
                .map(r -> ((ARecord) r).getAddress().getHostAddress()).toList();
    }

    private static HttpResponse<String> httpGet(String host, int port, String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                .timeout(Duration.ofSeconds(5)).GET().build();
        return client.send(req, HttpResponse.BodyHandlers.ofString());
    }

    /** A port free for TCP (probed with a ServerSocket on port 0). */
    static int freeTcpPort(InetAddress a) throws IOException {
        return FreePorts.tcp(a);
    }

    /** A port free for both TCP and UDP. */
    static int freeDnsPort(InetAddress a) throws IOException {
        return FreePorts.dns(a);
    }

    /** Binds the port like an unrelated program would: no SO_REUSEPORT. */
    private static AutoCloseable hold(String protocol, InetAddress a, int port) throws IOException {
        if (protocol.equals("tcp")) {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(a, port));
            return s;
        }
        DatagramSocket u = new DatagramSocket(null);
        u.setReuseAddress(false);
        u.bind(new InetSocketAddress(a, port));
        return u;
    }

    private static boolean canBind(InetAddress a) {
        try (ServerSocket s = new ServerSocket(0, 1, a)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A spawned server JVM with its stdout and stderr collected line by line. */
    private static final class ServerProcess {
        final Process process;
        private final List<String> out = new ArrayList<>();
        private final List<String> err = new ArrayList<>();
        private final Thread outReader;
        private final Thread errReader;

        ServerProcess(Process process) {
            this.process = process;
            outReader = reader(process.getInputStream(), out, "stdout");
            errReader = reader(process.getErrorStream(), err, "stderr");
        }

        private Thread reader(InputStream in, List<String> lines, String name) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (this) {
                            lines.add(line);
                            notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the process went away
                }
                synchronized (this) {
                    notifyAll();
                }
            }, "hubdns-" + process.pid() + "-" + name);
            t.setDaemon(true);
            t.start();
            return t;
        }

        synchronized List<String> stdout() {
            return List.copyOf(out);
        }

        synchronized List<String> stderr() {
            return List.copyOf(err);
        }

        /** Waits for a stdout line matching {@code p}; fails with what the process said at the deadline. */
        String awaitStdout(Predicate<String> p, Duration deadline) throws InterruptedException {
            long end = System.nanoTime() + deadline.toNanos();
            synchronized (this) {
                int seen = 0;
                while (true) {
                    for (; seen < out.size(); seen++) {
                        if (p.test(out.get(seen))) {
                            return out.get(seen);
                        }
                    }
                    long left = end - System.nanoTime();
                    if (left <= 0 || (!process.isAlive() && !outReader.isAlive())) {
                        break;
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
                }
            }
            return fail("no such line within %s (alive=%s)%nstdout: %s%nstderr: %s", deadline, process.isAlive(),
                    stdout(), stderr());
        }

        /** The first "hubdns: error: " line on stderr; fails showing all of stderr when there is none. */
        String errorLine() {
            return stderr().stream().filter(l -> l.startsWith("hubdns: error: ")).findFirst()
                    .orElseGet(() -> fail("no 'hubdns: error: ' line on stderr:%n%s", String.join("\n", stderr())));
        }

        /** Waits for the exit and for both streams to be read to the end; returns the exit code. */
        int awaitExit() throws InterruptedException {
            if (!process.waitFor(EXIT_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                fail("still running after %s%nstdout: %s%nstderr: %s", EXIT_DEADLINE, stdout(), stderr());
            }
            outReader.join(5_000);
            errReader.join(5_000);
            return process.exitValue();
        }

        /**
         * SIGTERM, as an init system sends it. Through the ProcessHandle: {@link Process#destroy()} sends
         * the same signal but also closes our ends of the pipes, losing what the server logs as it stops.
         */
        void sigterm() {
            assertThat(process.toHandle().destroy()).as("SIGTERM sent").isTrue();
        }

        void kill() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
