package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hubdns.dns.zone.ZoneContent;
import org.hubdns.dns.zone.ZoneLoadException;
import org.hubdns.dns.zone.ZoneParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Zone files as the operator writes them: what {@link ZoneParser} accepts, how it names the
 * origin, and that every rejection names the file (and line) so it can be fixed; then the same
 * through {@link HubDnsServer#start}, which must refuse to start on a broken --zones directory.
 */
class ZoneLoadingTest {
    static final String SOA = "@ 3600 IN SOA ns1 hostmaster ( 2024010101 7200 1800 1209600 300 )\n";

    @TempDir
    Path dir;

    Path write(String fileName, String text) throws Exception {
        return Files.writeString(dir.resolve(fileName), text);
    }

    static boolean has(ZoneContent z, String name, int type) throws Exception {
        Name n = Name.fromString(name);
        return z.records().stream().anyMatch(r -> r.getName().equals(n) && r.getType() == type);
    }

    @Test
    void aGoodFileParsesWithItsApexSerialAndRecords() throws Exception {
        Path f = write("example.zone", "$TTL 300\n" + SOA + "@ IN NS ns1\nns1 IN A 192.0.2.1\nwww IN A 192.0.2.80\n"
                + "www IN A 192.0.2.80\n");
        ZoneContent z = ZoneParser.parseFile(f);
        assertThat(z.apex()).isEqualTo(Name.fromString("example."));
        assertThat(z.serial()).isEqualTo(2024010101L);
        assertThat(z.source()).contains("example.zone");
        assertThat(z.records()).as("the duplicate www A is kept once").hasSize(4);
        assertThat(has(z, "www.example.", Type.A)).isTrue();
        assertThat(has(z, "ns1.example.", Type.A)).isTrue();
    }

    @Test
    void aSyntaxErrorNamesTheFileAndLine() throws Exception {
        Path f = write("example.zone", "$TTL 300\n" + SOA + "www IN A 999.0.2.1\nok IN A 192.0.2.2\n");
        assertThatThrownBy(() -> ZoneParser.parseFile(f))
                .isInstanceOf(ZoneLoadException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("example.zone:3");
    }

    @Test
    void aSyntaxErrorLaterInTheFileNamesThatLine() throws Exception {
        Path f = write("example.zone", "$TTL 300\n" + SOA + "a IN A 192.0.2.1\nb IN A 192.0.2.2\n\n"
                + "; a comment\nc IN MX mail.example.\n");
        assertThatThrownBy(() -> ZoneParser.parseFile(f))
                .isInstanceOf(ZoneLoadException.class)
                .hasMessageContaining("example.zone:7");
    }

    @Test
    void anUnknownTypeIsASyntaxErrorNamingTheFile() throws Exception {
        Path f = write("example.zone", "$TTL 300\n" + SOA + "www IN BOGUS 192.0.2.1\n");
        assertThatThrownBy(() -> ZoneParser.parseFile(f))
                .isInstanceOf(ZoneLoadException.class)
                .hasMessageContaining("example.zone:3");
    }

    @Test
    void aFileWithoutSoaIsRejected() throws Exception {
        Path f = write("example.zone", "$TTL 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n");
        assertThatThrownBy(() -> ZoneParser.parseFile(f))
                .isInstanceOf(ZoneLoadException.class)
                .hasMessageStartingWith(f.toString())
                .hasMessageContaining("no SOA record");
    }

    @Test
    void anEmptyFileIsRejected() throws Exception {
        Path f = write("example.zone", "");
        assertThatThrownBy(() -> ZoneParser.parseFile(f))
                .isInstanceOf(ZoneLoadException.class)
                .hasMessageStartingWith(f.toString())
                .hasMessageContaining("no SOA record");
    }

    @Test
    void aWildcardApexIsRejected() throws Exception {
        Path f = write("wc.zone", "$ORIGIN *.wc.example.\n$TTL 300\n" + SOA);
        assertThatThrownBy(() -> ZoneParser.parseFile(f))
                .isInstanceOf(ZoneLoadException.class)
                .hasMessageStartingWith(f.toString())
                .hasMessageContaining("wildcard");
    }

    @Test
    void twoSoaRecordsAreRejected() throws Exception {
        Path f = write("example.zone", "$TTL 300\n" + SOA
                + "sub 3600 IN SOA ns1 hostmaster ( 1 7200 1800 1209600 300 )\n");
        assertThatThrownBy(() -> ZoneParser.parseFile(f))
                .isInstanceOf(ZoneLoadException.class)
                .hasMessageStartingWith(f.toString())
                .hasMessageContaining("more than one SOA");
    }

    @Test
    void aCnameBesideOtherDataIsRejected() throws Exception {
        Path f = write("example.zone", "$TTL 300\n" + SOA + "www IN CNAME web\nwww IN A 192.0.2.1\nweb IN A 192.0.2.2\n");
        assertThatThrownBy(() -> ZoneParser.parseFile(f))
                .isInstanceOf(ZoneLoadException.class)
                .hasMessageStartingWith(f.toString())
                .hasMessageContaining("www.example.")
                .hasMessageContaining("CNAME and other data");
    }

    @Test
    void twoCnamesAtOneNameAreRejected() throws Exception {
        Path f = write("example.zone", "$TTL 300\n" + SOA + "www IN CNAME a\nwww IN CNAME b\n");
        assertThatThrownBy(() -> ZoneParser.parseFile(f))
                .isInstanceOf(ZoneLoadException.class)
                .hasMessageStartingWith(f.toString())
                .hasMessageContaining("www.example.")
                .hasMessageContaining("more than one CNAME");
    }

    @Test
    void aRecordOutsideTheZoneIsRejected() throws Exception {
        Path f = write("example.zone", "$TTL 300\n" + SOA + "www.example.org. IN A 192.0.2.1\n");
        assertThatThrownBy(() -> ZoneParser.parseFile(f))
                .isInstanceOf(ZoneLoadException.class)
                .hasMessageStartingWith(f.toString())
                .hasMessageContaining("www.example.org.")
                .hasMessageContaining("outside the zone example.");
    }

    @Test
    void aRecordAboveTheApexIsRejected() throws Exception {
        // the SOA sets the apex at sub.example.; example. itself is outside it
        Path f = write("sub.example.zone", "$TTL 300\n" + SOA + "example. IN A 192.0.2.1\n");
        assertThatThrownBy(() -> ZoneParser.parseFile(f))
                .isInstanceOf(ZoneLoadException.class)
                .hasMessageContaining("outside the zone sub.example.");
    }

    @Test
    void anotherClassIsRejected() throws Exception {
        Path f = write("example.zone", "$TTL 300\n" + SOA + "www CH TXT \"x\"\n");
        assertThatThrownBy(() -> ZoneParser.parseFile(f))
                .isInstanceOf(ZoneLoadException.class)
                .hasMessageStartingWith(f.toString())
                .hasMessageContaining("class CH");
    }

    @Test
    void withoutOriginTheFileNameIsTheOrigin() throws Exception {
        Path f = write("example.org.zone", "$TTL 300\n" + SOA + "@ IN NS ns1\nns1 IN A 192.0.2.1\nwww IN A 192.0.2.80\n");
        ZoneContent z = ZoneParser.parseFile(f);
        assertThat(z.apex()).isEqualTo(Name.fromString("example.org."));
        assertThat(z.soa().getHost()).isEqualTo(Name.fromString("ns1.example.org."));
        assertThat(has(z, "www.example.org.", Type.A)).isTrue();
        assertThat(has(z, "ns1.example.org.", Type.A)).isTrue();
    }

    @Test
    void aFileNameWithTheTrailingDotWorksToo() throws Exception {
        Path f = write("example.net..zone", "$TTL 300\n" + SOA + "www IN A 192.0.2.80\n");
        ZoneContent z = ZoneParser.parseFile(f);
        assertThat(z.apex()).isEqualTo(Name.fromString("example.net."));
        assertThat(has(z, "www.example.net.", Type.A)).isTrue();
    }

    @Test
    void originTakesPrecedenceOverTheFileName() throws Exception {
        Path f = write("whatever.zone", "$ORIGIN example.com.\n$TTL 300\n" + SOA + "www IN A 192.0.2.80\n");
        ZoneContent z = ZoneParser.parseFile(f);
        assertThat(z.apex()).isEqualTo(Name.fromString("example.com."));
        assertThat(has(z, "www.example.com.", Type.A)).isTrue();
        Name whatever = Name.fromString("whatever.");
        assertThat(z.records()).noneMatch(r -> r.getName().subdomain(whatever));
    }

    @Test
    void aFileNameThatIsNotADomainNameNeedsOrigin() throws Exception {
        Path bad = write("not..a..name.zone", "$TTL 300\n" + SOA + "www IN A 192.0.2.80\n");
        assertThatThrownBy(() -> ZoneParser.parseFile(bad))
                .isInstanceOf(ZoneLoadException.class)
                .hasMessageContaining("not..a..name.zone")
                .hasMessageContaining("$ORIGIN");
    }

    @Test
    void aMissingFileIsReportedByName() {
        Path missing = dir.resolve("missing.zone");
        assertThatThrownBy(() -> ZoneParser.parseFile(missing))
                .isInstanceOf(ZoneLoadException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void parseTextChecksTheApexAgainstTheOrigin() throws Exception {
        ZoneContent z = ZoneParser.parseText("$TTL 300\n" + SOA + "www IN A 192.0.2.80\n",
                Name.fromString("example."), "upload");
        assertThat(z.apex()).isEqualTo(Name.fromString("example."));
        assertThat(z.source()).isEqualTo("upload");

        assertThatThrownBy(() -> ZoneParser.parseText("$TTL 300\nother. 3600 IN SOA ns1 hm 1 2 3 4 5\n",
                Name.fromString("example."), "upload"))
                .isInstanceOf(ZoneLoadException.class)
                .hasMessageStartingWith("upload")
                .hasMessageContaining("example.");
    }

    // ---- $INCLUDE: only files inside the zones directory ----------------------------------------

    @Test
    void anIncludeInsideTheDirectoryIsRead() throws Exception {
        Files.createDirectories(dir.resolve("parts"));
        Files.writeString(dir.resolve("parts/www.db"), "www IN A 192.0.2.80\n$INCLUDE more.db\n");
        Files.writeString(dir.resolve("parts/more.db"), "ftp IN A 192.0.2.81\n");
        Path f = write("example.zone", "$TTL 300\n" + SOA + "$INCLUDE parts/www.db\n");
        ZoneContent z = ZoneParser.parseFile(f, dir);
        assertThat(has(z, "www.example.", Type.A)).isTrue();
        assertThat(has(z, "ftp.example.", Type.A)).as("nested, relative to the including file").isTrue();
    }

    @Test
    void anIncludeOutsideTheDirectoryIsRefusedNamingFileAndLine() throws Exception {
        Path zones = Files.createDirectories(dir.resolve("zones"));
        Files.writeString(dir.resolve("outside.db"), "www IN A 192.0.2.80\n");
        for (String target : new String[] {"/etc/passwd", "../outside.db", dir.resolve("outside.db").toString()}) {
            Path f = Files.writeString(zones.resolve("example.zone"), "$TTL 300\n" + SOA + "$INCLUDE " + target + "\n");
            assertThatThrownBy(() -> ZoneParser.parseFile(f, zones)).as(target)
                    .isInstanceOf(ZoneLoadException.class)
                    .hasMessageStartingWith(f + ":3: $INCLUDE " + target)
                    .hasMessageContaining("outside the zones directory");
        }
    }

    @Test
    void anIncludeThroughALinkLeadingOutIsRefused() throws Exception {
        Path zones = Files.createDirectories(dir.resolve("zones"));
        Path secret = Files.writeString(dir.resolve("secret.db"), "www IN A 192.0.2.80\n");
        Files.createSymbolicLink(zones.resolve("part.db"), secret);
        Files.createSymbolicLink(zones.resolve("up"), dir);
        for (String target : new String[] {"part.db", "up/secret.db"}) {
            Path f = Files.writeString(zones.resolve("example.zone"), "$TTL 300\n" + SOA + "$INCLUDE " + target + "\n");
            assertThatThrownBy(() -> ZoneParser.parseFile(f, zones)).as(target)
                    .isInstanceOf(ZoneLoadException.class)
                    .hasMessageStartingWith(f + ":3: $INCLUDE " + target)
                    .hasMessageContaining(secret.toRealPath().toString())
                    .hasMessageContaining("outside the zones directory");
        }
        // a link that stays inside is fine
        Files.writeString(zones.resolve("real.db"), "www IN A 192.0.2.80\n");
        Files.createSymbolicLink(zones.resolve("alias.db"), zones.resolve("real.db"));
        Path f = Files.writeString(zones.resolve("example.zone"), "$TTL 300\n" + SOA + "$INCLUDE alias.db\n");
        assertThat(has(ZoneParser.parseFile(f, zones), "www.example.", Type.A)).isTrue();
    }

    @Test
    void aMissingOrSelfIncludingFileIsNamed() throws Exception {
        Path f = write("example.zone", "$TTL 300\n" + SOA + "$INCLUDE missing.db\n");
        assertThatThrownBy(() -> ZoneParser.parseFile(f, dir))
                .isInstanceOf(ZoneLoadException.class)
                .hasMessageStartingWith(f + ":3: $INCLUDE missing.db").hasMessageContaining("no such file");
        Files.writeString(dir.resolve("loop.db"), "$INCLUDE loop.db\n");
        Path g = write("example.zone", "$TTL 300\n" + SOA + "$INCLUDE loop.db\n");
        assertThatThrownBy(() -> ZoneParser.parseFile(g, dir))
                .isInstanceOf(ZoneLoadException.class).hasMessageContaining("includes itself");
    }

    @Test
    void aHugeGenerateInAnIncludedFileIsRefused() throws Exception {
        Files.writeString(dir.resolve("gen.db"), "$GENERATE 1-10000000 host$ A 192.0.2.1\n");
        Path f = write("example.zone", "$TTL 300\n" + SOA + "$INCLUDE gen.db\n");
        assertThatThrownBy(() -> ZoneParser.parseFile(f, dir))
                .isInstanceOf(ZoneLoadException.class)
                .hasMessageStartingWith(dir.resolve("gen.db") + ":1: $GENERATE 1-10000000 makes 10,000,000 records");
    }

    // ---- through the server -------------------------------------------------------------------

    ServerConfig config(Path zones) {
        return new ServerConfig(List.of(RunningServer.LOOPBACK), 0, 0, dir.resolve("data"), zones, null, false,
                null, 10, 64, 1);
    }

    @Test
    void aBrokenFileInTheZonesDirectoryStopsTheStart() throws Exception {
        Path zones = Files.createDirectories(dir.resolve("zones"));
        Files.writeString(zones.resolve("good.example.zone"), "$TTL 300\n" + SOA + "www IN A 192.0.2.80\n");
        Path broken = Files.writeString(zones.resolve("broken.example.zone"),
                "$TTL 300\n" + SOA + "www IN A not-an-address\n");
        assertThatThrownBy(() -> HubDnsServer.start(config(zones)))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining(broken.toString())
                .hasMessageContaining("broken.example.zone:3");
    }

    @Test
    void aZoneFileWithoutSoaStopsTheStart() throws Exception {
        Path zones = Files.createDirectories(dir.resolve("zones"));
        Path noSoa = Files.writeString(zones.resolve("example.zone"), "www 300 IN A 192.0.2.80\n");
        assertThatThrownBy(() -> HubDnsServer.start(config(zones)))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining(noSoa.toString())
                .hasMessageContaining("no SOA record");
    }

    @Test
    void theSameZoneInTwoFilesStopsTheStart() throws Exception {
        Path zones = Files.createDirectories(dir.resolve("zones"));
        Files.writeString(zones.resolve("example.zone"), "$TTL 300\n" + SOA);
        Files.writeString(zones.resolve("copy.zone"), "$ORIGIN example.\n$TTL 300\n" + SOA);
        assertThatThrownBy(() -> HubDnsServer.start(config(zones)))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("copy.zone")
                .hasMessageContaining("example.zone")
                .hasMessageContaining("example.");
    }

    @Test
    void aZonesPathThatIsNotADirectoryStopsTheStart() throws Exception {
        Path file = write("not-a-dir", "x");
        assertThatThrownBy(() -> HubDnsServer.start(config(file)))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void anIncludeLeadingOutOfTheZonesDirectoryStopsTheStart() throws Exception {
        Path zones = Files.createDirectories(dir.resolve("zones"));
        Path f = Files.writeString(zones.resolve("example.zone"), "$TTL 300\n" + SOA + "$INCLUDE /etc/passwd\n");
        assertThatThrownBy(() -> HubDnsServer.start(config(zones)))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining(f + ":3: $INCLUDE /etc/passwd")
                .hasMessageContaining("outside the zones directory");
    }

    @Test
    void aGoodDirectoryStartsAndServes() throws Exception {
        Path zones = Files.createDirectories(dir.resolve("zones"));
        Files.writeString(zones.resolve("example.zone"), "$TTL 300\n" + SOA + "www IN A 192.0.2.80\n");
        HubDnsServer s = HubDnsServer.start(config(zones));
        try {
            assertThat(s.snapshot().zones().zones()).singleElement()
                    .satisfies(z -> assertThat(z.apex()).isEqualTo(Name.fromString("example.")));
            org.xbill.DNS.SimpleResolver r = new org.xbill.DNS.SimpleResolver(
                    new java.net.InetSocketAddress(RunningServer.LOOPBACK, s.dnsPort()));
            r.setTimeout(java.time.Duration.ofSeconds(3));
            org.xbill.DNS.Message m = r.send(org.xbill.DNS.Message.newQuery(
                    Record.newRecord(Name.fromString("www.example."), Type.A, 1)));
            assertThat(m.getRcode()).isEqualTo(org.xbill.DNS.Rcode.NOERROR);
            assertThat(m.getSection(org.xbill.DNS.Section.ANSWER)).hasSize(1);
        } finally {
            s.stop();
        }
    }
}
