package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.hubdns.dns.answer.AnswerSink;
import org.hubdns.dns.answer.ClientSubnet;
import org.hubdns.dns.answer.DynamicAnswers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The seam for per-query answers: names given to the server as {@link DynamicAnswers} are answered
 * by them, while the pipeline keeps negative answers, EDNS, ECS echo and truncation.
 */
class DynamicAnswersTest {
    static final Name STEERED = Name.fromConstantString("video.pk-hub.example.");
    static final Name ALIASED = Name.fromConstantString("origin.pk-hub.example.");
    static final Name WIDE = Name.fromConstantString("wide.pk-hub.example.");
    static final AtomicReference<String> lastClient = new AtomicReference<>();
    static RunningServer server;

    /** Answers with an address derived from the client's first octet, valid for its /24 (or /16 without ECS). */
    static final DynamicAnswers BY_CLIENT = (qtype, client, sink) -> {
        lastClient.set(describe(client));
        if (qtype == Type.AAAA) {
            byte[] v6 = new byte[16];
            v6[0] = 0x20;
            v6[1] = 0x01;
            v6[15] = client.address()[0];
            sink.address(v6, 30);
            return 0;
        }
        sink.address(new byte[] {10, client.address()[0], 0, 1}, 30);
        return client.fromEcs() ? 24 : 0;
    };

    @BeforeAll
    static void start() throws Exception {
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
        server = RunningServer.start(true, Map.of(), null, 10, 64,
                () -> Map.of(STEERED, BY_CLIENT, ALIASED, alias, WIDE, wide));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String describe(ClientSubnet c) {
        try {
            byte[] a = java.util.Arrays.copyOf(c.address(), c.addressLength());
            return InetAddress.getByAddress(a).getHostAddress() + "/" + c.sourcePrefix() + (c.fromEcs() ? " ecs" : "");
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static Message queryWithEcs(Name name, int type, String address, int prefix) throws Exception {
        Message q = Message.newQuery(Record.newRecord(name, type, 1));
        List<EDNSOption> options = List.of(new ClientSubnetOption(prefix, InetAddress.getByName(address)));
        q.addRecord(new OPTRecord(1232, 0, 0, 0, options), Section.ADDITIONAL);
        return q;
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void answersFromTheEcsSubnetWithItsScope(boolean tcp) throws Exception {
        Message r = server.resolver(tcp).send(queryWithEcs(STEERED, Type.A, "182.185.1.0", 24));
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(r.getSection(Section.ANSWER)).singleElement().satisfies(rec -> {
            assertThat(rec.getName()).isEqualTo(STEERED);
            assertThat(((ARecord) rec).getAddress().getHostAddress()).isEqualTo("10.182.0.1");
            assertThat(rec.getTTL()).isEqualTo(30);
        });
        assertThat(lastClient.get()).isEqualTo("182.185.1.0/24 ecs");
        ClientSubnetOption ecs = (ClientSubnetOption) r.getOPT().getOptions(EDNSOption.Code.CLIENT_SUBNET).get(0);
        assertThat(ecs.getSourcePrefixLength()).isEqualTo(24);
        assertThat(ecs.getScopePrefixLength()).isEqualTo(24);
        assertThat(ecs.getAddress().getHostAddress()).isEqualTo("182.185.1.0");
    }

    @Test
    void withoutEcsTheClientIsThePacketSource() throws Exception {
        Message r = server.ask(STEERED.toString(), Type.A, false);
        assertThat(((ARecord) r.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress())
                .isEqualTo("10.127.0.1");
        assertThat(lastClient.get()).isEqualTo("127.0.0.1/32");
        assertThat(r.getOPT()).isNull();
    }

    @Test
    void ecsSourceZeroMeansTheResolverItselfAndScopeZero() throws Exception {
        Message r = server.resolver(false).send(queryWithEcs(STEERED, Type.A, "0.0.0.0", 0));
        assertThat(lastClient.get()).isEqualTo("127.0.0.1/32");
        ClientSubnetOption ecs = (ClientSubnetOption) r.getOPT().getOptions(EDNSOption.Code.CLIENT_SUBNET).get(0);
        assertThat(ecs.getScopePrefixLength()).isZero();
    }

    @Test
    void aaaaIsAnsweredToo() throws Exception {
        Message r = server.ask(STEERED.toString(), Type.AAAA, false);
        assertThat(r.getSection(Section.ANSWER)).singleElement()
                .satisfies(rec -> assertThat(((AAAARecord) rec).getAddress().getHostAddress()).isEqualTo("2001:0:0:0:0:0:0:7f"));
    }

    @Test
    void otherTypesGetTheZonesNodataWithTheSoa() throws Exception {
        Message r = server.ask(STEERED.toString(), Type.MX, false);
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getSection(Section.ANSWER)).isEmpty();
        assertThat(r.getSection(Section.AUTHORITY)).singleElement()
                .satisfies(rec -> assertThat(rec.getType()).isEqualTo(Type.SOA));
    }

    @Test
    void anAliasAnswerIsACname() throws Exception {
        Message r = server.ask(ALIASED.toString(), Type.A, false);
        assertThat(r.getSection(Section.ANSWER)).singleElement().satisfies(rec -> assertThat(
                ((CNAMERecord) rec).getTarget()).isEqualTo(Name.fromConstantString("global.cdn.example.")));
    }

    @Test
    void aDynamicAnswerTooLargeForUdpIsTruncatedAndWholeOverTcp() throws Exception {
        Message udp = server.ask(WIDE.toString(), Type.A, false);
        assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(udp.getSection(Section.ANSWER)).isEmpty();
        Message tcp = server.ask(WIDE.toString(), Type.A, true);
        assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(tcp.getSection(Section.ANSWER)).hasSize(60);
    }

    @Test
    void malformedEcsIsStillFormerrBeforeAnyDynamicAnswer() throws Exception {
        Message q = Message.newQuery(Record.newRecord(STEERED, Type.A, 1));
        // family 1, source /33: impossible for IPv4
        q.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new org.xbill.DNS.GenericEDNSOption(8,
                new byte[] {0, 1, 33, 0, 10, 0, 0, 0, 0}))), Section.ADDITIONAL);
        lastClient.set(null);
        Message r = server.resolver(false).send(q);
        assertThat(r.getRcode()).isEqualTo(Rcode.FORMERR);
        assertThat(lastClient.get()).isNull();
    }
}
