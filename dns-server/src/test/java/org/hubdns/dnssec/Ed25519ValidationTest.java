package org.hubdns.dnssec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.hubdns.testsupport.Delv;
import org.hubdns.testsupport.Delv.Outcome;
import org.hubdns.testsupport.UnboundLab;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/**
 * The demo zone signed with {@code "algorithm":"ED25519"} (RFC 8080) validates in delv and in
 * Unbound as the ECDSA one does: static name, denial, platform answer per site, AAAA NODATA.
 */
class Ed25519ValidationTest {
    @Test
    void anEd25519SignedZoneValidatesInDelvAndUnbound() throws Exception {
        Path dir = Files.createTempDirectory("hubdns-dnssec-ed25519");
        try (SignedDemo demo = SignedDemo.start(Dnssec.Timings.DEFAULT, "ED25519")) {
            assertThat(demo.anchor.keys()).allMatch(k -> k.getAlgorithm() == 15);
            Delv delv = Delv.at(dir, demo.server.dnsPort(), demo.anchor);
            delv.expect(Outcome.SECURE, "www.pk-hub.example", "A");
            delv.expect(Outcome.SECURE_NXDOMAIN, "nothere.pk-hub.example", "A");
            delv.expect(Outcome.SECURE, "anything.wild.pk-hub.example", "A");
            for (SignedDemo.Client c : SignedDemo.CLIENTS) {
                assertThat(Delv.at(dir, demo.server.dnsPort(), demo.anchor).from(c.loopback())
                        .expect(Outcome.SECURE, SignedDemo.PLATFORM, "A").rdata("A"))
                        .isNotEmpty().allMatch(a -> a.startsWith(c.nodes()));
            }
            delv.expect(Outcome.SECURE_NODATA, SignedDemo.PLATFORM, "AAAA");
            try (UnboundLab unbound = UnboundLab.start(dir.resolve("unbound"), SignedDemo.ZONE, demo.server.dnsPort(),
                    demo.anchor)) {
                SignedDemo.Client lhe = SignedDemo.CLIENTS.get(1);
                Message m = unbound.ask(SignedDemo.PLATFORM, Type.A, lhe.subnet());
                assertThat(UnboundLab.authenticated(m)).as("AD on %s%n%s", m, unbound.log()).isTrue();
                assertThat(SignedDemo.addresses(m)).startsWith(lhe.nodes());
            }
        }
    }
}
