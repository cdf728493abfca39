package org.hubdns.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Flags and files as an operator gets them wrong: each gets exit 2 and one message that says what
 * and how to fix it, never a stack trace; remote targets are refused; --compare.
 */
class CommandLineTest {
    @TempDir
    Path tmp;

    private static void assertUsageError(BenchCli r, String... fragments) {
        assertThat(r.exit()).as(r.toString()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains(fragments).doesNotContain("Exception", "\tat ");
    }

    @ParameterizedTest
    @CsvSource({"8.8.8.8:53", "10.0.0.1:5300", "[2001:db8::1]:53", "192.168.1.1"})
    void remoteTargetsAreRefusedWithoutAllowRemote(String target) throws Exception {
        BenchCli r = BenchCli.run(null, "--server", target, "--name", "www.example", "--count", "1");
        assertUsageError(r, "refusing", "--allow-remote");
    }

    @Test
    void aRemoteAdminUrlIsRefusedToo() throws Exception {
        BenchCli r = BenchCli.run(null, "--server", "127.0.0.1:5300", "--name", "x.example", "--admin-url",
                "http://203.0.113.9:8053", "--count", "1");
        assertUsageError(r, "--admin-url", "refusing", "--allow-remote");
    }

    @Test
    void loopbackTargetsPass() throws Exception {
        assertThat(Targets.parse("127.0.0.2:53", false).getPort()).isEqualTo(53);
        assertThat(Targets.parse("[::1]:5300", false).getPort()).isEqualTo(5300);
        assertThat(Targets.parse("127.0.0.1", false).getPort()).isEqualTo(53);
    }

    @Test
    void badQueryFilesSayWhichLineAndWhatIsExpected() throws Exception {
        Path q = tmp.resolve("q.txt");
        Files.writeString(q, "www.example A\nonly-a-name\n");
        assertUsageError(BenchCli.run(null, "--queries", q.toString(), "--count", "1"), q + ":2",
                "expected 'name type'");
        Files.writeString(q, "www.example BOGUS\n");
        assertUsageError(BenchCli.run(null, "--queries", q.toString(), "--count", "1"), "unknown record type 'BOGUS'");
        Files.writeString(q, "a..b A\n");
        assertUsageError(BenchCli.run(null, "--queries", q.toString(), "--count", "1"), "empty label");
        Files.writeString(q, "; nothing but a comment\n\n");
        assertUsageError(BenchCli.run(null, "--queries", q.toString(), "--count", "1"), "no queries in it");
        Files.write(q, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2});
        assertUsageError(BenchCli.run(null, "--queries", q.toString(), "--count", "1"), "not a text file");
        assertUsageError(BenchCli.run(null, "--queries", tmp.resolve("missing.txt").toString(), "--count", "1"),
                "no such file");
    }

    @Test
    void badEcsFilesSayWhichLine() throws Exception {
        Path e = tmp.resolve("ecs.txt");
        Files.writeString(e, "182.185.1.0/24\n182.185.1.0\n");
        assertUsageError(BenchCli.run(null, "--name", "x.example", "--ecs-file", e.toString(), "--count", "1"),
                e + ":2", "CIDR");
        Files.writeString(e, "999.1.1.0/24\n");
        assertUsageError(BenchCli.run(null, "--name", "x.example", "--ecs-file", e.toString(), "--count", "1"),
                "not an IPv4 or IPv6 address");
        Files.writeString(e, "10.0.0.0/33\n");
        assertUsageError(BenchCli.run(null, "--name", "x.example", "--ecs-file", e.toString(), "--count", "1"),
                "prefix length");
    }

    @Test
    void conflictingOrBadFlagsAreExplained() throws Exception {
        assertUsageError(BenchCli.run(null, "--count", "1"), "--queries FILE", "--name NAME");
        assertUsageError(BenchCli.run(null, "--name", "x.example", "--ecs-random", "10", "--ecs-file", "f",
                "--count", "1"), "either --ecs-file or --ecs-random");
        assertUsageError(BenchCli.run(null, "--type", "AAAA", "--count", "1"), "--type needs --name");
        assertUsageError(BenchCli.run(null, "--name", "x.example", "--rate", "-5"), "--rate");
        assertUsageError(BenchCli.run(null, "--name", "x.example", "--timeout", "0"), "--timeout");
        assertUsageError(BenchCli.run(null, "--name", "x.example", "--sockets", "0"), "--sockets");
        assertUsageError(BenchCli.run(null, "--name", "x.example", "--count", "-1"), "--count");
        assertUsageError(BenchCli.run(null, "--name", "x.example", "--duration", "abc"), "--duration");
        assertUsageError(BenchCli.run(null, "--no-such-flag"), "Unknown option", "--help");
        assertUsageError(BenchCli.run(null, "--name", "x.example", "--sites", tmp.resolve("none.txt").toString(),
                "--count", "1"), "--sites", "no such file");
        assertUsageError(BenchCli.run(null, "scenario", "failover", "--name", "x.example", "--node", "n1"),
                "--admin-url");
        assertUsageError(BenchCli.run(null, "scenario", "cluster", "--name", "x.example"), "--pid", "--start-members");
    }

    @Test
    void badSiteFilesAreExplained() throws Exception {
        Path s = tmp.resolve("sites.txt");
        Files.writeString(s, "10.10.1.1 isb\nnot-an-address khi\n");
        assertUsageError(BenchCli.run(null, "--name", "x.example", "--sites", s.toString(), "--count", "1"),
                "'not-an-address' is not an IP address");
        Files.writeString(s, "[{\"id\": 1}]");
        assertUsageError(BenchCli.run(null, "--name", "x.example", "--sites", s.toString(), "--count", "1"),
                "without 'site' or 'addresses'");
    }

    @Test
    void siteFilesInEveryFormatAreRead() throws Exception {
        Path s = tmp.resolve("s.txt");
        Files.writeString(s, "# comment\n10.10.1.1 isb\n10.20.1.1,khi\n");
        assertThat(org.hubdns.bench.report.SiteMap.read(s).sites()).containsEntry("10.20.1.1", "khi").hasSize(2);
        Files.writeString(s, "{\"10.30.1.1\": \"lhe\"}");
        assertThat(org.hubdns.bench.report.SiteMap.read(s).sites()).containsEntry("10.30.1.1", "lhe");
        Files.writeString(s, "[{\"id\":\"n\",\"site\":\"isb\",\"addresses\":[\"10.10.1.2\",\"2001:db8::1\"]}]");
        assertThat(org.hubdns.bench.report.SiteMap.read(s).sites()).containsEntry("10.10.1.2", "isb").hasSize(2);
    }

    @Test
    void compareShowsBothRunsAndTheChange() throws Exception {
        Path a = tmp.resolve("a.json");
        Path b = tmp.resolve("b.json");
        Files.writeString(a, "{\"qps\": 1000.0, \"sent\": 10000, \"received\": 10000, \"lost\": 0, \"lostPercent\": 0,"
                + " \"latencyMs\": {\"p50\": 0.5, \"p90\": 0.8, \"p99\": 2.0, \"p999\": 3.0, \"max\": 4.0},"
                + " \"rcodes\": {\"NOERROR\": 10000}, \"sites\": {\"isb\": 6000, \"khi\": 4000}, \"command\": \"a\"}",
                StandardCharsets.UTF_8);
        Files.writeString(b, "{\"qps\": 1500.0, \"sent\": 15000, \"received\": 15000, \"lost\": 0, \"lostPercent\": 0,"
                + " \"latencyMs\": {\"p50\": 0.5, \"p90\": 0.9, \"p99\": 3.0, \"p999\": 3.5, \"max\": 5.0},"
                + " \"rcodes\": {\"NOERROR\": 15000}, \"sites\": {\"isb\": 7500, \"lhe\": 7500}, \"command\": \"b\"}",
                StandardCharsets.UTF_8);
        BenchCli r = BenchCli.run(null, "--compare", a.toString(), b.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("qps", "1,000.0", "1,500.0", "+50.0%", "p99 ms", "+50.0%", "site khi",
                "site lhe", "A: a", "B: b");
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{not json");
        assertUsageError(BenchCli.run(null, "--compare", a.toString(), bad.toString()), "not valid JSON");
        Files.writeString(bad, "{\"x\": 1}");
        assertUsageError(BenchCli.run(null, "--compare", a.toString(), bad.toString()), "not a hubdns-bench report");
        assertUsageError(BenchCli.run(null, "--compare", a.toString(), b.toString(), "--rate", "5"),
                "no other option");
        assertUsageError(BenchCli.run(null, "--compare", a.toString()), "--compare");
    }

    @Test
    void helpListsTheFlags() throws Exception {
        BenchCli r = BenchCli.run(null, "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--server", "--queries", "--ecs-random", "--rate", "--tcp", "--allow-remote",
                "--report", "--compare", "--admin-url", "--sites");
    }
}
