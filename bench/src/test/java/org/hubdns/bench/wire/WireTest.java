package org.hubdns.bench.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Query encoding and response parsing, checked against dnsjava (a test-only dependency via dns-server). */
class WireTest {
    @Test
    void templatesEncodeWhatDnsjavaReadsWithIdAndEcsPatchedIn() throws Exception {
        QueryTemplates t = QueryTemplates.of(List.of(new QuerySpec("Video.PK-hub.example.", RrTypes.AAAA)));
        java.nio.file.Path f = java.nio.file.Files.createTempFile("ecs", ".txt");
        java.nio.file.Files.writeString(f, "182.185.1.77/24\n2001:db8:abcd::/48\n");
        EcsList ecs = EcsList.read(f);
        ByteBuf b = Unpooled.buffer();
        t.write(b, 0, 0xbeef, ecs.data(), ecs.offset(0), ecs.length(0));
        Message m = new Message(java.util.Arrays.copyOf(b.array(), b.readableBytes()));
        assertThat(m.getHeader().getID()).isEqualTo(0xbeef);
        assertThat(m.getHeader().getFlag(Flags.RD)).isTrue();
        assertThat(m.getQuestion().getName().toString()).isEqualTo("Video.PK-hub.example.");
        assertThat(m.getQuestion().getType()).isEqualTo(Type.AAAA);
        OPTRecord opt = m.getOPT();
        assertThat(opt.getPayloadSize()).isEqualTo(1232);
        ClientSubnetOption cs = (ClientSubnetOption) opt.getOptions(8).get(0);
        assertThat(cs.getAddress().getHostAddress()).as("host bits cleared").isEqualTo("182.185.1.0");
        assertThat(cs.getSourcePrefixLength()).isEqualTo(24);
        b.clear();
        t.write(b, 0, 7, ecs.data(), ecs.offset(1), ecs.length(1));
        ClientSubnetOption v6 = (ClientSubnetOption) new Message(java.util.Arrays.copyOf(b.array(), b.readableBytes()))
                .getOPT().getOptions(8).get(0);
        assertThat(v6.getFamily()).isEqualTo(2);
        assertThat(v6.getSourcePrefixLength()).isEqualTo(48);
    }

    @Test
    void parserReadsAddressesCnameRcodeAndEcsScopeOfAResponse() throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString("video.pk-hub.example."), Type.A, DClass.IN));
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setRcode(Rcode.NOERROR);
        r.addRecord(q.getQuestion(), Section.QUESTION);
        Name n = Name.fromString("video.pk-hub.example.");
        r.addRecord(new CNAMERecord(n, DClass.IN, 60, Name.fromString("cdn.pk-hub.example.")), Section.ANSWER);
        r.addRecord(new ARecord(Name.fromString("cdn.pk-hub.example."), DClass.IN, 60,
                java.net.InetAddress.getByName("10.20.1.2")), Section.ANSWER);
        r.addRecord(new ARecord(Name.fromString("cdn.pk-hub.example."), DClass.IN, 60,
                java.net.InetAddress.getByName("10.20.1.1")), Section.ANSWER);
        ClientSubnetOption cs = new ClientSubnetOption(24, 19, java.net.InetAddress.getByName("182.185.1.0"));
        r.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(cs)), Section.ADDITIONAL);
        byte[] wire = r.toWire();
        Response p = new Response();
        ResponseParser.parse(wire, wire.length, p);
        assertThat(p.status()).isEqualTo(Response.Status.OK);
        assertThat(p.id()).isEqualTo(q.getHeader().getID());
        assertThat(p.addressCount()).isEqualTo(2);
        assertThat(org.hubdns.bench.engine.AddressCounts.v4Text(p.v4(0))).isEqualTo("10.20.1.2");
        assertThat(ResponseParser.readName(wire, wire.length, p.cnameOffset())).isEqualTo("cdn.pk-hub.example.");
        assertThat(p.ecsScope()).isEqualTo(19);
        assertThat(p.recordsMalformed()).isFalse();

        ResponseParser.parse(wire, wire.length - 5, p);
        assertThat(p.status()).as("header and question still fine").isEqualTo(Response.Status.OK);
        assertThat(p.recordsMalformed()).isTrue();

        // BADVERS is 16: the header's 4 bits hold 0, the OPT's extended RCODE holds 1
        r.removeAllRecords(Section.ADDITIONAL);
        r.addRecord(new OPTRecord(1232, 1, 0, 0, List.of(cs)), Section.ADDITIONAL);
        byte[] ext = r.toWire();
        ResponseParser.parse(ext, ext.length, p);
        assertThat(RrTypes.rcodeName(p.rcode())).isEqualTo("BADVERS");
    }

    @Test
    void randomBytesNeverThrow() {
        Random rnd = new Random(42);
        Response p = new Response();
        for (int i = 0; i < 100_000; i++) {
            byte[] b = new byte[rnd.nextInt(80)];
            rnd.nextBytes(b);
            ResponseParser.parse(b, b.length, p);
            if (p.cnameOffset() >= 0) {
                ResponseParser.readName(b, b.length, p.cnameOffset());
            }
        }
    }

    @Test
    void randomNetworksAreDistinctPublicAndRepeatable() throws Exception {
        EcsList a = EcsList.random(20_000, 9);
        EcsList b = EcsList.random(20_000, 9);
        assertThat(a.data()).isEqualTo(b.data());
        assertThat(EcsList.random(20_000, 10).data()).isNotEqualTo(a.data());
        Set<Integer> nets = new HashSet<>();
        for (int i = 0; i < a.size(); i++) {
            int o = a.offset(i) + 19;
            byte[] d = a.data();
            int net = ((d[o] & 0xff) << 24) | ((d[o + 1] & 0xff) << 16) | ((d[o + 2] & 0xff) << 8);
            assertThat(EcsList.isPublic(net)).isTrue();
            nets.add(net);
        }
        assertThat(nets).hasSize(20_000);
        assertThat(EcsList.isPublic(0x0a000000)).isFalse();
        assertThat(EcsList.isPublic(0xc0a80100)).isFalse();
        assertThat(EcsList.isPublic(0x64400000)).isFalse();
    }

    @Test
    void namesAndTypes() {
        assertThat(DnsName.toWire("a\\.b.example")).startsWith(3, 'a', '.', 'b');
        assertThat(DnsName.toWire("\\065.x")[1]).isEqualTo((byte) 'A');
        assertThat(DnsName.toWire(".")).containsExactly(0);
        assertThatThrownBy(() -> DnsName.toWire("x".repeat(64) + ".example")).hasMessageContaining("63");
        assertThat(RrTypes.type("aaaa")).isEqualTo(28);
        assertThat(RrTypes.type("TYPE65280")).isEqualTo(65280);
        assertThat(RrTypes.type("TYPE70000")).isEqualTo(-1);
        assertThat(RrTypes.typeName(65280)).isEqualTo("TYPE65280");
    }
}
