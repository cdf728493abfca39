package org.hubdns.cluster.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.hubdns.cluster.coverage.Cidr;
import org.junit.jupiter.api.Test;

/** Table tests of {@link MrtReader} on bytes built field by field after RFC 6396 / RFC 8050, and of {@link MrtWriter}. */
class MrtReaderTest {

    /** Builds MRT bytes field by field. */
    static final class Bytes {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes u8(int v) {
            out.write(v);
            return this;
        }

        Bytes u16(int v) {
            return u8(v >>> 8).u8(v);
        }

        Bytes u32(long v) {
            return u16((int) (v >>> 16)).u16((int) v);
        }

        Bytes raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        Bytes ip(String literal) {
            return raw(Cidr.parseAddress(literal));
        }

        Bytes record(int type, int subtype, Bytes body) {
            byte[] b = body.bytes();
            return u32(1_700_000_000L).u16(type).u16(subtype).u32(b.length).raw(b);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    static Bytes b() {
        return new Bytes();
    }

    /** Two peers: 192.0.2.7 AS64500 with a 2-byte AS field, 2001:db8::7 AS4200000001 with a 4-byte one. */
    static Bytes peerTable() {
        return b().u32(0xc0000201L).u16(4).raw("view".getBytes()).u16(2)
                .u8(0x00).u32(0x0a000001L).ip("192.0.2.7").u16(64500)
                .u8(0x03).u32(0x0a000002L).ip("2001:db8::7").u32(4_200_000_001L);
    }

    /** ORIGIN IGP then AS_PATH with one AS_SEQUENCE. */
    static Bytes attrs(long... seq) {
        Bytes a = b().u8(0x40).u8(1).u8(1).u8(0);
        a.u8(0x40).u8(2).u8(2 + 4 * seq.length).u8(2).u8(seq.length);
        for (long s : seq) {
            a.u32(s);
        }
        return a;
    }

    static Bytes entry(int peer, Bytes attributes) {
        byte[] a = attributes.bytes();
        return b().u16(peer).u32(1_700_000_000L).u16(a.length).raw(a);
    }

    static Bytes entry(int peer, long pathId, Bytes attributes) {
        byte[] a = attributes.bytes();
        return b().u16(peer).u32(1_700_000_000L).u32(pathId).u16(a.length).raw(a);
    }

    static Bytes rib(int seq, int prefixLength, byte[] prefixBytes, Bytes... entries) {
        Bytes r = b().u32(seq).u8(prefixLength).raw(prefixBytes).u16(entries.length);
        for (Bytes e : entries) {
            r.raw(e.bytes());
        }
        return r;
    }

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    static RecordingSink read(byte[] mrt) throws Exception {
        RecordingSink sink = new RecordingSink();
        MrtReader.read(new ByteArrayInputStream(mrt), sink);
        return sink;
    }

    @Test
    void readsThePeerTableAndEveryUnicastRibSubtype() throws Exception {
        byte[] mrt = b()
                .record(13, 1, peerTable())
                .record(13, 2, rib(0, 24, bytes(198, 51, 100), entry(0, attrs(64500)), entry(1, attrs(4_200_000_001L, 17557))))
                .record(13, 4, rib(1, 32, bytes(0x20, 0x01, 0x0d, 0xb8), entry(1, attrs(4_200_000_001L))))
                .record(13, 8, rib(2, 22, bytes(203, 0, 112), entry(0, 1, attrs(64500)), entry(0, 2, attrs(64500, 9541))))
                .record(13, 10, rib(3, 48, bytes(0x20, 0x01, 0x0d, 0xb8, 0, 1), entry(1, 7, attrs())))
                .bytes();
        RecordingSink sink = new RecordingSink();
        MrtSummary s = MrtReader.read(new ByteArrayInputStream(mrt), sink);
        assertThat(sink.events).containsExactly(
                "announce AS64500/192.0.2.7 198.51.100.0/24 id 0 by AS64500 192.0.2.7 path [64500]",
                "announce AS4200000001/2001:db8::7 198.51.100.0/24 id 0 by AS4200000001 2001:db8::7 path [4200000001, 17557]",
                "announce AS4200000001/2001:db8::7 2001:db8::/32 id 0 by AS4200000001 2001:db8::7 path [4200000001]",
                "announce AS64500/192.0.2.7 203.0.112.0/22 id 1 by AS64500 192.0.2.7 path [64500]",
                "announce AS64500/192.0.2.7 203.0.112.0/22 id 2 by AS64500 192.0.2.7 path [64500, 9541]",
                "announce AS4200000001/2001:db8::7 2001:db8:1::/48 id 7 by AS4200000001 2001:db8::7 path []");
        assertThat(s.records()).isEqualTo(5);
        assertThat(s.routesV4()).isEqualTo(4);
        assertThat(s.routesV6()).isEqualTo(2);
        assertThat(s.peers()).isEqualTo(2);
        assertThat(s.skipped()).isZero();
        assertThat(s.bytes()).isEqualTo(mrt.length);
    }

    @Test
    void flattensAsSetsAfterSequencesAndLeavesOutConfederationSegments() throws Exception {
        Bytes attributes = b().u8(0x40).u8(1).u8(1).u8(0)
                // extended-length AS_PATH: SEQUENCE [64500 17557], CONFED_SEQUENCE [65001], SET [9541 45595]
                .u8(0x50).u8(2).u16(2 + 8 + 2 + 4 + 2 + 8)
                .u8(2).u8(2).u32(64500).u32(17557)
                .u8(3).u8(1).u32(65001)
                .u8(1).u8(2).u32(9541).u32(45595)
                // an attribute after AS_PATH (NEXT_HOP) is stepped over
                .u8(0x40).u8(3).u8(4).ip("192.0.2.7");
        byte[] mrt = b().record(13, 1, peerTable()).record(13, 2, rib(0, 16, bytes(10, 1), entry(0, attributes))).bytes();
        assertThat(read(mrt).events).containsExactly(
                "announce AS64500/192.0.2.7 10.1.0.0/16 id 0 by AS64500 192.0.2.7 path [64500, 17557, 9541, 45595]");
    }

    @Test
    void clearsBitsPastThePrefixLength() throws Exception {
        byte[] mrt = b().record(13, 1, peerTable()).record(13, 2, rib(0, 20, bytes(198, 51, 0xff), entry(0, attrs(64500))))
                .bytes();
        assertThat(read(mrt).events).singleElement().asString().contains(" 198.51.240.0/20 ");
    }

    @Test
    void skipsAndCountsOtherTypesAndSubtypes() throws Exception {
        byte[] mrt = b()
                .record(16, 4, b().raw(new byte[30])) // BGP4MP_MESSAGE_AS4
                .record(13, 1, peerTable())
                .record(13, 6, b().raw(new byte[12])) // RIB_GENERIC
                .record(13, 3, rib(0, 8, bytes(224), entry(0, attrs(64500)))) // RIB_IPV4_MULTICAST
                .record(13, 2, rib(1, 8, bytes(11), entry(0, attrs(64500))))
                .record(12, 1, b().raw(new byte[20])) // the old TABLE_DUMP
                .bytes();
        RecordingSink sink = new RecordingSink();
        MrtSummary s = MrtReader.read(new ByteArrayInputStream(mrt), sink);
        assertThat(sink.events).hasSize(1);
        assertThat(s.records()).isEqualTo(6);
        assertThat(s.skipped()).isEqualTo(4);
        assertThat(s.skippedKinds()).containsEntry("BGP4MP/4", 1L).containsEntry("TABLE_DUMP_V2/6", 1L)
                .containsEntry("TABLE_DUMP_V2/3", 1L).containsEntry("TABLE_DUMP/1", 1L);
    }

    @Test
    void anEmptyInputIsAnEmptyDump() throws Exception {
        MrtSummary s = MrtReader.read(new ByteArrayInputStream(new byte[0]), new RecordingSink());
        assertThat(s.records()).isZero();
        assertThat(s.routes()).isZero();
    }

    record Bad(String name, byte[] mrt, String message) {
    }

    @Test
    void malformedOrTruncatedInputNamesTheRecordTheOffsetAndWhatWasWrong() {
        byte[] head = b().record(13, 1, peerTable()).bytes();
        int second = head.length; // where record 2 starts
        byte[] good = b().raw(head).record(13, 2, rib(0, 24, bytes(198, 51, 100), entry(0, attrs(64500)))).bytes();
        Bytes longAttr = b().u16(0).u32(0).u16(900).raw(attrs(64500).bytes());
        List<Bad> cases = List.of(
                new Bad("attribute length past the record end",
                        b().raw(head).record(13, 2, rib(0, 24, bytes(198, 51, 100), longAttr)).bytes(),
                        "record 2 at byte " + second + ": RIB entry 1 attribute length 900 runs past the record end (31)"),
                new Bad("truncated inside a record", Arrays.copyOf(good, good.length - 5),
                        "record 2 at byte " + second + ": the input ends inside the record: its length is 31 bytes but only 26"),
                new Bad("truncated inside a header", Arrays.copyOf(good, second + 7),
                        "record 2 at byte " + second + ": the input ends inside the record header (7 of 12 bytes)"),
                new Bad("RIB before the peer table",
                        b().record(13, 2, rib(0, 24, bytes(198, 51, 100), entry(0, attrs(64500)))).bytes(),
                        "record 1 at byte 0: a RIB record before any PEER_INDEX_TABLE"),
                new Bad("peer index out of range",
                        b().raw(head).record(13, 2, rib(0, 24, bytes(198, 51, 100), entry(5, attrs(64500)))).bytes(),
                        "record 2 at byte " + second + ": RIB entry 1 names peer index 5 but the peer index table has 2 peers"),
                new Bad("IPv4 prefix length 33",
                        b().raw(head).record(13, 2, rib(0, 33, bytes(1, 2, 3, 4, 5), entry(0, attrs(64500)))).bytes(),
                        "prefix length 33 is above 32"),
                new Bad("more entries than bytes",
                        b().raw(head).record(13, 2, b().u32(0).u8(8).u8(11).u16(3).raw(entry(0, attrs(1)).bytes())).bytes(),
                        "RIB entry 2 of 3 starts at"),
                new Bad("bytes after the last entry",
                        b().raw(head).record(13, 2, rib(0, 8, bytes(11), entry(0, attrs(1))).u8(0)).bytes(),
                        "1 bytes after the last of 1 RIB entries"),
                new Bad("AS_PATH segment past its attribute",
                        b().raw(head).record(13, 2, rib(0, 8, bytes(11),
                                entry(0, b().u8(0x40).u8(2).u8(6).u8(2).u8(2).u32(64500)))).bytes(),
                        "RIB entry 1: AS_PATH segment of 2 4-byte ASNs runs past the attribute"),
                new Bad("unknown AS_PATH segment type",
                        b().raw(head).record(13, 2, rib(0, 8, bytes(11),
                                entry(0, b().u8(0x40).u8(2).u8(6).u8(9).u8(1).u32(64500)))).bytes(),
                        "unknown AS_PATH segment type 9"),
                new Bad("not MRT at all", "<html><body>Not found</body></html>".getBytes(),
                        "record 1 at byte 0: unknown MRT type"),
                new Bad("peer table cut short", b().record(13, 1, b().u32(1).u16(0).u16(3).u8(0).u32(1)).bytes(),
                        "record 1 at byte 0: peer entry 0 runs past the record end (13)"));
        for (Bad c : cases) {
            assertThatThrownBy(() -> read(c.mrt()), c.name()).isInstanceOf(MrtFormatException.class)
                    .hasMessageContaining(c.message());
        }
    }

    @Test
    void offsetsAreGroupedForReadingAndKeptAsNumbers() {
        MrtFormatException e = new MrtFormatException(17, 4312, "RIB entry 1 attribute length 900 runs past the record end (612)");
        assertThat(e.getMessage()).isEqualTo("record 17 at byte 4,312: RIB entry 1 attribute length 900 runs past the record end (612)");
        assertThat(e.record()).isEqualTo(17);
        assertThat(e.offset()).isEqualTo(4312);
    }

    static byte[] writerDump() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MrtWriter w = new MrtWriter(out, 1_700_000_000L, 0xc0000201L, "", List.of(
                new MrtWriter.Peer(0x0a000001L, Cidr.parseAddress("192.0.2.7"), 64500),
                new MrtWriter.Peer(0x0a000002L, Cidr.parseAddress("2001:db8::7"), 4_200_000_001L)))) {
            w.route(0, Cidr.parseAddress("198.51.100.0"), 24, 0, new long[] {64500});
            w.rib(Cidr.parseAddress("203.0.113.0"), 24, List.of(
                    new MrtWriter.Entry(0, 1, new long[] {64500}, null, Cidr.parseAddress("192.0.2.7")),
                    new MrtWriter.Entry(1, 2, new long[] {4_200_000_001L, 17557}, new long[] {9541, 45595}, null)));
            w.rib(Cidr.parseAddress("2001:db8:1::"), 48, List.of(
                    new MrtWriter.Entry(1, 0, new long[] {4_200_000_001L}, null, Cidr.parseAddress("2001:db8::7"))));
            w.route(1, Cidr.parseAddress("2001:db8:2::"), 48, 9, new long[0]);
        }
        return out.toByteArray();
    }

    @Test
    void whatTheWriterWritesTheReaderReads() throws Exception {
        RecordingSink sink = new RecordingSink();
        MrtSummary s = MrtReader.read(new ByteArrayInputStream(writerDump()), sink);
        assertThat(sink.events).containsExactly(
                "announce AS64500/192.0.2.7 198.51.100.0/24 id 0 by AS64500 192.0.2.7 path [64500]",
                "announce AS64500/192.0.2.7 203.0.113.0/24 id 1 by AS64500 192.0.2.7 path [64500]",
                "announce AS4200000001/2001:db8::7 203.0.113.0/24 id 2 by AS4200000001 2001:db8::7 path [4200000001, 17557, 9541, 45595]",
                "announce AS4200000001/2001:db8::7 2001:db8:1::/48 id 0 by AS4200000001 2001:db8::7 path [4200000001]",
                "announce AS4200000001/2001:db8::7 2001:db8:2::/48 id 9 by AS4200000001 2001:db8::7 path []");
        assertThat(s.routesV4()).isEqualTo(3);
        assertThat(s.routesV6()).isEqualTo(2);
        assertThat(s.records()).isEqualTo(5);
    }

    @Test
    void gzipAndBzip2AreRecognisedByTheirMagic() throws Exception {
        byte[] plain = writerDump();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(plain);
        }
        ByteArrayOutputStream bz = new ByteArrayOutputStream();
        try (BZip2CompressorOutputStream z = new BZip2CompressorOutputStream(bz)) {
            z.write(plain);
        }
        List<String> expected = read(plain).events;
        for (byte[] input : List.of(plain, gz.toByteArray(), bz.toByteArray())) {
            RecordingSink sink = new RecordingSink();
            try (InputStream in = MrtReader.decompressing(new ByteArrayInputStream(input))) {
                MrtReader.read(in, sink);
            }
            assertThat(sink.events).isEqualTo(expected);
        }
    }

    @Test
    void truncatedGzipFailsAsAnIoErrorNotAsRoutes() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(writerDump());
        }
        byte[] cut = Arrays.copyOf(gz.toByteArray(), gz.size() - 12);
        assertThatThrownBy(() -> MrtReader.read(MrtReader.decompressing(new ByteArrayInputStream(cut)), new RecordingSink()))
                .isInstanceOf(IOException.class);
    }
}
