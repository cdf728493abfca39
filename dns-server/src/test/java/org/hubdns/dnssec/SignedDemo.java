package org.hubdns.dnssec;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hubdns.dns.answer.DynamicNames;
import org.hubdns.server.RunningServer;
import org.hubdns.testsupport.ApiClient;
import org.hubdns.testsupport.Await;
import org.hubdns.testsupport.TrustAnchor;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A demo member whose hub zone is signed through the API, for the real-validator tests: the demo
 * zone with a wildcard and a TXT-only name added, coverage zones sending three client networks
 * (and three loopback sources, for delv, which has no ECS) to the three demo sites, and the
 * zone's trust anchor fetched once it is signed.
 */
final class SignedDemo implements AutoCloseable {
    static final String ZONE = "pk-hub.example";
    static final String PLATFORM = "video.pk-hub.example";
    /** The demo zone (a higher serial than the built-in one) with names each kind of denial needs. */
    static final String ZONE_TEXT = zoneText(300);

    /** {@link #ZONE_TEXT} with every TTL (and the SOA minimum) {@code ttl} seconds. */
    static String zoneText(int ttl) {
        return ZONE_TEMPLATE.replace("{ttl}", Integer.toString(ttl));
    }

    private static final String ZONE_TEMPLATE = """
            $TTL {ttl}
            @       IN SOA  ns1.pk-hub.example. hostmaster.pk-hub.example. ( 2030010101 7200 1800 1209600 {ttl} )
            @       IN NS   ns1.pk-hub.example.
            @       IN NS   ns2.pk-hub.example.
            ns1     IN A    192.0.2.53
            ns2     IN A    198.51.100.53
            www     IN A    192.0.2.80
            www     IN AAAA 2001:db8::80
            txtonly IN TXT  "no address here"
            *.wild  IN A    192.0.2.99
            """;

    /** A client network (ECS) and a loopback source (delv) per demo site, and the prefix of the site's nodes. */
    record Client(String site, String subnet, String loopback, String nodes) {
    }

    static final List<Client> CLIENTS = List.of(new Client("khi", "182.185.1.0/24", "127.0.0.2", "10.20."),
            new Client("lhe", "39.40.1.0/24", "127.0.0.3", "10.30."),
            new Client("isb", "182.176.1.0/24", "127.0.0.4", "10.10."));
    static final String COVERAGE = "cidr,site\n182.185.0.0/16,khi\n39.40.0.0/16,lhe\n182.176.0.0/16,isb\n"
            + "127.0.0.2/32,khi\n127.0.0.3/32,lhe\n127.0.0.4/32,isb\n";

    final RunningServer server;
    final ApiClient api;
    final String admin;
    TrustAnchor anchor;

    private SignedDemo(RunningServer server) throws Exception {
        this.server = server;
        this.api = ApiClient.local(server.httpPort(), Duration.ofSeconds(30));
        this.admin = server.adminToken();
    }

    /** Starts the member with {@code timings}, covers the sites and signs the zone with {@code algorithm}. */
    static SignedDemo start(Dnssec.Timings timings, String algorithm) throws Exception {
        return start(timings, algorithm, ZONE_TEXT);
    }

    /** As {@link #start(Dnssec.Timings, String)} with this text of the zone. */
    static SignedDemo start(Dnssec.Timings timings, String algorithm, String zoneText) throws Exception {
        RunningServer s = RunningServer.start(true, Map.of(), null, 10, 1024, DynamicNames.NONE,
                c -> c.withDnssec(timings));
        SignedDemo d = new SignedDemo(s);
        try {
            var z = d.api.send("PUT", "/v1/zones/" + ZONE, d.admin, "text/dns", zoneText);
            assertThat(z.statusCode()).as(z.body()).isBetween(200, 201);
            Await.until(Duration.ofSeconds(5), "the uploaded zone served", () -> d.server.ask(
                    "txtonly." + ZONE + ".", Type.TXT, false).getRcode() == org.xbill.DNS.Rcode.NOERROR);
            var r = d.api.send("PUT", "/v1/coverage-zones", d.admin, "text/csv", COVERAGE);
            assertThat(r.statusCode()).as(r.body()).isBetween(200, 204);
            for (Client c : CLIENTS) {
                Await.until(Duration.ofSeconds(5), c.subnet() + " steered to " + c.site(),
                        () -> addresses(d.ask(PLATFORM, Type.A, c.subnet(), false)).startsWith(c.nodes()));
            }
            d.sign(algorithm);
        } catch (Throwable t) {
            d.close();
            throw t;
        }
        return d;
    }

    /** PUT /v1/zones/pk-hub.example/dnssec, then waits until the member serves a DNSKEY; fetches the anchor. */
    void sign(String algorithm) throws Exception {
        var r = api.send("PUT", "/v1/zones/" + ZONE + "/dnssec", admin, ApiClient.JSON,
                "{\"enabled\":true,\"algorithm\":\"" + algorithm + "\"}");
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
        Await.until(Duration.ofSeconds(20), "a DNSKEY served for " + ZONE, () -> !ask(ZONE, Type.DNSKEY, null, true)
                .getSection(Section.ANSWER).isEmpty(), () -> dnssec());
        anchor = TrustAnchor.fetch(server.dnsPort(), ZONE);
    }

    /** GET /v1/zones/pk-hub.example/dnssec, as text. */
    String dnssec() throws Exception {
        return api.get("/v1/zones/" + ZONE + "/dnssec", admin).body();
    }

    /** A DO=1 query to the member directly, with {@code subnet} as ECS (null: none). */
    Message ask(String name, int type, String subnet, boolean tcp) throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name.endsWith(".") ? name : name + "."), type,
                DClass.IN));
        List<org.xbill.DNS.EDNSOption> options = subnet == null ? List.of()
                : List.of(new ClientSubnetOption(Integer.parseInt(subnet.substring(subnet.indexOf('/') + 1)),
                        InetAddress.getByName(subnet.substring(0, subnet.indexOf('/')))));
        q.addRecord(new OPTRecord(1232, 0, 0, org.xbill.DNS.ExtendedFlags.DO, options), Section.ADDITIONAL);
        return server.resolver(tcp).send(q);
    }

    /** The A (or AAAA) addresses of an answer, sorted, comma-separated. */
    static String addresses(Message m) {
        return m.getSection(Section.ANSWER).stream()
                .filter(r -> r instanceof ARecord || r instanceof AAAARecord)
                .map(r -> r instanceof ARecord a ? a.getAddress().getHostAddress()
                        : ((AAAARecord) r).getAddress().getHostAddress())
                .sorted().collect(Collectors.joining(","));
    }

    @Override
    public void close() {
        server.close();
    }
}
