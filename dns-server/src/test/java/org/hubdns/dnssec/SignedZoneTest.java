package org.hubdns.dnssec;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hubdns.server.RunningServer;
import org.hubdns.testsupport.ApiClient;
import org.hubdns.testsupport.DebianTool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A signed demo zone end to end: the operator turns DNSSEC on over HTTP, and real validators check
 * what the member serves over real sockets: {@code delv} (BIND's validator, Debian bind9-dnsutils)
 * with the zone's key as trust anchor for static names, NXDOMAIN, NODATA, wildcards and the
 * platform hostname; dnsjava's {@link DNSSEC#verify} for platform answers per ECS subnet and site.
 * DO=0 answers stay byte-identical.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SignedZoneTest {
    static final String ZONE = "pk-hub.example.";
    static final String ZONE_TEXT = """
            $TTL 300
            @       IN SOA  ns1.pk-hub.example. hostmaster.pk-hub.example. ( 2024060102 7200 1800 1209600 300 )
            @       IN NS   ns1.pk-hub.example.
            @       IN NS   ns2.pk-hub.example.
            @       IN MX   10 mail.pk-hub.example.
            ns1     IN A    192.0.2.53
            ns2     IN A    198.51.100.53
            www     IN A    192.0.2.80
            mail    IN A    192.0.2.25
            alias   IN CNAME www.pk-hub.example.
            *.wild  IN A    192.0.2.99
            *.wild  IN TXT  "wildcard"
            a.b.deep IN TXT "deep"
            sub     IN NS   ns.sub.pk-hub.example.
            ns.sub  IN A    192.0.2.54
            """;

    static RunningServer server;
    static ApiClient http;
    static String admin;
    static Path anchor;
    static DNSKEYRecord key;
    /** DO=0 responses taken before DNSSEC was turned on, by query. */
    static final Map<String, byte[]> before = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        Delv.require();
        server = RunningServer.demo();
        http = ApiClient.local(server.httpPort(), Duration.ofSeconds(30));
        admin = server.adminToken();
        HttpResponse<String> z = http.send("PUT", "/v1/zones/pk-hub.example", admin, "text/dns", ZONE_TEXT);
        assertThat(z.statusCode()).as(z.body()).isIn(200, 201);
        for (String c : List.of("182.185.1.0/24 khi", "182.185.2.0/24 lhe")) {
            String[] p = c.split(" ");
            HttpResponse<String> r = http.send("POST", "/v1/coverage-zones", admin, ApiClient.JSON,
                    new JsonObject().put("cidr", p[0]).put("site", p[1]).encode());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
        for (String q : plainQueries()) {
            before.put(q, plain(q));
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static List<String> plainQueries() {
        return List.of("www A", "nope A", "www AAAA", "video A", "video AAAA", "x.wild TXT", "y.sub A", "@ SOA");
    }

    /** The raw DO=0 (EDNS without DO) response to "label TYPE", with a fixed id. */
    static byte[] plain(String q) throws IOException {
        String[] p = q.split(" ");
        Name n = p[0].equals("@") ? Name.fromString(ZONE) : Name.fromString(p[0] + "." + ZONE);
        Message m = Message.newQuery(Record.newRecord(n, Type.value(p[1]), DClass.IN));
        m.getHeader().setID(4242);
        m.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
        return server.udpRaw(m.toWire(), 3000);
    }

    @Test
    @Order(1)
    void operatorTurnsSigningOnAndSeesKeysAndDsButNoKeyMaterial() throws Exception {
        HttpResponse<String> off = http.get("/v1/zones/pk-hub.example/dnssec", admin);
        assertThat(off.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(off.body()).getBoolean("enabled")).isFalse();

        HttpResponse<String> r = http.send("PUT", "/v1/zones/pk-hub.example/dnssec", admin, ApiClient.JSON,
                "{\"enabled\":true,\"algorithm\":\"ECDSAP256SHA256\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject body = new JsonObject(r.body());
        assertThat(body.getBoolean("enabled")).isTrue();
        JsonArray keys = body.getJsonArray("keys");
        assertThat(keys).hasSize(1);
        JsonObject k = keys.getJsonObject(0);
        assertThat(k.getString("role")).isEqualTo("CSK");
        assertThat(k.getString("state")).isEqualTo("active");
        assertThat(k.getString("algorithm")).isEqualTo("ECDSAP256SHA256");
        assertThat(k.getString("created")).isNotBlank();
        assertThat(body.getJsonArray("ds").getString(0)).contains("IN\tDS\t" + k.getInteger("tag") + " 13 2 ");
        assertThat(body.getJsonObject("signatures").getString("nextRefresh")).isNotBlank();
        assertThat(r.body()).doesNotContainIgnoringCase("private");

        // the same keys are read back, and turning it on again keeps them
        HttpResponse<String> again = http.send("PUT", "/v1/zones/pk-hub.example/dnssec", admin, ApiClient.JSON,
                "{\"enabled\":true}");
        assertThat(new JsonObject(again.body()).getJsonArray("keys").getJsonObject(0).getInteger("tag"))
                .isEqualTo(k.getInteger("tag"));

        String dnskey = body.getJsonArray("dnskeys").getString(0);
        key = (DNSKEYRecord) Record.fromString(Name.root, Type.DNSKEY, DClass.IN, 300,
                dnskey.substring(dnskey.indexOf("DNSKEY") + 6).strip(), Name.root);
        key = new DNSKEYRecord(Name.fromString(ZONE), DClass.IN, 300, key.getFlags(), key.getProtocol(),
                key.getAlgorithm(), key.getKey());
        anchor = Delv.anchorFile(server.dir(), key);

        // the keys are a secret of the registry file, which only its owner may read
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                server.dataDir().resolve("registry.mv.db")))).isEqualTo("rw-------");
    }

    @Test
    @Order(2)
    void badSettingsAreRefusedWithWhatToDo() throws Exception {
        HttpResponse<String> alg = http.send("PUT", "/v1/zones/pk-hub.example/dnssec", admin, ApiClient.JSON,
                "{\"enabled\":true,\"algorithm\":\"RSASHA1\"}");
        assertThat(alg.statusCode()).isEqualTo(422);
        assertThat(alg.body()).contains("ECDSAP256SHA256 or ED25519");
        HttpResponse<String> unknown = http.send("PUT", "/v1/zones/pk-hub.example/dnssec", admin, ApiClient.JSON,
                "{\"enabled\":true,\"keys\":[]}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("unknown field 'keys'");
        HttpResponse<String> noFlag = http.send("PUT", "/v1/zones/pk-hub.example/dnssec", admin, ApiClient.JSON,
                "{\"algorithm\":\"ED25519\"}");
        assertThat(noFlag.statusCode()).isEqualTo(400);
        HttpResponse<String> change = http.send("PUT", "/v1/zones/pk-hub.example/dnssec", admin, ApiClient.JSON,
                "{\"enabled\":true,\"algorithm\":\"ED25519\"}");
        assertThat(change.statusCode()).isEqualTo(409);
        assertThat(change.body()).contains("remove the DS at the parent");
        HttpResponse<String> missing = http.send("PUT", "/v1/zones/nowhere.example/dnssec", admin, ApiClient.JSON,
                "{\"enabled\":true}");
        assertThat(missing.statusCode()).isEqualTo(404);
        HttpResponse<String> partner = http.send("PUT", "/v1/zones/pk-hub.example/dnssec",
                server.demoPartnerToken(), ApiClient.JSON, "{\"enabled\":false}");
        assertThat(partner.statusCode()).isEqualTo(403);
        assertThat(ApiClient.contentType(partner)).isEqualTo("application/problem+json");
    }

    @Test
    @Order(3)
    void delvValidatesStaticNamesDenialsAndWildcards() throws Exception {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("www.pk-hub.example A", "192.0.2.80");
        cases.put("pk-hub.example MX", "10 mail.pk-hub.example.");
        cases.put("pk-hub.example DNSKEY", "257 3 13");
        cases.put("pk-hub.example CDS", "IN\tCDS\t" + key.getFootprint() + " 13 2");
        cases.put("pk-hub.example CDNSKEY", "257 3 13");
        cases.put("alias.pk-hub.example A", "CNAME\twww.pk-hub.example.");
        cases.put("x.wild.pk-hub.example A", "192.0.2.99");
        cases.put("a.x.wild.pk-hub.example TXT", "\"wildcard\"");
        cases.put("nope.pk-hub.example A", "NXDOMAIN");
        cases.put("zzz.b.deep.pk-hub.example TXT", "NXDOMAIN");
        cases.put("www.pk-hub.example AAAA", "NXRRSET");
        cases.put("deep.pk-hub.example TXT", "NXRRSET"); // an empty non-terminal
        cases.put("x.wild.pk-hub.example AAAA", "NXRRSET"); // wildcard NODATA
        cases.put("sub.pk-hub.example DS", "NXRRSET"); // an insecure delegation, proven so
        cases.put("video.pk-hub.example A", "10.10.1.");
        cases.put("video.pk-hub.example AAAA", "NXRRSET"); // a platform without IPv6 nodes
        for (Map.Entry<String, String> c : cases.entrySet()) {
            String[] q = c.getKey().split(" ");
            String out = Delv.run(server.dnsPort(), anchor, q[0], q[1]);
            assertThat(out).as(c.getKey()).contains("fully validated").contains(c.getValue())
                    .doesNotContain("resolution failed: failure");
        }
    }

    @Test
    @Order(4)
    void referralCarriesTheNsecProvingNoDs() throws Exception {
        Message m = signedQuery("y.sub.pk-hub.example.", Type.A, null);
        assertThat(m.getHeader().getFlag(Flags.AA)).isFalse();
        assertThat(m.getSection(Section.AUTHORITY)).anyMatch(r -> r.getType() == Type.NS);
        NSECRecord nsec = (NSECRecord) m.getSection(Section.AUTHORITY).stream().filter(r -> r.getType() == Type.NSEC)
                .findFirst().orElseThrow();
        assertThat(nsec.hasType(Type.DS)).isFalse();
        assertThat(nsec.hasType(Type.NS)).isTrue();
        verifyAll(m, Section.AUTHORITY);
        assertThat(m.getSection(Section.ADDITIONAL)).anyMatch(r -> r.rdataToString().equals("192.0.2.54"));
    }

    @Test
    @Order(5)
    void platformAnswersPerEcsSubnetAreSignedAndStillSteered() throws Exception {
        Map<String, String> sites = Map.of("182.185.1.0/24", "10.20.1.", "182.185.2.0/24", "10.30.1.",
                "203.0.113.0/24", "10.10.1.");
        for (Map.Entry<String, String> e : sites.entrySet()) {
            String[] p = e.getKey().split("/");
            ClientSubnetOption ecs = new ClientSubnetOption(Integer.parseInt(p[1]),
                    java.net.InetAddress.getByName(p[0]));
            Message m = signedQuery("video.pk-hub.example.", Type.A, ecs);
            assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(m.getHeader().getFlag(Flags.AD)).as("AD is never set by an authoritative server").isFalse();
            List<Record> a = m.getSection(Section.ANSWER).stream().filter(r -> r.getType() == Type.A).toList();
            assertThat(a).isNotEmpty().allMatch(r -> r.rdataToString().startsWith(e.getValue()));
            verifyAll(m, Section.ANSWER);
            ClientSubnetOption back = (ClientSubnetOption) m.getOPT().getOptions(
                    org.xbill.DNS.EDNSOption.Code.CLIENT_SUBNET).get(0);
            assertThat(back.getScopePrefixLength()).as(e.getKey()).isEqualTo(DnsScope.of(server, ecs));
            assertThat((m.getOPT().getFlags() & ExtendedFlags.DO)).as("DO echoed").isNotZero();
        }
    }

    @Test
    @Order(6)
    void doZeroAnswersAreByteIdenticalToUnsigned() throws Exception {
        for (String q : plainQueries()) {
            assertThat(plain(q)).as(q).isEqualTo(before.get(q));
        }
    }

    /** RFC 4035 3.1.1: DO decides whether RRSIGs come along, not whether the zone's key sets exist. */
    @Test
    @Order(6)
    void keySetsAreAnsweredWithoutDoToo() throws Exception {
        Name apex = Name.fromString(ZONE);
        for (int type : List.of(Type.DNSKEY, Type.CDS, Type.CDNSKEY)) {
            Message m = new Message(plain("@ " + Type.string(type)));
            assertThat(m.getRcode()).as(Type.string(type)).isEqualTo(Rcode.NOERROR);
            assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
            List<Record> answer = m.getSection(Section.ANSWER);
            assertThat(answer).as(Type.string(type) + " without DO").isNotEmpty()
                    .allMatch(r -> r.getType() == type && r.getName().equals(apex));
        }
        // the CDS names a key the DNSKEY set holds (the one the parent's DS must match)
        Message keys = new Message(plain("@ DNSKEY"));
        Message cds = new Message(plain("@ CDS"));
        int cdsTag = ((org.xbill.DNS.CDSRecord) cds.getSection(Section.ANSWER).get(0)).getFootprint();
        assertThat(keys.getSection(Section.ANSWER)).anyMatch(r -> ((DNSKEYRecord) r).getFootprint() == cdsTag);
    }

    @Test
    @Order(7)
    void aDrainedNodeGivesAValidatingAnswerAtOnce() throws Exception {
        HttpResponse<String> d = http.send("POST", "/v1/nodes/demo-isb-1/drain", server.demoPartnerToken(),
                ApiClient.JSON, "");
        assertThat(d.statusCode()).as(d.body()).isEqualTo(200);
        long t0 = System.nanoTime();
        String out = "";
        for (int i = 0; i < 100; i++) { // bounded: 100 x 20 ms
            out = Delv.run(server.dnsPort(), anchor, "video.pk-hub.example", "A");
            if (!out.contains("10.10.1.1\n") && !out.contains("10.10.1.1\r")) {
                break;
            }
            Thread.sleep(20);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("drain -> validating answer without the node: " + ms + " ms (delv included)");
        assertThat(out).contains("fully validated").contains("10.10.1.2").doesNotContain("10.10.1.1\n");
    }

    @Test
    @Order(8)
    void aFloodOfDistinctNamesAndSubnetsCausesNoSigning() throws Exception {
        long before = signatures();
        SimpleResolver r = server.resolver(false);
        r.setEDNS(0, 1232, ExtendedFlags.DO);
        for (int i = 0; i < 300; i++) {
            Message nx = r.send(Message.newQuery(Record.newRecord(
                    Name.fromString("n" + i + ".x" + i + ".pk-hub.example."), Type.A, DClass.IN)));
            assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(nx.getSection(Section.AUTHORITY)).anyMatch(x -> x.getType() == Type.NSEC);
        }
        assertThat(signatures()).isEqualTo(before);
    }

    @Test
    @Order(9)
    void metricsShowSigning() throws Exception {
        String m = http.get("/metrics", null).body();
        assertThat(m).contains("hubdns_dnssec_signatures_total{zone=\"pk-hub.example.\"}")
                .contains("hubdns_dnssec_signature_cache_entries").contains("hubdns_dnssec_signing_queue")
                .contains("hubdns_dnssec_signature_expiry_seconds{zone=\"pk-hub.example.\"}");
    }

    @Test
    @Order(10)
    void turningItOffRemovesTheSignatures() throws Exception {
        HttpResponse<String> r = http.send("PUT", "/v1/zones/pk-hub.example/dnssec", admin, ApiClient.JSON,
                "{\"enabled\":false}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getBoolean("enabled")).isFalse();
        Message m = signedQuery("www.pk-hub.example.", Type.A, null);
        assertThat(m.getSection(Section.ANSWER)).noneMatch(x -> x.getType() == Type.RRSIG);
    }

    static long signatures() throws Exception {
        String m = http.get("/metrics", null).body();
        for (String line : m.split("\n")) {
            if (line.startsWith("hubdns_dnssec_signatures_total{zone=\"pk-hub.example.\"}")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    static Message signedQuery(String name, int type, ClientSubnetOption ecs) throws IOException {
        SimpleResolver r = server.resolver(false);
        r.setEDNS(0, 1232, ExtendedFlags.DO, ecs == null ? List.of() : List.of(ecs));
        return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    /** Every RRset of the section (but RRSIGs) has an RRSIG that verifies with the zone's key now. */
    static void verifyAll(Message m, int section) throws Exception {
        List<RRset> sets = m.getSectionRRsets(section);
        int verified = 0;
        for (RRset s : sets) {
            if (s.getType() == Type.NS && section == Section.AUTHORITY && !s.getName().equals(Name.fromString(ZONE))) {
                continue; // a delegation's NS is not signed
            }
            assertThat(s.sigs()).as(s.getName() + " " + Type.string(s.getType())).isNotEmpty();
            for (RRSIGRecord sig : s.sigs()) {
                DNSSEC.verify(s, sig, key);
                verified++;
            }
        }
        assertThat(verified).isPositive();
    }

    /** The ECS scope the member gives without DO: DO must not change it. */
    static final class DnsScope {
        static int of(RunningServer s, ClientSubnetOption ecs) throws IOException {
            SimpleResolver r = s.resolver(false);
            r.setEDNS(0, 1232, 0, List.of(ecs));
            Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString("video.pk-hub.example."), Type.A,
                    DClass.IN)));
            return ((ClientSubnetOption) m.getOPT().getOptions(org.xbill.DNS.EDNSOption.Code.CLIENT_SUBNET).get(0))
                    .getScopePrefixLength();
        }
    }

    /**
     * delv as these tests call it: its text for one question. The shared {@code testsupport.Delv} parses
     * delv's conclusions; these tests read the text, through the same {@link DebianTool} runner (system
     * PATH, time limit, the Debian package named when delv is missing).
     */
    static final class Delv {
        static void require() {
            DebianTool.require("delv", "bind9-dnsutils");
        }

        static Path anchorFile(Path dir, DNSKEYRecord k) throws IOException {
            String text = "trust-anchors {\n  " + ZONE + " static-key " + k.getFlags() + " " + k.getProtocol() + " "
                    + k.getAlgorithm() + " \"" + java.util.Base64.getEncoder().encodeToString(k.getKey())
                    + "\";\n};\n";
            Path f = dir.resolve("anchor-" + k.getFootprint() + ".conf");
            Files.writeString(f, text, StandardCharsets.US_ASCII);
            return f;
        }

        static String run(int port, Path anchorFile, String name, String type) throws Exception {
            return DebianTool.require("delv", "bind9-dnsutils").run(anchorFile.getParent(), Duration.ofSeconds(15),
                    List.of("@127.0.0.1", "-p", Integer.toString(port), "-a", anchorFile.toString(), "+root=" + ZONE,
                            name, type)).output();
        }
    }
}
