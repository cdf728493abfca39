package org.hubdns.cluster.feed;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Writes an MRT table dump (RFC 6396 {@code TABLE_DUMP_V2}) that {@link MrtReader}, bgpdump and
 * the route collectors' tools read: a {@code PEER_INDEX_TABLE} first, then one RIB record per
 * {@link #rib} call. A record in which any path id is non-zero uses the ADD-PATH subtype of RFC
 * 8050 ({@code RIB_IPV4_UNICAST_ADDPATH} / {@code RIB_IPV6_UNICAST_ADDPATH}). Each entry carries
 * ORIGIN (IGP), AS_PATH (4-byte ASNs, as TABLE_DUMP_V2 requires) and its next hop (NEXT_HOP for
 * IPv4, the abbreviated MP_REACH_NLRI of RFC 6396 4.3.4 for IPv6) when one is given.
 *
 * <p>Not thread-safe. The caller closes (or flushes) it; closing closes the stream.
 */
public final class MrtWriter implements Closeable {
    /**
     * A peer of the dump (a route-server member).
     *
     * @param bgpId its BGP identifier (any 32-bit value; its IPv4 address is customary)
     * @param address 4 or 16 bytes
     * @param as its AS number
     */
    public record Peer(long bgpId, byte[] address, long as) {
        public Peer {
            if (address.length != 4 && address.length != 16) {
                throw new IllegalArgumentException("a peer address has 4 or 16 bytes");
            }
            address = address.clone();
        }
    }

    /**
     * One path in a RIB record.
     *
     * @param peer index into the writer's peers
     * @param pathId RFC 7911 path identifier (0 without ADD-PATH)
     * @param asSequence the AS path's AS_SEQUENCE, first AS first
     * @param asSet an AS_SET segment written after the sequence, or null
     * @param nextHop 4 or 16 bytes, or null for none
     */
    public record Entry(int peer, long pathId, long[] asSequence, long[] asSet, byte[] nextHop) {
        public Entry(int peer, long pathId, long[] asSequence) {
            this(peer, pathId, asSequence, null, null);
        }
    }

    private final OutputStream out;
    private final List<Peer> peers;
    private final long timestamp;
    private final byte[] header = new byte[12];
    private byte[] buf = new byte[1 << 12];
    private int len;
    private long sequence;

    /**
     * Writes the peer index table.
     *
     * @param timestamp seconds since the epoch, written in every record's header
     */
    public MrtWriter(OutputStream out, long timestamp, long collectorBgpId, String viewName, List<Peer> peers)
            throws IOException {
        this.out = out instanceof BufferedOutputStream ? out : new BufferedOutputStream(out, 1 << 16);
        this.peers = List.copyOf(peers);
        this.timestamp = timestamp;
        if (peers.size() > 0xffff) {
            throw new IllegalArgumentException("at most 65,535 peers in an MRT peer index table");
        }
        byte[] name = viewName.getBytes(StandardCharsets.UTF_8);
        len = 0;
        u32(collectorBgpId);
        u16(name.length);
        bytes(name, 0, name.length);
        u16(peers.size());
        for (Peer p : peers) {
            u8((p.address().length == 16 ? 0x01 : 0) | 0x02); // AS numbers always 4 bytes
            u32(p.bgpId());
            bytes(p.address(), 0, p.address().length);
            u32(p.as());
        }
        record(MrtReader.PEER_INDEX_TABLE);
    }

    /** Writes one RIB record: every path to {@code prefix} (4 or 16 bytes; bits past the length are written as zero). */
    public void rib(byte[] prefix, int prefixLength, List<Entry> entries) throws IOException {
        boolean v6 = prefix.length == 16;
        if (!v6 && prefix.length != 4 || prefixLength < 0 || prefixLength > prefix.length * 8) {
            throw new IllegalArgumentException("bad prefix: " + prefix.length + " bytes, length " + prefixLength);
        }
        if (entries.size() > 0xffff) {
            throw new IllegalArgumentException("at most 65,535 entries in an MRT RIB record");
        }
        boolean addPath = false;
        for (Entry e : entries) {
            if (e.peer() < 0 || e.peer() >= peers.size()) {
                throw new IllegalArgumentException("peer index " + e.peer() + " not in the peer table");
            }
            addPath |= e.pathId() != 0;
        }
        len = 0;
        u32(sequence++);
        u8(prefixLength);
        int prefixBytes = (prefixLength + 7) >>> 3;
        int at = len;
        bytes(prefix, 0, prefixBytes);
        if ((prefixLength & 7) != 0) {
            buf[at + prefixBytes - 1] &= (byte) (0xff << (8 - (prefixLength & 7)));
        }
        u16(entries.size());
        for (Entry e : entries) {
            u16(e.peer());
            u32(timestamp);
            if (addPath) {
                u32(e.pathId());
            }
            int lengthAt = len;
            u16(0);
            attributes(e, v6);
            int attributesLength = len - lengthAt - 2;
            if (attributesLength > 0xffff) {
                throw new IllegalArgumentException("path attributes above 65,535 bytes");
            }
            buf[lengthAt] = (byte) (attributesLength >>> 8);
            buf[lengthAt + 1] = (byte) attributesLength;
        }
        int subtype = v6 ? (addPath ? MrtReader.RIB_IPV6_UNICAST_ADDPATH : MrtReader.RIB_IPV6_UNICAST)
                : (addPath ? MrtReader.RIB_IPV4_UNICAST_ADDPATH : MrtReader.RIB_IPV4_UNICAST);
        record(subtype);
    }

    /** One path in one record: the common case of a snapshot written route by route. */
    public void route(int peer, byte[] prefix, int prefixLength, long pathId, long[] asPath) throws IOException {
        rib(prefix, prefixLength, List.of(new Entry(peer, pathId, asPath)));
    }

    private void attributes(Entry e, boolean v6) {
        u8(0x40); // ORIGIN: well-known transitive
        u8(1);
        u8(1);
        u8(0); // IGP
        long[] seq = e.asSequence() == null ? new long[0] : e.asSequence();
        int segments = (seq.length + 254) / 255 + (e.asSet() == null ? 0 : 1);
        int pathBytes = segments * 2 + 4 * (seq.length + (e.asSet() == null ? 0 : e.asSet().length));
        u8(0x50); // AS_PATH: well-known transitive, extended length
        u8(2);
        u16(pathBytes);
        for (int i = 0; i < seq.length; i += 255) {
            int n = Math.min(255, seq.length - i);
            u8(2);
            u8(n);
            for (int j = i; j < i + n; j++) {
                u32(seq[j]);
            }
        }
        if (e.asSet() != null) {
            if (e.asSet().length > 255) {
                throw new IllegalArgumentException("an AS_SET of more than 255 ASNs");
            }
            u8(1);
            u8(e.asSet().length);
            for (long as : e.asSet()) {
                u32(as);
            }
        }
        byte[] nh = e.nextHop();
        if (nh != null && !v6 && nh.length == 4) {
            u8(0x40); // NEXT_HOP
            u8(3);
            u8(4);
            bytes(nh, 0, 4);
        } else if (nh != null) {
            u8(0x80); // MP_REACH_NLRI, optional; abbreviated in TABLE_DUMP_V2: next hop only
            u8(14);
            u8(1 + nh.length);
            u8(nh.length);
            bytes(nh, 0, nh.length);
        }
    }

    private void record(int subtype) throws IOException {
        header[0] = (byte) (timestamp >>> 24);
        header[1] = (byte) (timestamp >>> 16);
        header[2] = (byte) (timestamp >>> 8);
        header[3] = (byte) timestamp;
        header[4] = 0;
        header[5] = (byte) MrtReader.TABLE_DUMP_V2;
        header[6] = (byte) (subtype >>> 8);
        header[7] = (byte) subtype;
        header[8] = (byte) (len >>> 24);
        header[9] = (byte) (len >>> 16);
        header[10] = (byte) (len >>> 8);
        header[11] = (byte) len;
        out.write(header);
        out.write(buf, 0, len);
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }

    private void u8(int v) {
        ensure(1);
        buf[len++] = (byte) v;
    }

    private void u16(int v) {
        ensure(2);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    private void u32(long v) {
        ensure(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    private void bytes(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
