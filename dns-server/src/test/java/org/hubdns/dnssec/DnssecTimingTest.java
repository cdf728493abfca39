package org.hubdns.dnssec;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.hubdns.testsupport.ApiClient;
import org.hubdns.testsupport.Delv;
import org.hubdns.testsupport.Delv.Outcome;
import org.hubdns.testsupport.TrustAnchor;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The parts of issue 18 that take time, with short timings so that they happen within a test:
 * signatures valid 40 s and refreshed with 30 s left are made again before they expire, and delv
 * keeps validating after the first ones expired; a key rollover (TTLs of 5 s, waits of 1 s) is
 * carried through by the member on its own while delv validates at every step, trusting the keys
 * a parent following CDS would hold (the old key, and the new one once it is published).
 */
class DnssecTimingTest {
    static final Dnssec.Timings SHORT = new Dnssec.Timings(Duration.ofSeconds(40), Duration.ofSeconds(30),
            new Rollover.Timings(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)));

    @Test
    void signaturesAreRefreshedBeforeTheyExpireAndAnswersKeepValidating() throws Exception {
        Path dir = Files.createTempDirectory("hubdns-dnssec-expiry");
        try (SignedDemo demo = SignedDemo.start(SHORT, "ECDSAP256SHA256")) {
            SignedDemo.Client khi = SignedDemo.CLIENTS.get(0);
            Instant first = expiry(demo.ask("www.pk-hub.example", Type.A, null, true));
            Instant firstPlatform = expiry(demo.ask(SignedDemo.PLATFORM, Type.A, khi.subnet(), true));
            assertThat(Duration.between(Instant.now(), first)).as("a 40 s validity").isLessThanOrEqualTo(
                    Duration.ofSeconds(41));
            Instant past = (first.isAfter(firstPlatform) ? first : firstPlatform).plusSeconds(2);
            long wait = Duration.between(Instant.now(), past).toMillis();
            assertThat(wait).as("the first signatures expire within the validity").isLessThan(45_000);
            TimeUnit.MILLISECONDS.sleep(Math.max(0, wait));
            Delv delv = Delv.at(dir, demo.server.dnsPort(), demo.anchor);
            delv.expect(Outcome.SECURE, "www.pk-hub.example", "A");
            delv.expect(Outcome.SECURE_NXDOMAIN, "nothere.pk-hub.example", "A");
            delv.from(khi.loopback()).expect(Outcome.SECURE, SignedDemo.PLATFORM, "A");
            assertThat(expiry(demo.ask("www.pk-hub.example", Type.A, null, true))).isAfter(first);
            assertThat(expiry(demo.ask(SignedDemo.PLATFORM, Type.A, khi.subnet(), true))).isAfter(firstPlatform);
        }
    }

    @Test
    void aRolloverIsCarriedThroughWhileAnswersValidate() throws Exception {
        Path dir = Files.createTempDirectory("hubdns-dnssec-rollover");
        try (SignedDemo demo = SignedDemo.start(SHORT, "ECDSAP256SHA256", SignedDemo.zoneText(5))) {
            // the platform's TTL bounds the retire wait too: 5 s rather than the demo's 60
            var p = demo.api.send("PUT", "/v1/platforms/video", demo.admin, ApiClient.JSON, new JsonObject()
                    .put("hostnames", new JsonArray().add(SignedDemo.PLATFORM)).put("ttl", 5).put("answers", 2)
                    .put("defaultSite", "isb").put("fallback", new JsonObject().put("cname", "video.origin.example."))
                    .encode());
            assertThat(p.statusCode()).as(p.body()).isBetween(200, 201);
            TrustAnchor old = demo.anchor;
            var r = demo.api.send("POST", "/v1/zones/" + SignedDemo.ZONE + "/dnssec/rollover", demo.admin, null,
                    (String) null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            SignedDemo.Client khi = SignedDemo.CLIENTS.get(0);
            Set<Integer> trusted = new LinkedHashSet<>(old.tags());
            List<String> steps = new ArrayList<>();
            List<DNSKEYRecord> keys = new ArrayList<>(old.keys());
            long end = System.nanoTime() + Duration.ofSeconds(150).toNanos();
            boolean done = false;
            int rounds = 0;
            while (!done && System.nanoTime() - end < 0) {
                rounds++;
                // the parent follows CDS: a published key joins the trusted set, the old one stays trusted
                for (DNSKEYRecord k : TrustAnchor.fetch(demo.server.dnsPort(), SignedDemo.ZONE).keys()) {
                    if (trusted.add(k.getFootprint())) {
                        keys.add(k);
                        steps.add("new key " + k.getFootprint() + " published after round " + rounds);
                    }
                }
                TrustAnchor both = new TrustAnchor(old.zone(), keys);
                Delv delv = Delv.at(dir, demo.server.dnsPort(), both);
                delv.expect(Outcome.SECURE, "www.pk-hub.example", "A");
                delv.from(khi.loopback()).expect(Outcome.SECURE, SignedDemo.PLATFORM, "A");
                delv.expect(Outcome.SECURE_NXDOMAIN, "nothere.pk-hub.example", "A");
                List<Integer> published = TrustAnchor.fetch(demo.server.dnsPort(), SignedDemo.ZONE).tags();
                done = published.size() == 1 && !published.equals(old.tags());
                if (!done) {
                    TimeUnit.SECONDS.sleep(2);
                }
            }
            assertThat(done).as("the rollover finished within 150 s: steps %s, GET:%n%s", steps, demo.dnssec())
                    .isTrue();
            TrustAnchor fresh = TrustAnchor.fetch(demo.server.dnsPort(), SignedDemo.ZONE);
            Delv delv = Delv.at(dir, demo.server.dnsPort(), fresh);
            delv.expect(Outcome.SECURE, "www.pk-hub.example", "A");
            delv.expect(Outcome.SECURE, "pk-hub.example", "CDS");
            Delv.at(dir, demo.server.dnsPort(), old).expect(Outcome.FAILED, "www.pk-hub.example", "A");
            System.out.printf("rollover: %d rounds of validation, %s%n", rounds, steps);
        }
    }

    /** The expiration of the answer's first RRSIG. */
    static Instant expiry(Message m) {
        return m.getSection(Section.ANSWER).stream().filter(RRSIGRecord.class::isInstance).map(RRSIGRecord.class::cast)
                .findFirst().orElseThrow(() -> new AssertionError("no RRSIG in " + m)).getExpire();
    }
}
