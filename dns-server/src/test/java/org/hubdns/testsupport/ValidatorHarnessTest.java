package org.hubdns.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.hubdns.server.RunningServer;
import org.hubdns.testsupport.Delv.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The validation harness judged before it judges hubdns: against a zone Knot signs (which must
 * validate everywhere), the same zone with the wrong trust anchor, and a zone whose signatures
 * expired (signed by ldns-signzone), each of {@link Delv}, {@link UnboundLab} and {@link DnsViz}
 * must pass what is right and fail what is wrong. The ECS path through Unbound is proved against
 * a demo member of today's (unsigned) hubdns.
 */
class ValidatorHarnessTest {
    static final String ZONE = "signed.example";
    static final String ZONE_TEXT = """
            $ORIGIN signed.example.
            $TTL 300
            @ IN SOA ns1 hostmaster 1 3600 600 86400 60
            @ IN NS ns1
            ns1 IN A 127.0.0.1
            www IN A 192.0.2.80
            www IN AAAA 2001:db8::80
            *.wild IN A 192.0.2.99
            txtonly IN TXT "hello"
            """;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "Knot signs with {0}: delv validates answers and denials, and refuses the wrong key")
    @ValueSource(strings = {"ecdsap256sha256", "ed25519"})
    void delvValidatesAKnotSignedZoneAndRefusesTheWrongKey(String algorithm) throws Exception {
        try (KnotLab knot = KnotLab.signing(tmp.resolve("knot"), ZONE, ZONE_TEXT, algorithm)) {
            TrustAnchor anchor = TrustAnchor.fetch(knot.port(), ZONE);
            Delv delv = Delv.at(tmp, knot.port(), anchor);
            assertThat(delv.expect(Outcome.SECURE, "www.signed.example", "A").rdata("A")).containsExactly("192.0.2.80");
            assertThat(delv.expect(Outcome.SECURE, "www.signed.example", "AAAA").signatures()).hasSize(1);
            delv.expect(Outcome.SECURE_NXDOMAIN, "nothere.signed.example", "A");
            delv.expect(Outcome.SECURE_NODATA, "www.signed.example", "MX");
            delv.expect(Outcome.SECURE_NODATA, "txtonly.signed.example", "A");
            assertThat(delv.expect(Outcome.SECURE, "x.wild.signed.example", "A").rdata("A"))
                    .as("a wildcard answer, its NSEC proving no closer name").containsExactly("192.0.2.99");
            delv.expect(Outcome.SECURE_NODATA, "x.wild.signed.example", "AAAA");
            delv.tcp(true).expect(Outcome.SECURE, "www.signed.example", "A");

            Delv wrong = Delv.at(tmp, knot.port(), anchor.withWrongKey());
            wrong.expect(Outcome.FAILED, "www.signed.example", "A");
            wrong.expect(Outcome.FAILED, "nothere.signed.example", "A");
        }
    }

    @Test
    void expiredSignaturesFailInDelvUnboundAndDnsViz() throws Exception {
        Path signer = Files.createDirectories(tmp.resolve("ldns"));
        DebianTool keygen = DebianTool.require("ldns-keygen", "ldnsutils");
        DebianTool.Run k = keygen.run(signer, Duration.ofSeconds(20), List.of("-a", "ECDSAP256SHA256", "-k", ZONE));
        assertThat(k.exit()).as(k.toString()).isZero();
        String key = k.output().strip();
        Files.writeString(signer.resolve("zone.db"), ZONE_TEXT);
        DebianTool.Run s = DebianTool.require("ldns-signzone", "ldnsutils").run(signer, Duration.ofSeconds(20),
                List.of("-e", "20200101000000", "-i", "20191201000000", "zone.db", key));
        assertThat(s.exit()).as(s.toString()).isZero();
        String signed = Files.readString(signer.resolve("zone.db.signed"));
        try (KnotLab knot = KnotLab.serving(tmp.resolve("knot"), ZONE, signed)) {
            TrustAnchor anchor = TrustAnchor.fetch(knot.port(), ZONE);
            Delv delv = Delv.at(tmp, knot.port(), anchor);
            delv.expect(Outcome.FAILED, "www.signed.example", "A");
            delv.expect(Outcome.FAILED, "nothere.signed.example", "A");

            try (UnboundLab unbound = UnboundLab.start(tmp.resolve("unbound"), ZONE, knot.port(), anchor)) {
                Message m = unbound.ask("www.signed.example", Type.A, null);
                assertThat(m.getRcode()).as("expired signatures are bogus to Unbound:%n%s%n%s", m, unbound.log())
                        .isEqualTo(Rcode.SERVFAIL);
            }

            DnsViz.Grok g = DnsViz.probeAndGrok(tmp.resolve("dnsviz"), knot.port(), anchor,
                    List.of("www.signed.example"));
            assertThat(g.errors()).as(g.toString()).anyMatch(e -> e.contains("EXPIRATION_IN_PAST"));
            assertThat(g.statuses()).as(g.toString()).containsKey("BOGUS");
        }
    }

    @Test
    void unboundAndDnsVizPassAKnotSignedZoneAndUnboundRefusesTheWrongKey() throws Exception {
        try (KnotLab knot = KnotLab.signing(tmp.resolve("knot"), ZONE, ZONE_TEXT, "ecdsap256sha256")) {
            TrustAnchor anchor = TrustAnchor.fetch(knot.port(), ZONE);
            try (UnboundLab unbound = UnboundLab.start(tmp.resolve("unbound"), ZONE, knot.port(), anchor)) {
                Message a = unbound.ask("www.signed.example", Type.A, null);
                assertThat(a.getRcode()).as("%s%n%s", a, unbound.log()).isEqualTo(Rcode.NOERROR);
                assertThat(UnboundLab.authenticated(a)).as("AD on %s", a).isTrue();
                Message nx = unbound.ask("nothere.signed.example", Type.A, null);
                assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
                assertThat(UnboundLab.authenticated(nx)).as("AD on %s", nx).isTrue();
                Message nodata = unbound.ask("www.signed.example", Type.MX, null);
                assertThat(nodata.getRcode()).isEqualTo(Rcode.NOERROR);
                assertThat(nodata.getSection(Section.ANSWER)).isEmpty();
                assertThat(UnboundLab.authenticated(nodata)).as("AD on %s", nodata).isTrue();
            }
            try (UnboundLab wrong = UnboundLab.start(tmp.resolve("unbound-wrong"), ZONE, knot.port(),
                    anchor.withWrongKey())) {
                Message a = wrong.ask("www.signed.example", Type.A, null);
                assertThat(a.getRcode()).as("the wrong key: %s%n%s", a, wrong.log()).isEqualTo(Rcode.SERVFAIL);
            }
            DnsViz.Grok g = DnsViz.probeAndGrok(tmp.resolve("dnsviz"), knot.port(), anchor,
                    List.of("www.signed.example", "x.wild.signed.example", "nothere.signed.example"));
            assertThat(g.errors()).as(g.toString()).isEmpty();
            assertThat(g.zoneStatus()).as(g.toString()).isEqualTo("SECURE");
            assertThat(g.statuses()).as(g.toString()).doesNotContainKeys("BOGUS", "EXPIRED", "INSECURE");
        }
    }

    /** Three client networks, one per demo site (nodes on 10.20, 10.30 and 10.10) by {@link #DEMO_COVERAGE}. */
    static final List<String> DEMO_SUBNETS = List.of("182.185.1.0/24", "39.40.1.0/24", "182.176.1.0/24");
    static final String DEMO_COVERAGE = "cidr,site\n182.185.0.0/16,khi\n39.40.0.0/16,lhe\n182.176.0.0/16,isb\n";

    /** Uploads {@link #DEMO_COVERAGE} to the demo member and waits until its answers follow it. */
    static void coverDemoSites(RunningServer hub) throws Exception {
        var r = ApiClient.local(hub.httpPort(), Duration.ofSeconds(10)).send("PUT", "/v1/coverage-zones",
                hub.adminToken(), "text/csv", DEMO_COVERAGE);
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 204);
        Await.until(Duration.ofSeconds(5), "the coverage zones steering 182.185.1.0/24 to khi (10.20.x)",
                () -> addresses(ecsQuery(hub, "video.pk-hub.example", "182.185.1.0/24")).startsWith("10.20."));
    }

    @Test
    void unboundCarriesTheClientSubnetToHubdnsSoAnswersStaySteered() throws Exception {
        try (RunningServer hub = RunningServer.demo();
                UnboundLab unbound = UnboundLab.start(tmp.resolve("unbound"), "pk-hub.example", hub.dnsPort(), null)) {
            coverDemoSites(hub);
            List<String> direct = new ArrayList<>();
            List<String> viaUnbound = new ArrayList<>();
            for (String subnet : DEMO_SUBNETS) {
                Message d = ecsQuery(hub, "video.pk-hub.example", subnet);
                Message u = unbound.ask("video.pk-hub.example", Type.A, subnet);
                assertThat(u.getRcode()).as("%s%n%s", u, unbound.log()).isEqualTo(Rcode.NOERROR);
                direct.add(subnet + " " + addresses(d));
                viaUnbound.add(subnet + " " + addresses(u));
            }
            assertThat(viaUnbound).as("the same answer through Unbound as asked directly with that subnet")
                    .isEqualTo(direct);
            assertThat(direct.stream().map(l -> l.split(" ")[1].substring(0, 5)).distinct().count())
                    .as("the three networks reach different sites: %s", direct).isEqualTo(3);
        }
    }

    static Message ecsQuery(RunningServer hub, String name, String subnet) throws Exception {
        int slash = subnet.indexOf('/');
        Message q = Message.newQuery(org.xbill.DNS.Record.newRecord(org.xbill.DNS.Name.fromString(name + "."), Type.A,
                org.xbill.DNS.DClass.IN));
        q.addRecord(new org.xbill.DNS.OPTRecord(1232, 0, 0, 0, List.of(new org.xbill.DNS.ClientSubnetOption(
                Integer.parseInt(subnet.substring(slash + 1)), java.net.InetAddress.getByName(subnet.substring(0, slash))))),
                Section.ADDITIONAL);
        return hub.resolver(true).send(q);
    }

    static String addresses(Message m) {
        return m.getSection(Section.ANSWER).stream().filter(ARecord.class::isInstance)
                .map(r -> ((ARecord) r).getAddress().getHostAddress()).sorted().collect(Collectors.joining(","));
    }

    @Test
    void delvOutputIsReadAsItsOutcome() {
        assertThat(Delv.parse("", "; fully validated\nwww.z.\t300\tIN\tA\t192.0.2.1\n"
                + "www.z.\t300\tIN\tRRSIG\tA 13 2 300 2 1 1 z. abc\n").outcome()).isEqualTo(Outcome.SECURE);
        assertThat(Delv.parse("", ";; resolution failed: ncache nxdomain\n; negative response, fully validated\n")
                .outcome()).isEqualTo(Outcome.SECURE_NXDOMAIN);
        assertThat(Delv.parse("", ";; resolution failed: ncache nxrrset\n; negative response, fully validated\n")
                .outcome()).isEqualTo(Outcome.SECURE_NODATA);
        assertThat(Delv.parse("", ";; resolution failed: ncache nxdomain\n; negative response, unsigned answer\n")
                .outcome()).as("an unsigned denial is no proof").isEqualTo(Outcome.FAILED);
        assertThat(Delv.parse("", ";; broken trust chain resolving 'www.z/A/IN'\n;; resolution failed: broken trust "
                + "chain\n").outcome()).isEqualTo(Outcome.FAILED);
        assertThat(Delv.parse("", "; unsigned answer\nwww.z.\t300\tIN\tA\t192.0.2.1\n").outcome())
                .isEqualTo(Outcome.INSECURE);
        assertThat(Delv.parse("", "").outcome()).isEqualTo(Outcome.FAILED);
    }
}
