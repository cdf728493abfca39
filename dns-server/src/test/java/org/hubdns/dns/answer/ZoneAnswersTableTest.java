package org.hubdns.dns.answer;

import static org.hubdns.testsupport.DnsCase.q;

import java.util.Map;
import java.util.stream.Stream;
import org.hubdns.testsupport.DnsCase;
import org.hubdns.testsupport.InProcessDns;
import org.hubdns.testsupport.TestZones;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Zone semantics through the query path, in process (query bytes in, response bytes out, no
 * socket): RFC 1034 4.3.2 (CNAME chains, referrals with glue), RFC 4592 wildcards, empty
 * non-terminals, RFC 2308 negative answers, RFC 8482 ANY, additional-section addresses, case,
 * REFUSED outside the zones and nested zones. Each row is the whole response. The socket twin is
 * {@code ZoneAnswersTest}.
 */
class ZoneAnswersTableTest {
    /** SOA TTL 3600, MINIMUM 300: negative answers carry the SOA at TTL 300. */
    static final String EXAMPLE = """
            $TTL 600
            @         3600 IN SOA ns1.example. hostmaster.example. ( 2024010101 7200 1800 1209600 300 )
            @         IN NS    ns1.example.
            @         IN NS    ns2.example.
            @         IN MX    10 mail.example.
            @         IN TXT   "v=spf1 -all"
            ns1       IN A     192.0.2.1
            ns2       IN A     192.0.2.2
            www       IN A     192.0.2.80
            www       IN AAAA  2001:db8::80
            mail      IN A     192.0.2.25
            txt       IN TXT   "hello world" "second string"
            a         IN CNAME b
            b         IN CNAME c
            c         IN A     192.0.2.3
            dangling  IN CNAME d2
            d2        IN CNAME gone
            out       IN CNAME www.example.net.
            tosub     IN CNAME www.sub
            tochild   IN CNAME www.child
            loop1     IN CNAME loop2
            loop2     IN CNAME loop1
            self      IN CNAME self
            *.wild    IN A     192.0.2.99
            *.wild    IN TXT   "wild"
            host.wild IN A     192.0.2.98
            *.alias   IN CNAME www
            towild    IN CNAME target.wild
            a.b.c     IN A     192.0.2.4
            sub       IN NS    ns1.sub
            sub       IN NS    ns.elsewhere.net.
            ns1.sub   IN A     192.0.2.53
            ns1.sub   IN AAAA  2001:db8::53
            child     IN NS    ns1.child
            child     IN NS    old.child
            ns1.child IN A     192.0.2.54
            old.child IN A     192.0.2.55
            _sip._udp IN SRV   10 5 5060 sip
            sip       IN A     192.0.2.70
            sip       IN AAAA  2001:db8::70
            """;

    static final String SOA = "example. 300 IN SOA ns1.example. hostmaster.example. 2024010101 7200 1800 1209600 300";
    static final String CHILD_SOA = "child.example. 120 IN SOA ns1.child.example. hostmaster.child.example. 7 7200 1800 1209600 120";
    static final String NEG_SOA = "neg.test. 60 IN SOA ns1.neg.test. hostmaster.neg.test. 42 7200 1800 1209600 600";
    static final String[] SUB_NS = {"sub.example. 600 IN NS ns1.sub.example.", "sub.example. 600 IN NS ns.elsewhere.net."};
    static final String[] SUB_GLUE = {"ns1.sub.example. 600 IN A 192.0.2.53", "ns1.sub.example. 600 IN AAAA 2001:db8::53"};
    static final String REFERRAL = "qr rd";

    static InProcessDns dns;

    @BeforeAll
    static void compile() {
        dns = InProcessDns.serving(
                Map.of("example.", EXAMPLE, "child.example.", TestZones.CHILD, "neg.test.", TestZones.NEG));
    }

    static Stream<DnsCase> plainData() {
        return Stream.of(
                q("www.example.", Type.A).answer("www.example. 600 IN A 192.0.2.80"),
                q("www.example.", Type.AAAA).answer("www.example. 600 IN AAAA 2001:db8::80"),
                q("txt.example.", Type.TXT).answer("txt.example. 600 IN TXT \"hello world\" \"second string\""),
                q("example.", Type.SOA).says("the SOA keeps its own TTL")
                        .answer("example. 3600 IN SOA ns1.example. hostmaster.example. 2024010101 7200 1800 1209600 300"),
                q("example.", Type.NS).says("NS targets' addresses in additional")
                        .answer("example. 600 IN NS ns1.example.", "example. 600 IN NS ns2.example.")
                        .extra("ns1.example. 600 IN A 192.0.2.1", "ns2.example. 600 IN A 192.0.2.2"),
                q("example.", Type.MX).says("the MX target's address in additional")
                        .answer("example. 600 IN MX 10 mail.example.").extra("mail.example. 600 IN A 192.0.2.25"),
                q("_sip._udp.example.", Type.SRV).says("the SRV target's A and AAAA in additional")
                        .answer("_sip._udp.example. 600 IN SRV 10 5 5060 sip.example.")
                        .extra("sip.example. 600 IN A 192.0.2.70", "sip.example. 600 IN AAAA 2001:db8::70"),
                q("www.example.", Type.A).tcp().answer("www.example. 600 IN A 192.0.2.80"));
    }

    static Stream<DnsCase> cnames() {
        return Stream.of(
                q("a.example.", Type.A).says("a chain inside the zone is followed")
                        .answer("a.example. 600 IN CNAME b.example.", "b.example. 600 IN CNAME c.example.",
                                "c.example. 600 IN A 192.0.2.3"),
                q("a.example.", Type.CNAME).says("a query for the CNAME itself is not followed")
                        .answer("a.example. 600 IN CNAME b.example."),
                q("a.example.", Type.TXT).says("a chain ending at NODATA: the CNAMEs and the SOA")
                        .answer("a.example. 600 IN CNAME b.example.", "b.example. 600 IN CNAME c.example.").ns(SOA),
                q("dangling.example.", Type.A).rcode(Rcode.NXDOMAIN).says("a chain ending in no name: NXDOMAIN")
                        .answer("dangling.example. 600 IN CNAME d2.example.", "d2.example. 600 IN CNAME gone.example.")
                        .ns(SOA),
                q("out.example.", Type.A).says("a target out of the zone is left to the resolver")
                        .answer("out.example. 600 IN CNAME www.example.net."),
                q("loop1.example.", Type.A).says("a loop ends")
                        .answer("loop1.example. 600 IN CNAME loop2.example.", "loop2.example. 600 IN CNAME loop1.example."),
                q("self.example.", Type.AAAA).answer("self.example. 600 IN CNAME self.example."),
                q("tosub.example.", Type.A).says("into a delegation: the CNAME and the referral, AA for the CNAME")
                        .answer("tosub.example. 600 IN CNAME www.sub.example.").ns(SUB_NS).extra(SUB_GLUE),
                q("tochild.example.", Type.A).says("into a nested zone: the CNAME alone, no referral")
                        .answer("tochild.example. 600 IN CNAME www.child.example."),
                q("towild.example.", Type.A).says("to a name the wildcard covers")
                        .answer("towild.example. 600 IN CNAME target.wild.example.",
                                "target.wild.example. 600 IN A 192.0.2.99"),
                q("towild.example.", Type.AAAA).answer("towild.example. 600 IN CNAME target.wild.example.").ns(SOA));
    }

    static Stream<DnsCase> wildcards() {
        return Stream.of(
                q("x.wild.example.", Type.A).says("RFC 4592: the asked name is the owner")
                        .answer("x.wild.example. 600 IN A 192.0.2.99"),
                q("a.b.wild.example.", Type.A).answer("a.b.wild.example. 600 IN A 192.0.2.99"),
                q("x.wild.example.", Type.TXT).answer("x.wild.example. 600 IN TXT \"wild\""),
                q("x.wild.example.", Type.AAAA).says("a type the wildcard lacks is NODATA").ns(SOA),
                q("host.wild.example.", Type.A).says("an existing name is not covered")
                        .answer("host.wild.example. 600 IN A 192.0.2.98"),
                q("host.wild.example.", Type.TXT).ns(SOA),
                q("x.host.wild.example.", Type.A).rcode(Rcode.NXDOMAIN).says("below an existing name: no wildcard")
                        .ns(SOA),
                q("*.wild.example.", Type.A).says("the wildcard's own name")
                        .answer("*.wild.example. 600 IN A 192.0.2.99"),
                q("a.*.wild.example.", Type.A).rcode(Rcode.NXDOMAIN).says("an asterisk below is just a label").ns(SOA),
                q("wild.example.", Type.A).says("the wildcard's parent is an empty non-terminal").ns(SOA),
                q("foo.alias.example.", Type.A).says("a wildcard CNAME is synthesized and followed")
                        .answer("foo.alias.example. 600 IN CNAME www.example.", "www.example. 600 IN A 192.0.2.80"),
                q("bar.baz.alias.example.", Type.AAAA)
                        .answer("bar.baz.alias.example. 600 IN CNAME www.example.",
                                "www.example. 600 IN AAAA 2001:db8::80"));
    }

    static Stream<DnsCase> negatives() {
        return Stream.of(
                q("b.c.example.", Type.A).says("an empty non-terminal is NODATA").ns(SOA),
                q("b.c.example.", Type.TXT).ns(SOA),
                q("c.example.", Type.AAAA).ns(SOA),
                q("a.b.c.example.", Type.A).answer("a.b.c.example. 600 IN A 192.0.2.4"),
                q("x.b.c.example.", Type.A).rcode(Rcode.NXDOMAIN).ns(SOA),
                q("nosuch.example.", Type.A).rcode(Rcode.NXDOMAIN).says("the SOA at min(TTL, MINIMUM)").ns(SOA),
                q("deep.nosuch.example.", Type.A).rcode(Rcode.NXDOMAIN).ns(SOA),
                q("www.example.", Type.MX).says("NODATA").ns(SOA),
                q("www.example.", Type.TXT).ns(SOA),
                q("www.example.", Type.CAA).ns(SOA),
                q("nosuch.neg.test.", Type.A).rcode(Rcode.NXDOMAIN).says("the SOA TTL when below MINIMUM").ns(NEG_SOA),
                q("www.neg.test.", Type.AAAA).ns(NEG_SOA),
                q("neg.test.", Type.SOA)
                        .answer("neg.test. 60 IN SOA ns1.neg.test. hostmaster.neg.test. 42 7200 1800 1209600 600"));
    }

    static Stream<DnsCase> referrals() {
        return Stream.of(
                q("sub.example.", Type.A).flags(REFERRAL).says("AA clear, NS and glue").ns(SUB_NS).extra(SUB_GLUE),
                q("www.sub.example.", Type.A).flags(REFERRAL).ns(SUB_NS).extra(SUB_GLUE),
                q("a.b.sub.example.", Type.A).flags(REFERRAL).ns(SUB_NS).extra(SUB_GLUE),
                q("sub.example.", Type.NS).flags(REFERRAL).ns(SUB_NS).extra(SUB_GLUE),
                q("www.sub.example.", Type.ANY).flags(REFERRAL).ns(SUB_NS).extra(SUB_GLUE),
                q("www.sub.example.", Type.DS).flags(REFERRAL).ns(SUB_NS).extra(SUB_GLUE),
                q("ns1.sub.example.", Type.A).flags(REFERRAL).says("the glue name itself").ns(SUB_NS).extra(SUB_GLUE),
                q("ns1.sub.example.", Type.AAAA).flags(REFERRAL).ns(SUB_NS).extra(SUB_GLUE),
                q("sub.example.", Type.DS).says("DS at the cut is the parent's: NODATA").ns(SOA));
    }

    static Stream<DnsCase> anyAndCase() {
        return Stream.of(
                q("example.", Type.ANY).says("RFC 8482: one RRset")
                        .answer("example. 3600 IN SOA ns1.example. hostmaster.example. 2024010101 7200 1800 1209600 300"),
                q("www.example.", Type.ANY).answer("www.example. 600 IN A 192.0.2.80"),
                q("x.wild.example.", Type.ANY).answer("x.wild.example. 600 IN A 192.0.2.99"),
                q("nosuch.example.", Type.ANY).rcode(Rcode.NXDOMAIN).ns(SOA),
                q("wWw.ExAmPlE.", Type.A).says("0x20: answered, owner as asked")
                        .answer("wWw.ExAmPlE. 600 IN A 192.0.2.80"),
                q("X.wIlD.Example.", Type.A).answer("X.wIlD.Example. 600 IN A 192.0.2.99"),
                // names compressed against the question carry its case (names compare case-insensitively)
                q("NoSuch.EXAMPLE.", Type.A).rcode(Rcode.NXDOMAIN)
                        .ns("EXAMPLE. 300 IN SOA ns1.EXAMPLE. hostmaster.EXAMPLE. 2024010101 7200 1800 1209600 300"),
                q("B.c.Example.", Type.A)
                        .ns("Example. 300 IN SOA ns1.Example. hostmaster.Example. 2024010101 7200 1800 1209600 300"),
                q("WWW.Sub.Example.", Type.A).flags(REFERRAL)
                        .ns("Sub.Example. 600 IN NS ns1.Sub.Example.", "Sub.Example. 600 IN NS ns.elsewhere.net.")
                        .extra("ns1.Sub.Example. 600 IN A 192.0.2.53", "ns1.Sub.Example. 600 IN AAAA 2001:db8::53"));
    }

    static Stream<DnsCase> outsideAndNested() {
        return Stream.of(
                q("www.example.org.", Type.A).rcode(Rcode.REFUSED).flags("qr rd").says("outside every zone"),
                q("example.net.", Type.A).rcode(Rcode.REFUSED).flags("qr rd"),
                q("test.", Type.A).rcode(Rcode.REFUSED).flags("qr rd"),
                q(".", Type.NS).rcode(Rcode.REFUSED).flags("qr rd").says("no upward referral"),
                q("xexample.", Type.A).rcode(Rcode.REFUSED).flags("qr rd"),
                q("child.example.", Type.DS).says("DS at a nested apex is the parent's").ns(SOA),
                q("www.child.example.", Type.A).says("the nested zone answers its own names")
                        .answer("www.child.example. 300 IN A 192.0.2.180"),
                q("child.example.", Type.NS).answer("child.example. 300 IN NS ns1.child.example.")
                        .extra("ns1.child.example. 300 IN A 192.0.2.54"),
                q("nosuch.child.example.", Type.A).rcode(Rcode.NXDOMAIN).ns(CHILD_SOA),
                q("old.child.example.", Type.A).rcode(Rcode.NXDOMAIN).says("the parent's stale glue is shadowed")
                        .ns(CHILD_SOA));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"plainData", "cnames", "wildcards", "negatives", "referrals", "anyAndCase", "outsideAndNested"})
    void answers(DnsCase c) {
        c.check(dns);
    }
}
