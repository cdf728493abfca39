package org.hubdns.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.hubdns.server.HubDnsServer;
import org.hubdns.server.ServerConfig;
import org.hubdns.server.StartupException;
import org.hubdns.geo.GeoFixture.Member;
import org.hubdns.testsupport.HubDnsCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A --geoip file hubdns cannot use fails start-up with one message saying why. */
class GeoStartupTest {
    @TempDir
    Path tmp;

    private GeoFixture.Cluster cluster;
    private Process process;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Test
    void aBadGeoIpFileFailsStartUpWithAClearMessageAndReleasesThePorts() throws Exception {
        byte[] random = new byte[2048];
        new Random(3).nextBytes(random);
        Object[][] cases = {
            {GeoFixture.write(tmp, "random.mmdb", random), "not a MaxMind DB"},
            {GeoFixture.write(tmp, "country.mmdb", GeoFixture.country()), "GeoLite2-Country"},
            {GeoFixture.write(tmp, "cut.mmdb", java.util.Arrays.copyOf(GeoFixture.v1(), 300)), "not a MaxMind DB"},
            {tmp.resolve("missing.mmdb"), "cannot read"},
        };
        cluster = new GeoFixture.Cluster(tmp);
        Member m = cluster.add(true);
        for (Object[] c : cases) {
            Path file = (Path) c[0];
            assertThatThrownBy(() -> m.start(file)).as("%s", file).isInstanceOf(StartupException.class)
                    .hasMessageStartingWith("--geoip " + file).hasMessageContaining((String) c[1])
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            m.server = null;
            // the failed member let go of its ports: they can be bound again
            try (ServerSocket s = new ServerSocket(m.httpPort, 1, GeoFixture.LOOPBACK)) {
                assertThat(s.getLocalPort()).isEqualTo(m.httpPort);
            }
        }
        // and the same member starts with a good file afterwards
        m.start(GeoFixture.write(tmp, "v1.mmdb", GeoFixture.v1()));
        assertThat(m.addresses("203.0.113.0/24")).containsExactlyInAnyOrderElementsOf(GeoFixture.KHI);
    }

    @Test
    void theServeCommandExitsOneWithOneErrorLineForACountryDatabase() throws Exception {
        Path country = GeoFixture.write(tmp, "country.mmdb", GeoFixture.country());
        List<String> cmd = HubDnsCommand.of(null, true, List.of("serve", "--demo", "--bind", "127.0.0.1",
                "--dns-port", "" + GeoFixture.freeDnsPort(), "--http-port", "" + GeoFixture.freeTcpPort(),
                "--cluster-port", "" + GeoFixture.freeTcpPort(),
                "--cluster-name", "geo-cli-" + Long.toHexString(new Random().nextLong()),
                "--data-dir", tmp.resolve("data").toString(), "--geoip", country.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
        pb.environment().remove("HUBDNS_ADMIN_TOKEN");
        pb.redirectOutput(tmp.resolve("stdout").toFile());
        pb.redirectError(tmp.resolve("stderr").toFile());
        process = pb.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits").isTrue();
        List<String> err = Files.readAllLines(tmp.resolve("stderr"), StandardCharsets.UTF_8);
        List<String> out = Files.readAllLines(tmp.resolve("stdout"), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("exit code; stderr %s; stdout %s", err, out).isEqualTo(1);
        List<String> errors = new ArrayList<>(err);
        errors.addAll(out);
        assertThat(errors).as("stderr %s stdout %s", err, out)
                .filteredOn(l -> l.startsWith("hubdns: error:")).hasSize(1).first().asString()
                .contains("--geoip " + country).contains("GeoLite2-Country").contains("City");
        assertThat(err).as("stderr").noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception"));
        assertThat(out).noneMatch(l -> l.contains(" ready in "));
    }

    /** A start-up that fails on --geoip must not have changed the cluster (here: its zone files). */
    @Test
    void aMemberThatFailsOnItsGeoIpFileLeavesTheClusterUnchanged() throws Exception {
        cluster = new GeoFixture.Cluster(tmp);
        Member m1 = cluster.add(true).start(GeoFixture.write(tmp, "v1.mmdb", GeoFixture.v1()));
        Path zones = Files.createDirectories(tmp.resolve("zones"));
        Files.writeString(zones.resolve("pk-hub.example.zone"), """
                $ORIGIN pk-hub.example.
                $TTL 300
                @   IN SOA ns1 hostmaster ( 2099010101 7200 1800 1209600 300 )
                @   IN NS  ns1
                ns1 IN A   192.0.2.53
                www IN A   192.0.2.99
                """);
        Member m2 = cluster.add(false);
        ServerConfig base = m2.config(GeoFixture.write(tmp, "country.mmdb", GeoFixture.country()));
        ServerConfig withZones = new ServerConfig(base.bind(), base.dnsPort(), base.httpPort(), base.dataDir(), zones,
                null, false, null, 10, 1024, 1, base.cluster(), base.geoip());
        assertThatThrownBy(() -> HubDnsServer.start(withZones)).isInstanceOf(StartupException.class)
                .hasMessageContaining("GeoLite2-Country");
        org.xbill.DNS.SimpleResolver r = new org.xbill.DNS.SimpleResolver(
                new java.net.InetSocketAddress(GeoFixture.LOOPBACK, m1.dnsPort));
        r.setTimeout(java.time.Duration.ofSeconds(3));
        org.xbill.DNS.Message a = r.send(org.xbill.DNS.Message.newQuery(org.xbill.DNS.Record.newRecord(
                org.xbill.DNS.Name.fromString("www.pk-hub.example."), org.xbill.DNS.Type.A, 1)));
        assertThat(a.getSection(org.xbill.DNS.Section.ANSWER)).extracting(x -> x.rdataToString())
                .as("the demo zone still serves: the failed member's zone file never entered the cluster")
                .containsExactly("192.0.2.80");
    }
}
