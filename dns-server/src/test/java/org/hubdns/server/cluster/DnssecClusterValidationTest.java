package org.hubdns.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hubdns.testsupport.Await;
import org.hubdns.testsupport.Delv;
import org.hubdns.testsupport.Delv.Outcome;
import org.hubdns.testsupport.TrustAnchor;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A cluster of three members, the demo zone signed through one of them: every member publishes
 * the same key (generated once, kept as a cluster secret), and delv, trusting that key, validates
 * answers from each member: a static name, the platform hostname, an NXDOMAIN and the platform's
 * AAAA NODATA (the demo platform has no IPv6 node).
 */
class DnssecClusterValidationTest {
    @Test
    void theSameKeyOnEveryMemberAndAnswersFromEachValidate() throws Exception {
        Path dir = Files.createTempDirectory("hubdns-dnssec-cluster");
        try (ClusterFixture c = ClusterFixture.start(3, false)) {
            var r = c.m(2).putJson("/v1/zones/pk-hub.example/dnssec", c.admin(),
                    Map.of("enabled", true, "algorithm", "ECDSAP256SHA256"));
            assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
            List<List<Integer>> tags = new ArrayList<>();
            for (ClusterFixture.Member m : c.members()) {
                Await.until(ClusterFixture.CONVERGE, "member " + (m.index + 1) + " serving a DNSKEY",
                        () -> !dnskeys(m.dnsPort).isEmpty(), () -> m.get("/v1/zones/pk-hub.example/dnssec",
                                c.admin()).body());
                tags.add(TrustAnchor.fetch(m.dnsPort, "pk-hub.example").tags());
            }
            assertThat(tags).as("the key tags each member publishes").containsOnly(tags.get(0)).hasSize(3);
            TrustAnchor anchor = TrustAnchor.fetch(c.m(1).dnsPort, "pk-hub.example");
            for (ClusterFixture.Member m : c.members()) {
                Delv delv = Delv.at(dir, m.dnsPort, anchor);
                assertThat(delv.expect(Outcome.SECURE, "www.pk-hub.example", "A").rdata("A"))
                        .containsExactly("192.0.2.80");
                assertThat(delv.expect(Outcome.SECURE, "video.pk-hub.example", "A").rdata("A")).isNotEmpty()
                        .allMatch(a -> a.startsWith("10."));
                delv.expect(Outcome.SECURE_NXDOMAIN, "nothere.pk-hub.example", "A");
                delv.expect(Outcome.SECURE_NODATA, "video.pk-hub.example", "AAAA");
                delv.expect(Outcome.SECURE, "pk-hub.example", "DNSKEY");
            }
        }
    }

    /** The DNSKEY records member's DNS port serves (DO set, over TCP). */
    static List<Record> dnskeys(int port) throws Exception {
        SimpleResolver r = new SimpleResolver(new java.net.InetSocketAddress("127.0.0.1", port));
        r.setTCP(true);
        r.setTimeout(Duration.ofSeconds(3));
        r.setEDNS(0, 1232, org.xbill.DNS.ExtendedFlags.DO, List.of());
        Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString("pk-hub.example."), Type.DNSKEY,
                DClass.IN)));
        return m.getSection(Section.ANSWER).stream().filter(x -> x.getType() == Type.DNSKEY).toList();
    }
}
