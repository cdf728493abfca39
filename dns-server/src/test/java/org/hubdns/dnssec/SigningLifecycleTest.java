package org.hubdns.dnssec;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hubdns.server.RunningServer;
import org.hubdns.testsupport.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Signing over time, with timings short enough for a test (1 s TTLs, signatures valid 10 s and
 * refreshed with 5 s left, rollover waits of 1 s, no platform set signed ahead): a platform answer
 * whose signature is made on demand, signatures refreshed before they expire, and a key rollover
 * carried through by the member's clock while delv validates throughout.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SigningLifecycleTest {
    static final String ZONE = "pk-hub.example.";
    static RunningServer server;
    static ApiClient http;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        SignedZoneTest.Delv.require();
        Dnssec.Timings t = new Dnssec.Timings(Duration.ofSeconds(10), Duration.ofSeconds(5),
                new Rollover.Timings(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)), 0);
        server = RunningServer.demo(c -> c.withDnssec(t));
        http = ApiClient.local(server.httpPort(), Duration.ofSeconds(30));
        admin = server.adminToken();
        String zone = """
                $TTL 1
                @       IN SOA  ns1.pk-hub.example. hostmaster.pk-hub.example. ( 2024060103 7200 1800 1209600 1 )
                @       IN NS   ns1.pk-hub.example.
                ns1     IN A    192.0.2.53
                www     IN A    192.0.2.80
                """;
        HttpResponse<String> z = http.send("PUT", "/v1/zones/pk-hub.example", admin, "text/dns", zone);
        assertThat(z.statusCode()).as(z.body()).isIn(200, 201);
        HttpResponse<String> p = http.send("PUT", "/v1/platforms/video", admin, ApiClient.JSON, new JsonObject()
                .put("hostnames", new JsonArray().add("video.pk-hub.example")).put("ttl", 1).put("answers", 2)
                .put("defaultSite", "isb").put("fallback", new JsonObject().put("cname", "video.origin.example."))
                .encode());
        assertThat(p.statusCode()).as(p.body()).isIn(200, 201);
        HttpResponse<String> on = http.send("PUT", "/v1/zones/pk-hub.example/dnssec", admin, ApiClient.JSON,
                "{\"enabled\":true,\"algorithm\":\"ED25519\"}");
        assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static JsonObject state() throws Exception {
        HttpResponse<String> r = http.get("/v1/zones/pk-hub.example/dnssec", admin);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    static List<DNSKEYRecord> keys() throws Exception {
        List<DNSKEYRecord> out = new ArrayList<>();
        for (Object o : state().getJsonArray("dnskeys")) {
            String s = (String) o;
            DNSKEYRecord k = (DNSKEYRecord) Record.fromString(Name.fromString(ZONE), Type.DNSKEY, DClass.IN, 1,
                    s.substring(s.indexOf("DNSKEY") + 6).strip(), Name.root);
            out.add(k);
        }
        return out;
    }

    static Message query(String name, int type, boolean tcp) throws Exception {
        SimpleResolver r = server.resolver(tcp);
        r.setEDNS(0, 1232, ExtendedFlags.DO);
        return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    static RRSIGRecord verified(Message m, List<DNSKEYRecord> keys) throws Exception {
        RRset set = m.getSectionRRsets(Section.ANSWER).get(0);
        assertThat(set.sigs()).isNotEmpty();
        RRSIGRecord sig = set.sigs().get(0);
        DNSKEYRecord k = keys.stream().filter(x -> x.getFootprint() == sig.getFootprint()).findFirst().orElseThrow();
        DNSSEC.verify(set, sig, k);
        return sig;
    }

    @Test
    @Order(1)
    void aPlatformSetNotSignedAheadIsAnsweredOnceItsSignatureIsMade() throws Exception {
        JsonObject sig = state().getJsonObject("signatures");
        assertThat(sig.getInteger("platformSets")).as("the fallback CNAME only").isEqualTo(1);
        assertThat(sig.getBoolean("allPlatformSetsSigned")).isFalse();
        long before = SignedZoneTestMetrics.signatures(http);
        List<DNSKEYRecord> keys = keys();
        Message udp = query("video.pk-hub.example.", Type.A, false);
        assertThat(udp.getSection(Section.ANSWER)).anyMatch(r -> r.getType() == Type.A);
        verified(udp, keys);
        Message tcp = query("video.pk-hub.example.", Type.A, true);
        verified(tcp, keys);
        assertThat(SignedZoneTestMetrics.signatures(http) - before).as("one set, signed once").isEqualTo(1);
    }

    @Test
    @Order(2)
    void signaturesAreRefreshedBeforeTheyExpire() throws Exception {
        List<DNSKEYRecord> keys = keys();
        Instant first = verified(query("www.pk-hub.example.", Type.A, false), keys).getExpire();
        Instant now = first;
        long deadline = System.nanoTime() + 12_000_000_000L;
        while (!now.isAfter(first) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            now = verified(query("www.pk-hub.example.", Type.A, false), keys).getExpire();
        }
        assertThat(now).isAfter(first);
        assertThat(Duration.between(Instant.now(), now)).isGreaterThan(Duration.ofSeconds(4));
        Path anchor = SignedZoneTest.Delv.anchorFile(server.dir(), keys.get(0));
        assertThat(SignedZoneTest.Delv.run(server.dnsPort(), anchor, "www.pk-hub.example", "A"))
                .contains("fully validated");
    }

    @Test
    @Order(3)
    void aRolloverIsCarriedThroughByTheClockWhileValidating() throws Exception {
        List<DNSKEYRecord> old = keys();
        int oldTag = old.get(0).getFootprint();
        HttpResponse<String> r = http.send("POST", "/v1/zones/pk-hub.example/dnssec/rollover", admin, null, "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonObject started = new JsonObject(r.body());
        assertThat(started.getJsonObject("rollover").getBoolean("inProgress")).isTrue();
        assertThat(started.getJsonArray("keys")).hasSize(2);
        HttpResponse<String> twice = http.send("POST", "/v1/zones/pk-hub.example/dnssec/rollover", admin, null, "");
        assertThat(twice.statusCode()).isEqualTo(409);
        assertThat(twice.body()).contains("already under way");

        List<DNSKEYRecord> both = keys();
        assertThat(both).hasSize(2);
        int newTag = both.stream().mapToInt(DNSKEYRecord::getFootprint).filter(t -> t != oldTag).findFirst()
                .orElseThrow();
        Path anchor = anchors(both);
        Set<String> seen = new LinkedHashSet<>();
        long deadline = System.nanoTime() + 20_000_000_000L;
        JsonObject s = started;
        while (System.nanoTime() < deadline) {
            s = state();
            StringBuilder step = new StringBuilder();
            for (Object o : s.getJsonArray("keys")) {
                JsonObject k = (JsonObject) o;
                step.append(k.getInteger("tag") == oldTag ? "old:" : "new:").append(k.getString("state")).append(' ');
            }
            seen.add(step.toString().strip());
            for (String q : List.of("www.pk-hub.example A", "pk-hub.example DNSKEY", "nope.pk-hub.example A")) {
                String[] p = q.split(" ");
                assertThat(SignedZoneTest.Delv.run(server.dnsPort(), anchor, p[0], p[1])).as(step + q)
                        .contains("fully validated");
            }
            if (s.getJsonArray("keys").size() == 1) {
                break;
            }
            Thread.sleep(250);
        }
        assertThat(seen).first().isEqualTo("old:active new:published");
        assertThat(seen).contains("old:retired new:active");
        assertThat(seen).last().isEqualTo("new:active");
        assertThat(s.getJsonObject("rollover").getBoolean("inProgress")).isFalse();
        assertThat(s.getJsonArray("ds").getString(0)).contains("DS\t" + newTag + " 15 2 ");
        // the new key alone now signs and validates
        Message cds = query(ZONE, Type.CDS, false);
        assertThat(cds.getSection(Section.ANSWER)).anyMatch(x -> x.getType() == Type.CDS
                && x.rdataToString().startsWith(newTag + " "));
        assertThat(SignedZoneTest.Delv.run(server.dnsPort(), SignedZoneTest.Delv.anchorFile(server.dir(),
                both.stream().filter(k -> k.getFootprint() == newTag).findFirst().orElseThrow()),
                "www.pk-hub.example", "A")).contains("fully validated");
    }

    /** A trust-anchor file with every key given (a validator that knew the old key and learned the new). */
    static Path anchors(List<DNSKEYRecord> keys) throws Exception {
        StringBuilder b = new StringBuilder("trust-anchors {\n");
        for (DNSKEYRecord k : keys) {
            b.append("  ").append(ZONE).append(" static-key ").append(k.getFlags()).append(' ')
                    .append(k.getProtocol()).append(' ').append(k.getAlgorithm()).append(" \"")
                    .append(java.util.Base64.getEncoder().encodeToString(k.getKey())).append("\";\n");
        }
        Path f = server.dir().resolve("anchors-rollover.conf");
        Files.writeString(f, b.append("};\n").toString(), StandardCharsets.US_ASCII);
        return f;
    }

    /** The signatures counter from GET /metrics. */
    static final class SignedZoneTestMetrics {
        static long signatures(ApiClient http) throws Exception {
            for (String line : http.get("/metrics", null).body().split("\n")) {
                if (line.startsWith("hubdns_dnssec_signatures_total{zone=\"" + ZONE + "\"}")) {
                    return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return 0;
        }
    }
}
