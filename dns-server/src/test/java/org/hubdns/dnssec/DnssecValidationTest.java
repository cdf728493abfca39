package org.hubdns.dnssec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.hubdns.server.StandIn;
import org.hubdns.testsupport.ApiClient;
import org.hubdns.testsupport.Await;
import org.hubdns.testsupport.Delv;
import org.hubdns.testsupport.Delv.Outcome;
import org.hubdns.testsupport.DnsViz;
import org.hubdns.testsupport.UnboundLab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Issue 18's validation by real validators, on one demo member whose hub zone the operator signed
 * (ECDSAP256SHA256 CSK): delv, trusting only the zone's key, validates static names, NXDOMAIN,
 * NODATA and wildcard answers and the platform hostname from each site; Unbound with the subnet
 * cache validates steered answers for clients of three sites (AD, and the same addresses hubdns
 * gives that subnet directly); a platform without IPv6 nodes gives a validated AAAA NODATA; a
 * drained node's new answer, and the answer after a probed node fails and recovers, validate at
 * once; dnsviz grok finds no error in the served zone.
 */
class DnssecValidationTest {
    static SignedDemo demo;
    static Path dir;

    @BeforeAll
    static void signTheDemo() throws Exception {
        dir = Files.createTempDirectory("hubdns-dnssec-validation");
        demo = SignedDemo.start(Dnssec.Timings.DEFAULT, "ECDSAP256SHA256");
    }

    @AfterAll
    static void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    Delv delv() throws Exception {
        return Delv.at(dir, demo.server.dnsPort(), demo.anchor);
    }

    @Test
    void delvValidatesStaticNamesAndEveryKindOfDenial() throws Exception {
        Delv delv = delv();
        assertThat(delv.expect(Outcome.SECURE, "www.pk-hub.example", "A").rdata("A")).containsExactly("192.0.2.80");
        delv.expect(Outcome.SECURE, "www.pk-hub.example", "AAAA");
        delv.expect(Outcome.SECURE, "pk-hub.example", "SOA");
        delv.expect(Outcome.SECURE, "pk-hub.example", "NS");
        delv.expect(Outcome.SECURE, "pk-hub.example", "DNSKEY");
        delv.expect(Outcome.SECURE, "pk-hub.example", "CDS");
        delv.expect(Outcome.SECURE, "pk-hub.example", "CDNSKEY");
        delv.expect(Outcome.SECURE, "txtonly.pk-hub.example", "TXT");
        delv.expect(Outcome.SECURE_NXDOMAIN, "nothere.pk-hub.example", "A");
        delv.expect(Outcome.SECURE_NXDOMAIN, "deep.below.nothere.pk-hub.example", "AAAA");
        delv.expect(Outcome.SECURE_NODATA, "www.pk-hub.example", "MX");
        delv.expect(Outcome.SECURE_NODATA, "txtonly.pk-hub.example", "A");
        delv.expect(Outcome.SECURE_NODATA, "pk-hub.example", "A");
        assertThat(delv.expect(Outcome.SECURE, "anything.wild.pk-hub.example", "A").rdata("A"))
                .as("a wildcard answer with its NSEC proving no closer name").containsExactly("192.0.2.99");
        delv.expect(Outcome.SECURE_NODATA, "anything.wild.pk-hub.example", "AAAA");
        delv.tcp(true).expect(Outcome.SECURE, "www.pk-hub.example", "A");
    }

    @Test
    void delvValidatesThePlatformHostnameFromEachSite() throws Exception {
        for (SignedDemo.Client c : SignedDemo.CLIENTS) {
            Delv.Result r = delv().from(c.loopback()).expect(Outcome.SECURE, SignedDemo.PLATFORM, "A");
            assertThat(r.rdata("A")).as("%s (%s) steered to %s:%n%s", c.loopback(), c.site(), c.nodes(), r.output())
                    .isNotEmpty().allMatch(a -> a.startsWith(c.nodes()));
        }
    }

    @Test
    void aaaaForAPlatformWithoutIpv6NodesIsAValidatedNodata() throws Exception {
        for (SignedDemo.Client c : SignedDemo.CLIENTS) {
            delv().from(c.loopback()).expect(Outcome.SECURE_NODATA, SignedDemo.PLATFORM, "AAAA");
        }
        delv().expect(Outcome.SECURE_NODATA, SignedDemo.PLATFORM, "MX");
    }

    @Test
    void unboundGivesSecureAndStillSteeredAnswersToClientsOfEachSite() throws Exception {
        try (UnboundLab unbound = UnboundLab.start(dir.resolve("unbound"), SignedDemo.ZONE, demo.server.dnsPort(),
                demo.anchor)) {
            for (SignedDemo.Client c : SignedDemo.CLIENTS) {
                Message direct = demo.ask(SignedDemo.PLATFORM, Type.A, c.subnet(), true);
                Message m = unbound.ask(SignedDemo.PLATFORM, Type.A, c.subnet());
                assertThat(m.getRcode()).as("%s%n%s", m, unbound.log()).isEqualTo(Rcode.NOERROR);
                assertThat(UnboundLab.authenticated(m)).as("AD for %s:%n%s%n%s", c, m, unbound.log()).isTrue();
                assertThat(SignedDemo.addresses(m)).as("%s through Unbound", c).startsWith(c.nodes())
                        .isEqualTo(SignedDemo.addresses(direct));
                Message aaaa = unbound.ask(SignedDemo.PLATFORM, Type.AAAA, c.subnet());
                assertThat(aaaa.getRcode()).as("%s%n%s", aaaa, unbound.log()).isEqualTo(Rcode.NOERROR);
                assertThat(aaaa.getSection(Section.ANSWER)).as("AAAA NODATA").isEmpty();
                assertThat(UnboundLab.authenticated(aaaa)).as("AD on the AAAA NODATA %s%n%s", aaaa, unbound.log())
                        .isTrue();
            }
            Message nx = unbound.ask("nothere.pk-hub.example", Type.A, SignedDemo.CLIENTS.get(0).subnet());
            assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(UnboundLab.authenticated(nx)).as("AD on %s%n%s", nx, unbound.log()).isTrue();
        }
    }

    @Test
    void aDrainedNodesNewAnswerValidatesAtOnce() throws Exception {
        SignedDemo.Client khi = SignedDemo.CLIENTS.get(0);
        String partner = demo.server.demoPartnerToken();
        var r = demo.api.send("POST", "/v1/nodes/demo-khi-1/drain", partner, null, (String) null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        try {
            long t0 = System.nanoTime();
            Await.until(Duration.ofSeconds(5), "the drained 10.20.1.1 out of khi's answer",
                    () -> !SignedDemo.addresses(demo.ask(SignedDemo.PLATFORM, Type.A, khi.subnet(), false))
                            .contains("10.20.1.1"));
            Delv.Result d = delv().from(khi.loopback()).expect(Outcome.SECURE, SignedDemo.PLATFORM, "A");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(d.rdata("A")).as(d.output()).containsExactly("10.20.1.2");
            System.out.printf("drain to a validating answer: %d ms%n", ms);
        } finally {
            demo.api.send("POST", "/v1/nodes/demo-khi-1/undrain", partner, null, (String) null);
        }
        Await.until(Duration.ofSeconds(5), "10.20.1.1 back in khi's answer",
                () -> SignedDemo.addresses(demo.ask(SignedDemo.PLATFORM, Type.A, khi.subnet(), false))
                        .contains("10.20.1.1"));
        assertThat(delv().from(khi.loopback()).expect(Outcome.SECURE, SignedDemo.PLATFORM, "A").rdata("A"))
                .containsExactlyInAnyOrder("10.20.1.1", "10.20.1.2");
    }

    @Test
    void aHealthChangesNewAnswerValidatesAtOnce() throws Exception {
        // a site of its own ("pew", client 127.0.0.5) with two nodes on loopback, one probed over HTTP
        String admin = demo.admin;
        ok(demo.api.send("PUT", "/v1/sites/pew", admin, ApiClient.JSON,
                "{\"city\":\"Peshawar\",\"country\":\"PK\",\"lat\":34.01,\"lon\":71.58}"));
        ok(demo.api.send("PUT", "/v1/coverage-zones", admin, "text/csv", SignedDemo.COVERAGE + "127.0.0.5/32,pew\n"));
        String token = new io.vertx.core.json.JsonObject(ok(demo.api.send("PUT", "/v1/partners/hc", admin,
                ApiClient.JSON, "{\"platforms\":[\"video\"],\"allowSpecial\":[\"127.0.0.0/8\"]}"))).getString("token");
        try (StandIn probed = StandIn.http("127.0.0.31")) {
            ok(demo.api.send("POST", "/v1/nodes", token, ApiClient.JSON, "{\"platform\":\"video\",\"site\":\"pew\","
                    + "\"addresses\":[\"127.0.0.31\"],\"weight\":100,\"check\":{\"type\":\"http\",\"port\":"
                    + probed.port() + ",\"path\":\"/health\",\"intervalMs\":500,\"timeoutMs\":300,\"rise\":2,"
                    + "\"fall\":2}}"));
            ok(demo.api.send("POST", "/v1/nodes", token, ApiClient.JSON, "{\"platform\":\"video\",\"site\":\"pew\","
                    + "\"addresses\":[\"127.0.0.32\"],\"weight\":100,\"check\":{\"type\":\"none\"}}"));
            Delv pew = delv().from("127.0.0.5");
            Await.until(Duration.ofSeconds(10), "both pew nodes answered to 127.0.0.5",
                    () -> pew.query(SignedDemo.PLATFORM, "A").rdata("A").size() == 2);
            assertThat(pew.expect(Outcome.SECURE, SignedDemo.PLATFORM, "A").rdata("A"))
                    .containsExactlyInAnyOrder("127.0.0.31", "127.0.0.32");

            probed.status(500);
            long t0 = System.nanoTime();
            Await.until(Duration.ofSeconds(10), "127.0.0.31 out of pew's answer once its probes fail",
                    () -> pew.query(SignedDemo.PLATFORM, "A").rdata("A").equals(List.of("127.0.0.32")));
            Delv.Result down = pew.expect(Outcome.SECURE, SignedDemo.PLATFORM, "A");
            assertThat(down.rdata("A")).as(down.output()).containsExactly("127.0.0.32");
            System.out.printf("health change (probe failing) to a validating answer: %d ms%n",
                    (System.nanoTime() - t0) / 1_000_000);

            probed.status(200);
            Await.until(Duration.ofSeconds(10), "127.0.0.31 back once its probes pass",
                    () -> pew.query(SignedDemo.PLATFORM, "A").rdata("A").size() == 2);
            assertThat(pew.expect(Outcome.SECURE, SignedDemo.PLATFORM, "A").rdata("A"))
                    .containsExactlyInAnyOrder("127.0.0.31", "127.0.0.32");
        }
    }

    static String ok(java.net.http.HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 204);
        return r.body();
    }

    @Test
    void dnsvizGrokFindsNoErrorInTheServedZone() throws Exception {
        DnsViz.Grok g = DnsViz.probeAndGrok(dir.resolve("dnsviz"), demo.server.dnsPort(), demo.anchor,
                List.of("www.pk-hub.example", SignedDemo.PLATFORM, "anything.wild.pk-hub.example",
                        "txtonly.pk-hub.example", "nothere.pk-hub.example"));
        assertThat(g.errors()).as(g.toString()).isEmpty();
        assertThat(g.zoneStatus()).as(g.toString()).isEqualTo("SECURE");
        assertThat(g.statuses()).as(g.toString()).doesNotContainKeys("BOGUS", "EXPIRED", "INSECURE");
    }
}
