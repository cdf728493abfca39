package org.hubdns.dnssec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.hubdns.dns.answer.ZoneTree;
import org.hubdns.dns.zone.ZoneContent;
import org.hubdns.dns.zone.ZoneParser;
import org.hubdns.snapshot.Snapshot;
import org.hubdns.snapshot.SnapshotHolder;
import org.hubdns.testsupport.InProcessDns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
import org.xbill.DNS.Type;

/**
 * In-process tables of the pure parts: rollover timing and key states, canonical name order, the
 * secret's redaction, and DO=1 answers of a signed snapshot fed through the real query pipeline
 * (every RRSIG checked with {@link DNSSEC#verify}, the NSEC proofs checked for what they cover).
 */
class DnssecTableTest {
    static final long H = 3_600_000L;

    @ParameterizedTest(name = "dnskey TTL {0}s, zone TTL {1}s -> activate +{2} ms, remove old +{3} ms")
    @CsvSource({
        // Ipub = 5 min + DNSKEY TTL + 1 h; Iret = 5 min + max(zone TTL, DS TTL 1 day) + 1 h
        "300,  300,  4200000, 90300000",
        "3600, 300,  7500000, 90300000",
        "300,  172800, 4200000, 176700000",
    })
    void rolloverWaitsFollowTheTtls(long dnskeyTtl, long zoneTtl, long activate, long remove) {
        Rollover.Plan p = Rollover.plan(0, dnskeyTtl, zoneTtl, Rollover.Timings.DEFAULT);
        assertThat(p.activate()).isEqualTo(activate);
        assertThat(p.retireOld()).isEqualTo(activate);
        assertThat(p.removeOld()).isEqualTo(activate + remove);
    }

    @ParameterizedTest(name = "at {0} h: {1}")
    @CsvSource({"0, PUBLISHED", "1, ACTIVE", "2, RETIRED", "3, REMOVED", "4, REMOVED"})
    void aKeysStateFollowsItsTimes(long hours, KeyState expected) {
        ZoneKey k = new ZoneKey(1, 13, "CSK", 0, 1 * H, 2 * H, 3 * H, "AA==", "secret");
        assertThat(k.stateAt(hours * H)).isEqualTo(expected);
        assertThat(expected.signsData()).isEqualTo(expected == KeyState.ACTIVE);
        assertThat(expected.signsKeys()).isEqualTo(expected == KeyState.ACTIVE || expected == KeyState.RETIRED);
    }

    @Test
    void aRolloverStartsOnlyFromOneActiveKey() {
        ZoneKey active = new ZoneKey(1, 13, "CSK", 0, 0, null, null, "AA==", "s");
        ZoneKey pending = new ZoneKey(2, 13, "CSK", 0, 5 * H, null, null, "AA==", "s");
        assertThat(Rollover.refusal(List.of(active), H)).isNull();
        assertThat(Rollover.refusal(List.of(active, pending), H)).contains("already under way");
        assertThat(Rollover.refusal(List.of(), H)).contains("enable DNSSEC first");
        Rollover.Plan plan = new Rollover.Plan(2 * H, 2 * H, 4 * H);
        List<ZoneKey> after = Rollover.start(List.of(active), pending, plan, H);
        assertThat(after.get(0).retire()).isEqualTo(2 * H);
        assertThat(after.get(0).remove()).isEqualTo(4 * H);
        assertThat(Rollover.nextChange(after, H)).isEqualTo(2 * H);
        assertThat(Rollover.nextChange(after, 2 * H)).isEqualTo(4 * H);
        assertThat(Rollover.nextChange(after, 5 * H)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void secretsNeverShowTheirPrivateKey() throws Exception {
        ZoneKey k = ZoneKey.generate(Name.fromString("example."), DnssecAlgorithm.ED25519, 0, 0);
        ZoneSigning s = new ZoneSigning(true, "ED25519", List.of(k));
        assertThat(k.toString()).doesNotContain(k.privateKey());
        assertThat(s.toString()).doesNotContain(k.privateKey());
        ZoneSigning back = ZoneSigning.decode(s.encode());
        assertThat(back.keys().get(0).privateKey()).isEqualTo(k.privateKey());
        assertThat(back.keys().get(0).loadPrivateKey().getAlgorithm()).isIn("Ed25519", "EdDSA");
    }

    @Test
    void canonicalOrderIsRfc4034s() throws Exception {
        String[] names = {"example.", "a.example.", "yljkjljk.a.example.", "Z.a.example.", "zABC.a.EXAMPLE.",
            "z.example.", "\\001.z.example.", "*.z.example.", "\\200.z.example.", "b.example.", "ab.example.",
            "a.b.example.", "example.org."};
        List<Name> expected = new ArrayList<>();
        for (String n : names) {
            expected.add(Name.fromString(n));
        }
        expected.sort(null);
        List<Name> ours = new ArrayList<>(expected);
        java.util.Collections.shuffle(ours, new java.util.Random(7));
        ours.sort((x, y) -> {
            byte[] a = Wire.key(x);
            byte[] b = Wire.key(y);
            int[] as = Wire.labelStarts(a);
            int[] bs = Wire.labelStarts(b);
            return Wire.compare(a, as, as.length, b, bs, bs.length);
        });
        assertThat(ours).isEqualTo(expected);
    }

    // ---- a signed snapshot through the real query pipeline ------------------------------------

    static final String TEXT = """
            $TTL 300
            @       IN SOA  ns1.t.example. h.t.example. ( 1 7200 1800 1209600 60 )
            @       IN NS   ns1.t.example.
            ns1     IN A    192.0.2.53
            www     IN A    192.0.2.80
            www     IN AAAA 2001:db8::80
            *.w     IN TXT  "any"
            x.y.e   IN TXT  "deep"
            """;
    static Dnssec dnssec;
    static InProcessDns dns;
    static DNSKEYRecord key;

    @BeforeAll
    static void sign() throws Exception {
        Name apex = Name.fromString("t.example.");
        ZoneContent z = ZoneParser.parseText(TEXT, apex, "test");
        ZoneKey k = ZoneKey.generate(apex, DnssecAlgorithm.ECDSAP256SHA256, 0, 0);
        key = k.dnskey(apex, 300);
        dnssec = new Dnssec(Dnssec.Timings.DEFAULT);
        SignedZones signed = dnssec.sign(List.of(z), Map.of("t.example.", new ZoneSigning(true, "ECDSAP256SHA256",
                List.of(k))), Map.of());
        SnapshotHolder h = new SnapshotHolder();
        h.publish(new Snapshot(ZoneTree.compile(List.of(z), Map.of()), 1, 0, Map.of(), signed));
        dns = InProcessDns.over(h);
    }

    @AfterAll
    static void close() {
        dnssec.close();
    }

    static Message ask(String name, int type, int payload) throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        q.addRecord(new OPTRecord(payload, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        return dns.ask(q);
    }

    static void verify(Message m, int section) throws Exception {
        for (RRset s : m.getSectionRRsets(section)) {
            assertThat(s.sigs()).as(s.toString()).isNotEmpty();
            for (RRSIGRecord sig : s.sigs()) {
                DNSSEC.verify(s, sig, key);
            }
        }
    }

    static List<NSECRecord> nsecs(Message m) {
        return m.getSection(Section.AUTHORITY).stream().filter(r -> r instanceof NSECRecord)
                .map(r -> (NSECRecord) r).toList();
    }

    @ParameterizedTest(name = "{0} {1}: rcode {2}, {3} answer(s), NSECs {4}")
    @CsvSource(delimiter = '|', value = {
        "www.t.example.     | A     | 0 | 2 | ''",
        "www.t.example.     | AAAA  | 0 | 2 | ''",
        "www.t.example.     | MX    | 0 | 0 | www.t.example.",
        // chain: t.example. x.y.e.t.example. ns1.t.example. *.w.t.example. www.t.example.
        "nope.t.example.    | A     | 3 | 0 | x.y.e.t.example. t.example.",
        "y.e.t.example.     | TXT   | 0 | 0 | t.example.",
        "q.w.t.example.     | TXT   | 0 | 2 | *.w.t.example.",
        "q.w.t.example.     | A     | 0 | 0 | *.w.t.example.",
        "a.b.zzz.t.example. | A     | 3 | 0 | www.t.example. t.example.",
        "t.example.         | DNSKEY| 0 | 2 | ''",
        "t.example.         | CDS   | 0 | 2 | ''",
    })
    void doAnswersCarryVerifiableSignaturesAndProofs(String name, String type, int rcode, int answers,
            String nsecOwners) throws Exception {
        Message m = ask(name, Type.value(type), 1232);
        assertThat(m.getRcode()).isEqualTo(rcode);
        assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(m.getHeader().getFlag(Flags.AD)).isFalse();
        assertThat(m.getSection(Section.ANSWER)).hasSize(answers);
        verify(m, Section.ANSWER);
        verify(m, Section.AUTHORITY);
        List<String> owners = nsecs(m).stream().map(r -> r.getName().toString()).toList();
        assertThat(owners).containsExactlyInAnyOrderElementsOf(
                nsecOwners.isBlank() ? List.of() : Arrays.asList(nsecOwners.split(" ")));
        for (NSECRecord n : nsecs(m)) {
            assertThat(n.hasType(Type.RRSIG)).isTrue();
            assertThat(n.hasType(Type.NSEC)).isTrue();
        }
        assertThat(m.getOPT().getFlags() & ExtendedFlags.DO).isNotZero();
    }

    @Test
    void withoutDoNothingChanges() throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString("www.t.example."), Type.A, DClass.IN));
        q.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
        Message m = dns.ask(q);
        assertThat(m.getSection(Section.ANSWER)).noneMatch(r -> r.getType() == Type.RRSIG);
        assertThat(nsecs(ask("nope.t.example.", Type.A, 1232))).isNotEmpty();
        Message plain = Message.newQuery(Record.newRecord(Name.fromString("nope.t.example."), Type.A, DClass.IN));
        assertThat(nsecs(dns.ask(plain))).isEmpty();
    }

    @Test
    void aSignedAnswerTooBigForTheClientSetsTc() throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString("nope.t.example."), Type.A, DClass.IN));
        q.addRecord(new OPTRecord(512, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        byte[] small = dns.raw(q.toWire());
        assertThat(small.length).isLessThanOrEqualTo(512);
        Message m = InProcessDns.parse(small);
        assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(m.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(m.getSection(Section.AUTHORITY)).isEmpty();
        assertThat(dns.raw(q.toWire(), true, InProcessDns.LOOPBACK).length).isGreaterThan(512); // TCP: all of it
    }
}
