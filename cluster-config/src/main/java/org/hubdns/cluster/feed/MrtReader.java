package org.hubdns.cluster.feed;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.hubdns.cluster.coverage.Cidr;

/**
 * Streams an MRT table dump (RFC 6396, {@code TABLE_DUMP_V2}) into a {@link RouteSink}: the peer
 * index table, then one RIB record per prefix with one entry per peer (and per path id in the
 * ADD-PATH subtypes of RFC 8050). Every entry is a route whose session and announcer are the dump's
 * peer: the route server's member, keyed {@code "AS64500/192.0.2.7"}.
 *
 * <p>The input is read once, record by record, into one reused buffer: a dump of any size costs the
 * largest record's bytes, and a route costs the sink's call and nothing else (the prefix, AS path
 * and address arrays handed to the sink are reused). Records of other MRT types (BGP4MP update
 * files, the old TABLE_DUMP) and other subtypes (multicast, RIB_GENERIC) are skipped and counted.
 * A record that breaks the format, or an input that ends inside a record, stops the read with an
 * {@link MrtFormatException} naming the record and its offset.
 */
public final class MrtReader {
    /** A record longer than this is taken for corruption rather than buffered (a RIB record is KiBs). */
    public static final int MAX_RECORD_LENGTH = 64 << 20;

    static final int TABLE_DUMP_V2 = 13;
    static final int PEER_INDEX_TABLE = 1;
    static final int RIB_IPV4_UNICAST = 2;
    static final int RIB_IPV6_UNICAST = 4;
    static final int RIB_IPV4_UNICAST_ADDPATH = 8;
    static final int RIB_IPV6_UNICAST_ADDPATH = 10;

    private static final int ATTR_AS_PATH = 2;
    private static final int AS_SET = 1;
    private static final int AS_SEQUENCE = 2;
    private static final int AS_CONFED_SEQUENCE = 3;
    private static final int AS_CONFED_SET = 4;
    private static final int MAX_POOLED_PATH = 64;

    private MrtReader() {
    }

    /**
     * The input decompressed by its magic bytes: gzip ({@code 1f 8b}, concatenated members too),
     * bzip2 ({@code BZh}, concatenated streams too), else as it is. Buffered either way.
     */
    public static InputStream decompressing(InputStream in) throws IOException {
        BufferedInputStream b = new BufferedInputStream(in, 1 << 16);
        b.mark(3);
        int m0 = b.read();
        int m1 = b.read();
        int m2 = b.read();
        b.reset();
        if (m0 == 0x1f && m1 == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(b, 1 << 16), 1 << 16);
        }
        if (m0 == 'B' && m1 == 'Z' && m2 == 'h') {
            return new BufferedInputStream(new BZip2CompressorInputStream(b, true), 1 << 16);
        }
        return b;
    }

    /**
     * Reads every record of an (already decompressed) MRT stream into {@code sink}.
     *
     * @throws MrtFormatException when a record breaks RFC 6396 or the input ends inside one; the
     *     routes before it have reached the sink
     * @throws IOException when reading fails (including a corrupt gzip or bzip2 stream)
     */
    public static MrtSummary read(InputStream in, RouteSink sink) throws IOException, MrtFormatException {
        InputStream buffered = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 1 << 16);
        return new Dump(buffered, sink).run();
    }

    static String typeName(int type) {
        return switch (type) {
            case 11 -> "OSPFv2";
            case 12 -> "TABLE_DUMP";
            case 13 -> "TABLE_DUMP_V2";
            case 16 -> "BGP4MP";
            case 17 -> "BGP4MP_ET";
            case 32 -> "ISIS";
            case 33 -> "ISIS_ET";
            case 48 -> "OSPFv3";
            case 49 -> "OSPFv3_ET";
            default -> null;
        };
    }

    /** One pass over one stream. */
    private static final class Dump {
        private final InputStream in;
        private final RouteSink sink;
        private final byte[] header = new byte[12];
        private byte[] body = new byte[1 << 16];
        private final byte[] prefix4 = new byte[4];
        private final byte[] prefix16 = new byte[16];
        private long[] path = new long[64];
        private final long[][] pathPool = new long[MAX_POOLED_PATH + 1][];

        private String[] sessions;
        private long[] peerAs;
        private byte[][] peerAddress;
        private boolean[] peerSeen;
        private final Set<String> peersWithRoutes = new HashSet<>();

        private long record;
        private long offset; // of the current record
        private long routesV4;
        private long routesV6;
        private long skipped;
        private final Map<String, Long> skippedKinds = new HashMap<>();

        Dump(InputStream in, RouteSink sink) {
            this.in = in;
            this.sink = sink;
            for (int i = 0; i <= MAX_POOLED_PATH; i++) {
                pathPool[i] = new long[i];
            }
        }

        MrtSummary run() throws IOException, MrtFormatException {
            while (true) {
                int n = in.readNBytes(header, 0, 12);
                if (n == 0) {
                    break;
                }
                record++;
                if (n < 12) {
                    throw fail("the input ends inside the record header (" + n + " of 12 bytes)");
                }
                int type = u16(header, 4);
                int subtype = u16(header, 6);
                long length = u32(header, 8);
                String typeName = typeName(type);
                if (typeName == null) {
                    throw fail("unknown MRT type " + type + " (is this an MRT file?)");
                }
                if (length > MAX_RECORD_LENGTH) {
                    throw fail("record length " + length + " is above the limit of " + MAX_RECORD_LENGTH + " bytes");
                }
                int len = (int) length;
                if (type == TABLE_DUMP_V2 && isRead(subtype)) {
                    if (body.length < len) {
                        body = new byte[Math.max(len, body.length * 2)];
                    }
                    int got = in.readNBytes(body, 0, len);
                    if (got < len) {
                        throw fail("the input ends inside the record: its length is " + len + " bytes but only " + got
                                + " follow the header");
                    }
                    switch (subtype) {
                        case PEER_INDEX_TABLE -> peerIndexTable(len);
                        case RIB_IPV4_UNICAST -> rib(len, false, false);
                        case RIB_IPV6_UNICAST -> rib(len, true, false);
                        case RIB_IPV4_UNICAST_ADDPATH -> rib(len, false, true);
                        case RIB_IPV6_UNICAST_ADDPATH -> rib(len, true, true);
                        default -> throw new IllegalStateException();
                    }
                } else {
                    long got = skip(len);
                    if (got < len) {
                        throw fail("the input ends inside the record: its length is " + len + " bytes but only " + got
                                + " follow the header");
                    }
                    skipped++;
                    skippedKinds.merge(typeName + "/" + subtype, 1L, Long::sum);
                }
                offset += 12 + len;
            }
            return new MrtSummary(record, routesV4, routesV6, peersWithRoutes.size(), skipped,
                    skippedKinds, offset);
        }

        private static boolean isRead(int subtype) {
            return subtype == PEER_INDEX_TABLE || subtype == RIB_IPV4_UNICAST || subtype == RIB_IPV6_UNICAST
                    || subtype == RIB_IPV4_UNICAST_ADDPATH || subtype == RIB_IPV6_UNICAST_ADDPATH;
        }

        private long skip(long n) throws IOException {
            long done = 0;
            while (done < n) {
                long s = in.skip(n - done);
                if (s <= 0) {
                    if (in.read() < 0) {
                        break;
                    }
                    s = 1;
                }
                done += s;
            }
            return done;
        }

        /** RFC 6396 4.3.1. */
        private void peerIndexTable(int len) throws MrtFormatException {
            byte[] b = body;
            need(0, 6, len, "PEER_INDEX_TABLE header");
            int viewNameLength = u16(b, 4);
            int p = 6 + viewNameLength;
            need(6, viewNameLength + 2, len, "PEER_INDEX_TABLE view name");
            int count = u16(b, p);
            p += 2;
            String[] s = new String[count];
            long[] as = new long[count];
            byte[][] address = new byte[count][];
            for (int i = 0; i < count; i++) {
                need(p, 5, len, "peer entry " + i);
                int peerType = b[p] & 0xff;
                int addressLength = (peerType & 0x01) != 0 ? 16 : 4;
                int asLength = (peerType & 0x02) != 0 ? 4 : 2;
                need(p, 5 + addressLength + asLength, len, "peer entry " + i);
                p += 5; // type, BGP identifier
                address[i] = Arrays.copyOfRange(b, p, p + addressLength);
                p += addressLength;
                as[i] = asLength == 4 ? u32(b, p) : u16(b, p);
                p += asLength;
                s[i] = "AS" + as[i] + "/" + Cidr.formatAddress(address[i]);
            }
            if (p != len) {
                throw fail("PEER_INDEX_TABLE has " + (len - p) + " bytes after its " + count + " peer entries");
            }
            sessions = s;
            peerAs = as;
            peerAddress = address;
            peerSeen = new boolean[count];
        }

        /** RFC 6396 4.3.2, and RFC 8050 section 4 for the path identifier. */
        private void rib(int len, boolean v6, boolean addPath) throws MrtFormatException {
            byte[] b = body;
            if (sessions == null) {
                throw fail("a RIB record before any PEER_INDEX_TABLE");
            }
            need(0, 5, len, "RIB header");
            int prefixLength = b[4] & 0xff;
            int max = v6 ? 128 : 32;
            if (prefixLength > max) {
                throw fail("prefix length " + prefixLength + " is above " + max);
            }
            int prefixBytes = (prefixLength + 7) >>> 3;
            need(5, prefixBytes + 2, len, "RIB prefix");
            byte[] prefix = v6 ? prefix16 : prefix4;
            Arrays.fill(prefix, (byte) 0);
            System.arraycopy(b, 5, prefix, 0, prefixBytes);
            if ((prefixLength & 7) != 0) {
                prefix[prefixBytes - 1] &= (byte) (0xff << (8 - (prefixLength & 7)));
            }
            int p = 5 + prefixBytes;
            int entries = u16(b, p);
            p += 2;
            int fixed = addPath ? 12 : 8;
            for (int e = 0; e < entries; e++) {
                if (p + fixed > len) {
                    throw fail("RIB entry " + (e + 1) + " of " + entries + " starts at " + p
                            + " but its header runs past the record end (" + len + ")");
                }
                int peer = u16(b, p);
                if (peer >= sessions.length) {
                    throw fail("RIB entry " + (e + 1) + " names peer index " + peer + " but the peer index table has "
                            + sessions.length + " peers");
                }
                if (!peerSeen[peer]) {
                    peerSeen[peer] = true;
                    peersWithRoutes.add(sessions[peer]);
                }
                p += 6; // peer index, originated time
                long pathId = 0;
                if (addPath) {
                    pathId = u32(b, p);
                    p += 4;
                }
                int attributesLength = u16(b, p);
                p += 2;
                int end = p + attributesLength;
                if (end > len) {
                    throw fail("RIB entry " + (e + 1) + " attribute length " + attributesLength
                            + " runs past the record end (" + len + ")");
                }
                long[] asPath = asPath(b, p, end, e + 1);
                p = end;
                sink.announce(sessions[peer], prefix, prefixLength, pathId, peerAs[peer], peerAddress[peer], asPath);
                if (v6) {
                    routesV6++;
                } else {
                    routesV4++;
                }
            }
            if (p != len) {
                throw fail((len - p) + " bytes after the last of " + entries + " RIB entries");
            }
        }

        /** Walks the entry's path attributes for AS_PATH (4-byte ASNs in TABLE_DUMP_V2, RFC 6396 4.3.4). */
        private long[] asPath(byte[] b, int p, int end, int entry) throws MrtFormatException {
            int n = 0;
            while (p < end) {
                if (p + 3 > end) {
                    throw fail("RIB entry " + entry + ": a path attribute header runs past the attributes' end");
                }
                int flags = b[p] & 0xff;
                int type = b[p + 1] & 0xff;
                int length;
                if ((flags & 0x10) != 0) {
                    if (p + 4 > end) {
                        throw fail("RIB entry " + entry + ": a path attribute header runs past the attributes' end");
                    }
                    length = u16(b, p + 2);
                    p += 4;
                } else {
                    length = b[p + 2] & 0xff;
                    p += 3;
                }
                int aEnd = p + length;
                if (aEnd > end) {
                    throw fail("RIB entry " + entry + ": path attribute " + type + " length " + length
                            + " runs past the attributes' end");
                }
                if (type == ATTR_AS_PATH) {
                    int s = p;
                    while (s < aEnd) {
                        if (s + 2 > aEnd) {
                            throw fail("RIB entry " + entry + ": AS_PATH segment header runs past the attribute");
                        }
                        int segType = b[s] & 0xff;
                        int count = b[s + 1] & 0xff;
                        s += 2;
                        if (s + 4 * count > aEnd) {
                            throw fail("RIB entry " + entry + ": AS_PATH segment of " + count
                                    + " 4-byte ASNs runs past the attribute");
                        }
                        switch (segType) {
                            case AS_SET, AS_SEQUENCE -> {
                                if (n + count > path.length) {
                                    path = Arrays.copyOf(path, Math.max(path.length * 2, n + count));
                                }
                                for (int i = 0; i < count; i++, s += 4) {
                                    path[n++] = u32(b, s);
                                }
                            }
                            // RFC 5065: confederation segments are not part of the path the exchange sees
                            case AS_CONFED_SEQUENCE, AS_CONFED_SET -> s += 4 * count;
                            default -> throw fail("RIB entry " + entry + ": unknown AS_PATH segment type " + segType);
                        }
                    }
                }
                p = aEnd;
            }
            long[] out = n <= MAX_POOLED_PATH ? pathPool[n] : new long[n];
            System.arraycopy(path, 0, out, 0, n);
            return out;
        }

        private void need(int at, int n, int len, String what) throws MrtFormatException {
            if (at + n > len) {
                throw fail(what + " runs past the record end (" + len + ")");
            }
        }

        private MrtFormatException fail(String reason) {
            return new MrtFormatException(record, offset, reason);
        }
    }

    static int u16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    static long u32(byte[] b, int i) {
        return ((long) (b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }
}
