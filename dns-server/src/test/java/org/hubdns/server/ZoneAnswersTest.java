package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hubdns.testsupport.TestZones;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Answers from static zone data over real UDP and TCP: RFC 1034 4.3.2 (CNAME chains, referrals
 * with glue), RFC 4592 wildcards, empty non-terminals, RFC 2308 negative answers, RFC 8482 ANY,
 * case-insensitive names, REFUSED outside the zones, and nested zones.
 */
class ZoneAnswersTest {
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
            ; a CNAME chain inside the zone: a -> b -> c
            a         IN CNAME b
            b         IN CNAME c
            c         IN A     192.0.2.3
            ; a chain that ends in a name that does not exist
            dangling  IN CNAME d2
            d2        IN CNAME gone
            ; out of the zone
            out       IN CNAME www.example.net.
            ; into a delegation, and into a zone nested below this one
            tosub     IN CNAME www.sub
            tochild   IN CNAME www.child
            ; loops
            loop1     IN CNAME loop2
            loop2     IN CNAME loop1
            self      IN CNAME self
            ; RFC 4592 wildcards
            *.wild    IN A     192.0.2.99
            *.wild    IN TXT   "wild"
            host.wild IN A     192.0.2.98
            *.alias   IN CNAME www
            towild    IN CNAME target.wild
            ; b.c.example. is an empty non-terminal
            a.b.c     IN A     192.0.2.4
            ; a delegation with in-zone glue and an out-of-zone server
            sub       IN NS    ns1.sub
            sub       IN NS    ns.elsewhere.net.
            ns1.sub   IN A     192.0.2.53
            ns1.sub   IN AAAA  2001:db8::53
            ; a delegation to a zone this server also serves
            child     IN NS    ns1.child
            child     IN NS    old.child
            ns1.child IN A     192.0.2.54
            old.child IN A     192.0.2.55   ; stale glue: the child zone no longer has this name
            """;

    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(false,
                Map.of("example.zone", EXAMPLE, "child.example.zone", TestZones.CHILD, "neg.test.zone", TestZones.NEG), null);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** The records of a section; the OPT pseudo-record (dnsjava's resolver sends EDNS) is left out. */
    static List<Record> section(Message m, int section) {
        return m.getSection(section).stream().filter(r -> r.getType() != Type.OPT).collect(Collectors.toList());
    }

    static Name name(String s) throws Exception {
        return Name.fromString(s);
    }

    static void assertAuthoritativeAnswer(Message r) {
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getHeader().getFlag(Flags.AA)).as("AA").isTrue();
        assertThat(r.getHeader().getFlag(Flags.TC)).as("TC").isFalse();
    }

    /** NXDOMAIN or NODATA: AA, the zone's SOA (only) in AUTHORITY at the negative TTL. */
    static SOARecord assertNegative(Message r, int rcode, String apex, long negativeTtl) throws Exception {
        assertThat(r.getRcode()).as("rcode").isEqualTo(rcode);
        assertThat(r.getHeader().getFlag(Flags.AA)).as("AA").isTrue();
        List<Record> auth = section(r, Section.AUTHORITY);
        assertThat(auth).as("authority").singleElement().isInstanceOf(SOARecord.class);
        SOARecord soa = (SOARecord) auth.get(0);
        assertThat(soa.getName()).isEqualTo(name(apex));
        assertThat(soa.getTTL()).as("negative TTL").isEqualTo(negativeTtl);
        return soa;
    }

    /** "owner TYPE rdata" with the owner lower-cased, to compare whole sections at once. */
    static String describe(Record r) {
        String owner = r.getName().toString().toLowerCase();
        return owner + " " + Type.string(r.getType()) + " " + r.rdataToString().toLowerCase();
    }

    static List<String> described(Message m, int section) {
        return section(m, section).stream().map(ZoneAnswersTest::describe).collect(Collectors.toList());
    }

    // ---- plain data ---------------------------------------------------------------------------

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void nsAndMxAnswersCarryTheTargetsAddressesInAdditional(boolean tcp) throws Exception {
        Message ns = server.ask("example.", Type.NS, tcp);
        assertThat(described(ns, Section.ADDITIONAL))
                .containsExactlyInAnyOrder("ns1.example. A 192.0.2.1", "ns2.example. A 192.0.2.2");
        Message mx = server.ask("example.", Type.MX, tcp);
        assertThat(described(mx, Section.ADDITIONAL)).containsExactly("mail.example. A 192.0.2.25");
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void answersAddressMailAndTextData(boolean tcp) throws Exception {
        Message a = server.ask("www.example.", Type.A, tcp);
        assertAuthoritativeAnswer(a);
        assertThat(section(a, Section.ANSWER)).singleElement().satisfies(rec -> {
            assertThat(rec.getName()).isEqualTo(name("www.example."));
            assertThat(((ARecord) rec).getAddress().getHostAddress()).isEqualTo("192.0.2.80");
            assertThat(rec.getTTL()).isEqualTo(600);
        });

        Message aaaa = server.ask("www.example.", Type.AAAA, tcp);
        assertAuthoritativeAnswer(aaaa);
        assertThat(section(aaaa, Section.ANSWER)).singleElement().satisfies(rec ->
                assertThat(((AAAARecord) rec).getAddress().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:80"));

        Message mx = server.ask("example.", Type.MX, tcp);
        assertAuthoritativeAnswer(mx);
        assertThat(section(mx, Section.ANSWER)).singleElement().satisfies(rec -> {
            assertThat(((MXRecord) rec).getPriority()).isEqualTo(10);
            assertThat(((MXRecord) rec).getTarget()).isEqualTo(name("mail.example."));
        });

        Message txt = server.ask("txt.example.", Type.TXT, tcp);
        assertAuthoritativeAnswer(txt);
        assertThat(section(txt, Section.ANSWER)).singleElement().satisfies(rec ->
                assertThat(((TXTRecord) rec).getStrings()).containsExactly("hello world", "second string"));
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void answersApexSoaAndNs(boolean tcp) throws Exception {
        Message soa = server.ask("example.", Type.SOA, tcp);
        assertAuthoritativeAnswer(soa);
        assertThat(section(soa, Section.ANSWER)).singleElement().satisfies(rec -> {
            SOARecord s = (SOARecord) rec;
            assertThat(s.getSerial()).isEqualTo(2024010101L);
            assertThat(s.getMinimum()).isEqualTo(300);
            assertThat(s.getTTL()).as("the SOA itself keeps its own TTL").isEqualTo(3600);
        });

        Message ns = server.ask("example.", Type.NS, tcp);
        assertAuthoritativeAnswer(ns);
        assertThat(section(ns, Section.ANSWER)).extracting(rec -> ((NSRecord) rec).getTarget())
                .containsExactlyInAnyOrder(name("ns1.example."), name("ns2.example."));
    }

    // ---- CNAME chains ---------------------------------------------------------------------------

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void followsACnameChainInsideTheZone(boolean tcp) throws Exception {
        Message r = server.ask("a.example.", Type.A, tcp);
        assertAuthoritativeAnswer(r);
        assertThat(described(r, Section.ANSWER)).containsExactly(
                "a.example. CNAME b.example.",
                "b.example. CNAME c.example.",
                "c.example. A 192.0.2.3");
        assertThat(section(r, Section.AUTHORITY)).isEmpty();
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void aQueryForTheCnameItselfIsNotFollowed(boolean tcp) throws Exception {
        Message r = server.ask("a.example.", Type.CNAME, tcp);
        assertAuthoritativeAnswer(r);
        assertThat(described(r, Section.ANSWER)).containsExactly("a.example. CNAME b.example.");
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void aChainEndingAtNodataGivesTheCnamesAndTheSoa(boolean tcp) throws Exception {
        for (int type : new int[] {Type.TXT, Type.SRV}) { // TXT occurs in the zone, SRV nowhere
            Message r = server.ask("a.example.", type, tcp);
            assertNegative(r, Rcode.NOERROR, "example.", 300);
            assertThat(described(r, Section.ANSWER)).as(Type.string(type)).containsExactly(
                    "a.example. CNAME b.example.",
                    "b.example. CNAME c.example.");
        }
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void aChainEndingInANonexistentNameIsNxdomainWithTheCnames(boolean tcp) throws Exception {
        Message r = server.ask("dangling.example.", Type.A, tcp);
        assertNegative(r, Rcode.NXDOMAIN, "example.", 300);
        assertThat(described(r, Section.ANSWER)).containsExactly(
                "dangling.example. CNAME d2.example.",
                "d2.example. CNAME gone.example.");
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void aCnameOutOfTheZoneIsGivenAlone(boolean tcp) throws Exception {
        Message r = server.ask("out.example.", Type.A, tcp);
        assertAuthoritativeAnswer(r);
        assertThat(described(r, Section.ANSWER)).containsExactly("out.example. CNAME www.example.net.");
        assertThat(section(r, Section.AUTHORITY)).isEmpty();
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void aCnameLoopIsAnsweredAndEnds(boolean tcp) throws Exception {
        long t0 = System.nanoTime();
        Message r = server.ask("loop1.example.", Type.A, tcp);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        assertThat(r.getRcode()).isIn(Rcode.NOERROR, Rcode.SERVFAIL);
        assertThat(described(r, Section.ANSWER)).containsExactly(
                "loop1.example. CNAME loop2.example.",
                "loop2.example. CNAME loop1.example.");

        Message self = server.ask("self.example.", Type.AAAA, tcp);
        assertThat(self.getRcode()).isIn(Rcode.NOERROR, Rcode.SERVFAIL);
        assertThat(described(self, Section.ANSWER)).containsExactly("self.example. CNAME self.example.");
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void aCnameIntoADelegationGivesTheCnameAndTheReferral(boolean tcp) throws Exception {
        Message r = server.ask("tosub.example.", Type.A, tcp);
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        // RFC 1035 4.1.1: AA is about the query name, which this server owns (the CNAME)
        assertThat(r.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(described(r, Section.ANSWER)).containsExactly("tosub.example. CNAME www.sub.example.");
        assertThat(described(r, Section.AUTHORITY)).containsExactlyInAnyOrder(
                "sub.example. NS ns1.sub.example.",
                "sub.example. NS ns.elsewhere.net.");
        assertThat(described(r, Section.ADDITIONAL)).containsExactlyInAnyOrder(
                "ns1.sub.example. A 192.0.2.53",
                "ns1.sub.example. AAAA 2001:db8:0:0:0:0:0:53");
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void aCnameIntoANestedZoneIsNeitherNxdomainNorAReferral(boolean tcp) throws Exception {
        Message r = server.ask("tochild.example.", Type.A, tcp);
        assertAuthoritativeAnswer(r);
        assertThat(described(r, Section.ANSWER)).first().isEqualTo("tochild.example. CNAME www.child.example.");
        // either the chain stops at the zone boundary or it is followed into the child zone
        assertThat(described(r, Section.ANSWER)).isSubsetOf(
                "tochild.example. CNAME www.child.example.", "www.child.example. A 192.0.2.180");
        assertThat(section(r, Section.AUTHORITY)).noneMatch(rec -> rec.getType() == Type.NS);
    }

    // ---- wildcards (RFC 4592) -----------------------------------------------------------------

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void aWildcardAnswersWithTheAskedNameAsOwner(boolean tcp) throws Exception {
        for (String q : List.of("x.wild.example.", "y.z.wild.example.", "a-much-longer-label.q.r.s.wild.example.")) {
            Message r = server.ask(q, Type.A, tcp);
            assertAuthoritativeAnswer(r);
            assertThat(section(r, Section.ANSWER)).as(q).singleElement().satisfies(rec -> {
                assertThat(rec.getName()).isEqualTo(name(q));
                assertThat(rec.getType()).isEqualTo(Type.A);
                assertThat(((ARecord) rec).getAddress().getHostAddress()).isEqualTo("192.0.2.99");
                assertThat(rec.getTTL()).isEqualTo(600);
            });
            assertThat(section(r, Section.AUTHORITY)).isEmpty();
        }
        Message txt = server.ask("x.wild.example.", Type.TXT, tcp);
        assertAuthoritativeAnswer(txt);
        assertThat(section(txt, Section.ANSWER)).singleElement().satisfies(rec -> {
            assertThat(rec.getName()).isEqualTo(name("x.wild.example."));
            assertThat(((TXTRecord) rec).getStrings()).containsExactly("wild");
        });
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void anExistingNameIsNotCoveredByTheWildcard(boolean tcp) throws Exception {
        Message exact = server.ask("host.wild.example.", Type.A, tcp);
        assertAuthoritativeAnswer(exact);
        assertThat(described(exact, Section.ANSWER)).containsExactly("host.wild.example. A 192.0.2.98");

        // host.wild exists but has no TXT: NODATA, not the wildcard's TXT
        Message noData = server.ask("host.wild.example.", Type.TXT, tcp);
        assertNegative(noData, Rcode.NOERROR, "example.", 300);
        assertThat(section(noData, Section.ANSWER)).isEmpty();

        // the closest encloser is host.wild.example., which has no wildcard below it
        Message below = server.ask("x.host.wild.example.", Type.A, tcp);
        assertNegative(below, Rcode.NXDOMAIN, "example.", 300);
        assertThat(section(below, Section.ANSWER)).isEmpty();
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void aCnameToANameCoveredByTheWildcardGetsTheSynthesizedData(boolean tcp) throws Exception {
        Message r = server.ask("towild.example.", Type.A, tcp);
        assertAuthoritativeAnswer(r);
        assertThat(described(r, Section.ANSWER)).containsExactly(
                "towild.example. CNAME target.wild.example.",
                "target.wild.example. A 192.0.2.99");

        Message noData = server.ask("towild.example.", Type.AAAA, tcp);
        assertNegative(noData, Rcode.NOERROR, "example.", 300);
        assertThat(described(noData, Section.ANSWER)).containsExactly("towild.example. CNAME target.wild.example.");
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void anAsteriskLabelInTheQueryIsOnlySpecialAsTheWildcardsOwnName(boolean tcp) throws Exception {
        // RFC 4592 2.2.1 / 3.3.1: asking for the wildcard's own name gets its data
        Message own = server.ask("*.wild.example.", Type.A, tcp);
        assertAuthoritativeAnswer(own);
        assertThat(described(own, Section.ANSWER)).containsExactly("*.wild.example. A 192.0.2.99");
        // a.*.wild.example.: the closest encloser is *.wild.example., which has no wildcard child
        Message below = server.ask("a.*.wild.example.", Type.A, tcp);
        assertNegative(below, Rcode.NXDOMAIN, "example.", 300);
        assertThat(section(below, Section.ANSWER)).isEmpty();
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void aTypeTheWildcardLacksIsNodata(boolean tcp) throws Exception {
        Message r = server.ask("x.wild.example.", Type.AAAA, tcp);
        assertNegative(r, Rcode.NOERROR, "example.", 300);
        assertThat(section(r, Section.ANSWER)).isEmpty();
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void theWildcardsParentIsAnEmptyNonTerminal(boolean tcp) throws Exception {
        Message r = server.ask("wild.example.", Type.A, tcp);
        assertNegative(r, Rcode.NOERROR, "example.", 300);
        assertThat(section(r, Section.ANSWER)).isEmpty();
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void aWildcardCnameIsSynthesizedAndFollowed(boolean tcp) throws Exception {
        Message r = server.ask("foo.alias.example.", Type.A, tcp);
        assertAuthoritativeAnswer(r);
        assertThat(described(r, Section.ANSWER)).containsExactly(
                "foo.alias.example. CNAME www.example.",
                "www.example. A 192.0.2.80");

        Message aaaa = server.ask("bar.baz.alias.example.", Type.AAAA, tcp);
        assertAuthoritativeAnswer(aaaa);
        assertThat(described(aaaa, Section.ANSWER)).containsExactly(
                "bar.baz.alias.example. CNAME www.example.",
                "www.example. AAAA 2001:db8:0:0:0:0:0:80");
    }

    // ---- empty non-terminals and negative answers (RFC 2308) ------------------------------------

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void anEmptyNonTerminalIsNodataNotNxdomain(boolean tcp) throws Exception {
        Message exists = server.ask("a.b.c.example.", Type.A, tcp);
        assertAuthoritativeAnswer(exists);
        assertThat(described(exists, Section.ANSWER)).containsExactly("a.b.c.example. A 192.0.2.4");

        for (int type : new int[] {Type.A, Type.TXT, Type.ANY}) {
            Message r = server.ask("b.c.example.", type, tcp);
            assertNegative(r, Rcode.NOERROR, "example.", 300);
            assertThat(section(r, Section.ANSWER)).as(Type.string(type)).isEmpty();
        }

        Message nx = server.ask("x.b.c.example.", Type.A, tcp);
        assertNegative(nx, Rcode.NXDOMAIN, "example.", 300);
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void nxdomainCarriesTheSoaAtTheNegativeTtl(boolean tcp) throws Exception {
        for (String q : List.of("nosuch.example.", "deep.nosuch.example.", "x.www.example.")) {
            Message r = server.ask(q, Type.A, tcp);
            SOARecord soa = assertNegative(r, Rcode.NXDOMAIN, "example.", 300);
            assertThat(soa.getSerial()).isEqualTo(2024010101L);
            assertThat(soa.getMinimum()).isEqualTo(300);
            assertThat(section(r, Section.ANSWER)).as(q).isEmpty();
        }
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void nodataCarriesTheSoaAtTheNegativeTtl(boolean tcp) throws Exception {
        for (int type : new int[] {Type.MX, Type.TXT, Type.SRV, Type.CAA}) {
            Message r = server.ask("www.example.", type, tcp);
            assertNegative(r, Rcode.NOERROR, "example.", 300);
            assertThat(section(r, Section.ANSWER)).as(Type.string(type)).isEmpty();
        }
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void theNegativeTtlIsTheSoaTtlWhenThatIsBelowMinimum(boolean tcp) throws Exception {
        Message nx = server.ask("nosuch.neg.test.", Type.A, tcp);
        SOARecord soa = assertNegative(nx, Rcode.NXDOMAIN, "neg.test.", 60);
        assertThat(soa.getMinimum()).isEqualTo(600);

        Message noData = server.ask("www.neg.test.", Type.AAAA, tcp);
        assertNegative(noData, Rcode.NOERROR, "neg.test.", 60);

        Message soaItself = server.ask("neg.test.", Type.SOA, tcp);
        assertAuthoritativeAnswer(soaItself);
        assertThat(section(soaItself, Section.ANSWER)).singleElement()
                .satisfies(rec -> assertThat(rec.getTTL()).isEqualTo(60));
    }

    // ---- delegations ---------------------------------------------------------------------------

    static void assertReferralToSub(Message r, String q) throws Exception {
        assertThat(r.getRcode()).as(q).isEqualTo(Rcode.NOERROR);
        assertThat(r.getHeader().getFlag(Flags.AA)).as(q + " AA").isFalse();
        assertThat(section(r, Section.ANSWER)).as(q + " answer").isEmpty();
        assertThat(described(r, Section.AUTHORITY)).as(q + " authority").containsExactlyInAnyOrder(
                "sub.example. NS ns1.sub.example.",
                "sub.example. NS ns.elsewhere.net.");
        assertThat(described(r, Section.ADDITIONAL)).as(q + " additional (glue)").containsExactlyInAnyOrder(
                "ns1.sub.example. A 192.0.2.53",
                "ns1.sub.example. AAAA 2001:db8:0:0:0:0:0:53");
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void namesAtAndBelowACutGetAReferralWithGlue(boolean tcp) throws Exception {
        for (String q : List.of("www.sub.example.", "sub.example.", "deep.www.sub.example.")) {
            assertReferralToSub(server.ask(q, Type.A, tcp), q);
        }
        assertReferralToSub(server.ask("sub.example.", Type.NS, tcp), "sub.example. NS");
        assertReferralToSub(server.ask("www.sub.example.", Type.ANY, tcp), "www.sub.example. ANY");
        assertReferralToSub(server.ask("www.sub.example.", Type.DS, tcp), "www.sub.example. DS");
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void theGlueNameItselfGetsTheReferral(boolean tcp) throws Exception {
        assertReferralToSub(server.ask("ns1.sub.example.", Type.A, tcp), "ns1.sub.example. A");
        assertReferralToSub(server.ask("ns1.sub.example.", Type.AAAA, tcp), "ns1.sub.example. AAAA");
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void dsAtTheCutIsAnsweredByTheParent(boolean tcp) throws Exception {
        Message r = server.ask("sub.example.", Type.DS, tcp);
        assertNegative(r, Rcode.NOERROR, "example.", 300);
        assertThat(section(r, Section.ANSWER)).isEmpty();
        assertThat(section(r, Section.ADDITIONAL)).isEmpty();
    }

    // ---- ANY (RFC 8482) ----------------------------------------------------------------------

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void anyGetsExactlyOneRrset(boolean tcp) throws Exception {
        for (String q : List.of("example.", "www.example.", "x.wild.example.")) {
            Message r = server.ask(q, Type.ANY, tcp);
            assertAuthoritativeAnswer(r);
            List<RRset> rrsets = r.getSectionRRsets(Section.ANSWER);
            assertThat(rrsets).as(q).hasSize(1);
            assertThat(rrsets.get(0).getName()).isEqualTo(name(q));
        }
        Message nx = server.ask("nosuch.example.", Type.ANY, tcp);
        assertNegative(nx, Rcode.NXDOMAIN, "example.", 300);
    }

    // ---- names --------------------------------------------------------------------------------

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void mixedCaseQueryNamesAreAnswered(boolean tcp) throws Exception {
        Message www = server.ask("wWw.ExAmPlE.", Type.A, tcp);
        assertAuthoritativeAnswer(www);
        assertThat(described(www, Section.ANSWER)).containsExactly("www.example. A 192.0.2.80");
        assertThat(www.getQuestion().getName().toString()).as("the question is echoed as sent")
                .isEqualTo("wWw.ExAmPlE.");

        Message wild = server.ask("X.wIlD.Example.", Type.A, tcp);
        assertAuthoritativeAnswer(wild);
        assertThat(described(wild, Section.ANSWER)).containsExactly("x.wild.example. A 192.0.2.99");

        Message chain = server.ask("A.EXAMPLE.", Type.A, tcp);
        assertAuthoritativeAnswer(chain);
        assertThat(described(chain, Section.ANSWER)).hasSize(3).last().isEqualTo("c.example. A 192.0.2.3");

        assertNegative(server.ask("NoSuch.EXAMPLE.", Type.A, tcp), Rcode.NXDOMAIN, "example.", 300);
        assertNegative(server.ask("B.c.Example.", Type.A, tcp), Rcode.NOERROR, "example.", 300);
        assertReferralToSub(server.ask("WWW.Sub.Example.", Type.A, tcp), "WWW.Sub.Example.");
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void aNameOutsideEveryZoneIsRefused(boolean tcp) throws Exception {
        for (String q : List.of("www.example.org.", "example.net.", "test.", ".", "xexample.")) {
            Message r = server.ask(q, Type.A, tcp);
            assertThat(r.getRcode()).as(q).isEqualTo(Rcode.REFUSED);
            assertThat(r.getHeader().getFlag(Flags.AA)).as(q + " AA").isFalse();
            assertThat(section(r, Section.ANSWER)).as(q).isEmpty();
            assertThat(section(r, Section.AUTHORITY)).as(q).isEmpty();
        }
    }

    // ---- nested zones -------------------------------------------------------------------------

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void dsAtANestedZonesApexIsAnsweredByTheParent(boolean tcp) throws Exception {
        // RFC 4035 3.1.4.1: DS belongs to the parent side of the cut; the parent has none here
        Message ds = server.ask("child.example.", Type.DS, tcp);
        assertNegative(ds, Rcode.NOERROR, "example.", 300);
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void aNestedZoneAnswersItsOwnNamesAuthoritatively(boolean tcp) throws Exception {
        Message www = server.ask("www.child.example.", Type.A, tcp);
        assertAuthoritativeAnswer(www);
        assertThat(described(www, Section.ANSWER)).containsExactly("www.child.example. A 192.0.2.180");
        assertThat(section(www, Section.AUTHORITY)).isEmpty();

        Message soa = server.ask("child.example.", Type.SOA, tcp);
        assertAuthoritativeAnswer(soa);
        assertThat(section(soa, Section.ANSWER)).singleElement()
                .satisfies(rec -> assertThat(((SOARecord) rec).getSerial()).isEqualTo(7));

        Message ns = server.ask("child.example.", Type.NS, tcp);
        assertAuthoritativeAnswer(ns);
        assertThat(described(ns, Section.ANSWER)).containsExactly("child.example. NS ns1.child.example.");

        // the child's own negative answers: its SOA at min(3600, 120)
        Message nx = server.ask("nosuch.child.example.", Type.A, tcp);
        SOARecord childSoa = assertNegative(nx, Rcode.NXDOMAIN, "child.example.", 120);
        assertThat(childSoa.getSerial()).isEqualTo(7);

        // the parent's stale glue below the cut does not shadow the child's data
        Message stale = server.ask("old.child.example.", Type.A, tcp);
        assertNegative(stale, Rcode.NXDOMAIN, "child.example.", 120);
        assertThat(section(stale, Section.ANSWER)).isEmpty();

        // the parent still answers its own names
        Message parent = server.ask("www.example.", Type.A, tcp);
        assertAuthoritativeAnswer(parent);
    }
}
