package org.hubdns.dns.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.testsupport.DnsCase.q;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.hubdns.dns.answer.DynamicAnswers;
import org.hubdns.testsupport.DnsCase;
import org.hubdns.testsupport.InProcessDns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Names answered per query (the seam platform steering plugs into), in process: the client is the
 * ECS subnet when there is one, else the packet's source; the answer's scope is echoed in the ECS
 * option; types the answer does not give get the zone's NODATA; aliases are CNAMEs; a dynamic
 * answer too large for UDP is truncated. The socket twin is {@code DynamicAnswersTest}.
 */
class DynamicAnswersTableTest {
    static final String ZONE = """
            $TTL 300
            @    IN SOA ns1.dyn.example. hostmaster.dyn.example. 1 7200 1800 1209600 300
            @    IN NS  ns1.dyn.example.
            ns1  IN A   192.0.2.53
            """;
    static final String SOA = "dyn.example. 300 IN SOA ns1.dyn.example. hostmaster.dyn.example. 1 7200 1800 1209600 300";

    /** 10.(first octet of the client).(its source prefix).1, valid for a /24 of an ECS client (else scope 0). */
    static final DynamicAnswers BY_CLIENT = (qtype, client, sink) -> {
        if (qtype == Type.AAAA) {
            byte[] v6 = new byte[16];
            v6[0] = 0x20;
            v6[1] = 0x01;
            v6[15] = client.address()[0];
            sink.address(v6, 30);
            return 0;
        }
        sink.address(new byte[] {10, client.address()[0], (byte) client.sourcePrefix(), 1}, 30);
        return client.fromEcs() ? 24 : 0;
    };

    static final AtomicInteger calls = new AtomicInteger();
    static InProcessDns dns;

    @BeforeAll
    static void compile() {
        DynamicAnswers counted = (qtype, client, sink) -> {
            calls.incrementAndGet();
            return BY_CLIENT.answer(qtype, client, sink);
        };
        DynamicAnswers alias = (qtype, client, sink) -> {
            sink.alias(Name.fromConstantString("global.cdn.example."), 60);
            return 0;
        };
        DynamicAnswers wide = (qtype, client, sink) -> {
            for (int i = 0; i < 60; i++) {
                sink.address(new byte[] {10, 9, 0, (byte) i}, 30);
            }
            return 0;
        };
        DynamicAnswers zoneData = (qtype, client, sink) -> DynamicAnswers.USE_ZONE_DATA;
        dns = InProcessDns.serving(Map.of("dyn.example.", ZONE),
                Map.of(name("video.dyn.example."), counted, name("origin.dyn.example."), alias,
                        name("wide.dyn.example."), wide, name("ns1.dyn.example."), zoneData),
                null);
    }

    static Name name(String s) {
        return Name.fromConstantString(s);
    }

    static Stream<DnsCase> answers() {
        return Stream.of(
                q("video.dyn.example.", Type.A).clientSubnet("182.185.1.0", 24).ecs("182.185.1.0/24/24")
                        .says("the ECS subnet is the client; its scope echoed")
                        .answer("video.dyn.example. 30 IN A 10.182.24.1"),
                q("video.dyn.example.", Type.A).clientSubnet("182.185.1.0", 24).tcp().ecs("182.185.1.0/24/24")
                        .answer("video.dyn.example. 30 IN A 10.182.24.1"),
                q("video.dyn.example.", Type.A).from("203.0.113.9").says("without ECS: the packet's source")
                        .answer("video.dyn.example. 30 IN A 10.203.32.1"),
                q("video.dyn.example.", Type.A).from("::ffff:203.0.113.9").says("a v4-mapped source is IPv4")
                        .answer("video.dyn.example. 30 IN A 10.203.32.1"),
                q("video.dyn.example.", Type.A).from("2001:db8::1").says("an IPv6 source")
                        .answer("video.dyn.example. 30 IN A 10.32.128.1"),
                q("video.dyn.example.", Type.A).from("203.0.113.9").clientSubnet("0.0.0.0", 0).ecs("0.0.0.0/0/0")
                        .says("ECS source 0: the resolver itself, scope 0")
                        .answer("video.dyn.example. 30 IN A 10.203.32.1"),
                q("ViDeO.dyn.example.", Type.A).from("203.0.113.9").says("owner compressed to the question")
                        .answer("ViDeO.dyn.example. 30 IN A 10.203.32.1"),
                q("video.dyn.example.", Type.AAAA).from("127.0.0.1")
                        .answer("video.dyn.example. 30 IN AAAA 2001::7f"),
                q("video.dyn.example.", Type.MX).says("other types: the zone's NODATA").ns(SOA),
                q("video.dyn.example.", Type.MX).clientSubnet("182.185.1.0", 24).ecs("182.185.1.0/24/0").ns(SOA),
                q("origin.dyn.example.", Type.A).says("an alias is a CNAME")
                        .answer("origin.dyn.example. 60 IN CNAME global.cdn.example."),
                q("wide.dyn.example.", Type.A).flags("qr aa tc rd").says("too large for UDP: TC, no records"),
                q("ns1.dyn.example.", Type.A).says("USE_ZONE_DATA falls back to the zone")
                        .answer("ns1.dyn.example. 300 IN A 192.0.2.53"),
                q("x.video.dyn.example.", Type.A).rcode(Rcode.NXDOMAIN).says("below a dynamic name: NXDOMAIN").ns(SOA));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void answers(DnsCase c) {
        c.check(dns);
    }

    @Test
    void aWideDynamicAnswerComesWholeOverTcp() {
        assertThat(DnsCase.lines(dns.ask(q("wide.dyn.example.", Type.A).query(), true), org.xbill.DNS.Section.ANSWER))
                .hasSize(60);
    }

    @Test
    void malformedEcsIsFormerrBeforeAnyDynamicAnswer() {
        int before = calls.get();
        // family 1, source /33: impossible for IPv4
        q("video.dyn.example.", Type.A).option(new org.xbill.DNS.GenericEDNSOption(8,
                new byte[] {0, 1, 33, 0, 10, 0, 0, 0, 0})).rcode(Rcode.FORMERR).flags("qr rd").check(dns);
        assertThat(calls.get()).isEqualTo(before);
    }
}
