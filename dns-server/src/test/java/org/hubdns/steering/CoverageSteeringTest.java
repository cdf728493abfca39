package org.hubdns.steering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.steering.Steered.A;
import static org.hubdns.steering.Steered.AAAA;
import static org.hubdns.steering.Steered.DEMO;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.hubdns.steering.Steered.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;

/**
 * Steering by the operator's coverage zones over real DNS (UDP and TCP, IPv4 and IPv6 ECS): a
 * client inside a zone gets that site's nodes with the zone's prefix as ECS scope; a zone nested in
 * a bigger one raises the scope of the bigger zone's clients; the unlocated go to the defaultSite.
 * Also: malformed ECS on a steered name stays FORMERR, and AAAA of an IPv4-only platform is NODATA.
 *
 * <p>The demo platform {@code video}: answers 2, defaultSite isb, two nodes at each of isb, khi and
 * lhe, so a site's whole node set is the answer and the hash does not choose (scope = location).
 */
class CoverageSteeringTest {
    static final String VIDEO = "video.pk-hub.example";
    static Steered s;

    @BeforeAll
    static void start() throws Exception {
        s = Steered.start();
        s.coverage("182.185.0.0/16", "khi", "182.185.1.0/24", "lhe", "39.32.0.0/11", "lhe",
                "2001:db8:1000::/36", "lhe", "2001:db8:2000::/36", "khi", "2001:db8:2000:100::/56", "isb");
        Steered.await("coverage zones reach the snapshot", () -> s.ask(VIDEO, A, "182.185.1.0/24", false)
                .addresses().containsAll(DEMO.get("lhe")));
    }

    @AfterAll
    static void stop() {
        if (s != null) {
            s.close();
        }
    }

    @ParameterizedTest(name = "{0} -> {1}, scope {2}, tcp={3}")
    @CsvSource({
        // inside the /11 (no nested zone): the zone's site, scope = the zone's prefix
        "39.40.1.0/24, lhe, 11, false", "39.40.1.0/24, lhe, 11, true",
        "39.63.255.0/24, lhe, 11, false",
        // a /16 that has a /24 nested inside: its clients get scope 24 (RFC 7871 7.2.1)
        "182.185.2.0/24, khi, 24, false", "182.185.2.0/24, khi, 24, true",
        "182.185.200.0/24, khi, 24, false",
        // the nested /24 itself
        "182.185.1.0/24, lhe, 24, false", "182.185.1.0/24, lhe, 24, true",
        // a short source: the /16 client, the /24 nested inside it raises the scope to 24
        "182.185.0.0/16, khi, 24, false", "182.185.0.0/16, khi, 24, true",
        // a /15 source covering the /16: nowhere (no zone holds 182.184.0.0), default isb, scope 24
        "182.184.0.0/15, isb, 24, false",
        // uncovered: unlocated, the defaultSite; scope = the source prefix
        "198.51.100.0/24, isb, 24, false", "198.51.100.0/24, isb, 24, true",
        "203.0.113.0/24, isb, 24, false",
        // IPv6 ECS for an A query: the client's family decides the location, the query type the nodes
        "2001:db8:1234::/48, lhe, 36, false", "2001:db8:1234::/48, lhe, 36, true",
        // a /56 nested in the second /36: its own site and scope; a /48 client whose block holds the
        // /56 gets scope 56; one whose /48 does not hold it keeps its own /48
        "2001:db8:2000:100::/56, isb, 56, false", "2001:db8:2000::/48, khi, 56, true",
        "2001:db8:2abc::/48, khi, 48, false",
        "2001:db8:ffff::/48, isb, 48, false",
    })
    void ecsClientsGetTheirZonesSiteAndScope(String ecs, String site, int scope, boolean tcp) throws Exception {
        Answer a = s.ask(VIDEO, A, ecs, tcp);
        assertThat(a.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(a.addresses()).as("%s answers the nodes of %s", ecs, site)
                .containsExactlyInAnyOrderElementsOf(DEMO.get(site));
        assertThat(a.scope()).as("ECS scope for %s", ecs).isEqualTo(scope);
        assertThat(a.source()).as("source echoed").isEqualTo(Integer.parseInt(ecs.substring(ecs.indexOf('/') + 1)));
        assertThat(a.message().getHeader().getFlag(org.xbill.DNS.Flags.AA)).isTrue();
        // the same question twice: the same answer, order included
        assertThat(s.ask(VIDEO, A, ecs, !tcp).addresses()).isEqualTo(a.addresses());
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void withoutEcsThePacketSourceIsUnlocatedAndGoesToTheDefaultSite(boolean tcp) throws Exception {
        Answer a = s.ask(VIDEO, A, null, tcp);
        assertThat(a.addresses()).containsExactlyInAnyOrderElementsOf(DEMO.get("isb"));
        assertThat(a.scope()).isNull();
        // ECS with source 0 (RFC 7871 7.1.2): the packet source, and scope 0 in the echo
        Answer zero = s.ask(VIDEO, A, "0.0.0.0/0", tcp);
        assertThat(zero.addresses()).containsExactlyInAnyOrderElementsOf(DEMO.get("isb"));
        assertThat(zero.scope()).isZero();
    }

    @Test
    void whenTheHashChoosesTheScopeIsAtLeastTheAffinityPrefix() throws Exception {
        // answers 1 of two nodes per site: the rendezvous hash on the client network picks
        String host = s.platform("one", new JsonObject().put("answers", 1).put("defaultSite", "isb"));
        String token = s.partner("one");
        for (String site : List.of("isb", "lhe", "khi")) {
            int base = site.equals("isb") ? 1 : site.equals("lhe") ? 3 : 5;
            s.node(token, "one", site, 100, null, "192.0.2." + base);
            s.node(token, "one", site, 100, null, "192.0.2." + (base + 1));
        }
        s.awaitNodes("one", 6);
        Steered.await("platform one answers", () -> s.ask(host, A, "39.40.1.0/24", false).addresses().size() == 1);
        for (boolean tcp : new boolean[] {false, true}) {
            Answer lhe = s.ask(host, A, "39.40.1.0/24", tcp);
            assertThat(lhe.addresses()).hasSize(1).isSubsetOf("192.0.2.3", "192.0.2.4");
            assertThat(lhe.scope()).as("zone /11, hashed on the /24").isEqualTo(24);
            Answer shortSource = s.ask(host, A, "39.40.0.0/20", tcp);
            assertThat(shortSource.addresses()).hasSize(1).isSubsetOf("192.0.2.3", "192.0.2.4");
            assertThat(shortSource.scope()).as("a /20 source hashed: scope raised to the affinity 24").isEqualTo(24);
            Answer v6 = s.ask(host, A, "2001:db8:1234:5600::/56", tcp);
            assertThat(v6.addresses()).hasSize(1).isSubsetOf("192.0.2.3", "192.0.2.4");
            assertThat(v6.scope()).as("IPv6 zone /36, hashed: the IPv6 affinity 48").isEqualTo(48);
        }
        // every client network of the /24 gets the same node; across /24s both nodes are used
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 64; i++) {
            seen.addAll(s.ask(host, A, "39.40." + i + ".0/24", false).addresses());
        }
        assertThat(seen).containsExactlyInAnyOrder("192.0.2.3", "192.0.2.4");
    }

    // ---- (e) malformed ECS on a steered name -----------------------------------------------------

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void malformedEcsOnASteeredNameIsFormerr(boolean tcp) throws Exception {
        byte[][] bad = {
            {0, 3, 24, 0, (byte) 192, 0, 2}, // family 3
            {0, 1, 33, 0, (byte) 192, 0, 2, 1, 0}, // IPv4 source 33
            {0, 1, 24, 0, (byte) 192, 0, 2, 1}, // address bits beyond the source (4 octets for /24)
            {0, 1, 15, 0, 10, 1}, // 10.1.0.0/15: bit 16 set
            {0, 2, (byte) 129, 0, 0x20, 1, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, // IPv6 /129
        };
        for (byte[] option : bad) {
            for (int type : new int[] {A, AAAA}) {
                Message r = s.askWith(VIDEO, type, new GenericEDNSOption(8, option), tcp);
                assertThat(r.getRcode()).as("ECS %s type %d", java.util.Arrays.toString(option), type)
                        .isEqualTo(Rcode.FORMERR);
                assertThat(r.getSection(Section.ANSWER)).isEmpty();
            }
        }
    }

    // ---- (g) AAAA ----------------------------------------------------------------------------------

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void aaaaOfAnIpv4OnlyPlatformIsNodata(boolean tcp) throws Exception {
        for (String ecs : new String[] {null, "39.40.1.0/24", "2001:db8:1234::/48"}) {
            Answer a = s.ask(VIDEO, AAAA, ecs, tcp);
            assertThat(a.rcode()).as("ecs %s", ecs).isEqualTo(Rcode.NOERROR);
            assertThat(a.message().getSection(Section.ANSWER)).as("ecs %s", ecs).isEmpty();
            List<Record> auth = a.message().getSection(Section.AUTHORITY);
            assertThat(auth).as("RFC 2308 NODATA carries the SOA").hasSize(1);
            assertThat(auth.get(0)).isInstanceOf(SOARecord.class);
            assertThat(a.message().getHeader().getFlag(org.xbill.DNS.Flags.AA)).isTrue();
        }
    }

    @Test
    void aaaaOfAPlatformWithAnIpv6NodeAnswersIt() throws Exception {
        String host = s.platform("six", new JsonObject().put("answers", 4).put("defaultSite", "isb"));
        String token = s.partner("six");
        s.node(token, "six", "isb", 100, null, "2001:db8:6::1", "192.0.2.61");
        s.node(token, "six", "isb", 100, null, "192.0.2.62");
        s.awaitNodes("six", 2);
        Steered.await("six answers AAAA and both A", () -> !s.ask(host, AAAA, null, false).addresses().isEmpty()
                && s.ask(host, A, null, false).addresses().size() == 2);
        for (boolean tcp : new boolean[] {false, true}) {
            for (String ecs : new String[] {null, "198.51.100.0/24", "2001:db8:1234::/48"}) {
                Answer v6 = s.ask(host, AAAA, ecs, tcp);
                assertThat(v6.rcode()).isEqualTo(Rcode.NOERROR);
                assertThat(v6.addresses()).as("AAAA ecs %s", ecs).containsExactly("2001:db8:6::1");
                Answer v4 = s.ask(host, A, ecs, tcp);
                assertThat(v4.addresses()).as("A ecs %s", ecs).containsExactlyInAnyOrder("192.0.2.61", "192.0.2.62");
            }
        }
    }
}
