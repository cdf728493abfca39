package org.hubdns.server;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * DNS messages as bytes, for tests that must control every bit of a query (odd opcodes, several
 * OPT records, malformed options, 0x20 case) and check every bit of a response: a small builder
 * and a strict RFC 1035 parser that walks all four sections and checks that the counts in the
 * header match what is really in the message.
 */
final class RawDns {
    static final int TYPE_A = 1;
    static final int TYPE_NS = 2;
    static final int TYPE_CNAME = 5;
    static final int TYPE_SOA = 6;
    static final int TYPE_TXT = 16;
    static final int TYPE_OPT = 41;
    static final int TYPE_IXFR = 251;
    static final int TYPE_AXFR = 252;
    static final int CLASS_IN = 1;
    static final int CLASS_CH = 3;

    static final int OPT_NSID = 3;
    static final int OPT_ECS = 8;
    static final int OPT_COOKIE = 10;

    static final int NOERROR = 0;
    static final int FORMERR = 1;
    static final int NXDOMAIN = 3;
    static final int NOTIMP = 4;
    static final int REFUSED = 5;
    static final int NOTAUTH = 9;

    /** Header flag bits as they sit in the 16-bit flags word. */
    static final int QR = 0x8000;
    static final int AA = 0x0400;
    static final int TC = 0x0200;
    static final int RD = 0x0100;
    static final int RA = 0x0080;
    static final int AD = 0x0020;
    static final int CD = 0x0010;

    /** The EDNS DO bit in the OPT's 16-bit flags (RFC 3225). */
    static final int DO = 0x8000;

    private RawDns() {
    }

    // ----------------------------------------------------------------------------------------
    // building

    static byte[] header(int id, int opcode, int flags, int qd, int an, int ns, int ar) {
        int word = (flags & ~0x7800) | ((opcode & 0x0F) << 11);
        return new byte[] {(byte) (id >>> 8), (byte) id, (byte) (word >>> 8), (byte) word, (byte) (qd >>> 8),
                (byte) qd, (byte) (an >>> 8), (byte) an, (byte) (ns >>> 8), (byte) ns, (byte) (ar >>> 8),
                (byte) ar};
    }

    /** A name in uncompressed wire form, keeping the case of every letter as given. */
    static byte[] name(String dotted) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!dotted.equals(".")) {
            String n = dotted.endsWith(".") ? dotted.substring(0, dotted.length() - 1) : dotted;
            for (String label : n.split("\\.", -1)) {
                byte[] b = label.getBytes(StandardCharsets.US_ASCII);
                out.write(b.length);
                out.writeBytes(b);
            }
        }
        out.write(0);
        return out.toByteArray();
    }

    static byte[] question(String name, int type, int cls) {
        return concat(name(name), u16(type), u16(cls));
    }

    /** An OPT pseudo-RR owned by the root (RFC 6891 6.1.2) with the given options (each from {@link #option}). */
    static byte[] opt(int payload, int extendedRcode, int version, int flags, byte[]... options) {
        byte[] rdata = concat(options);
        return concat(new byte[] {0}, u16(TYPE_OPT), u16(payload),
                new byte[] {(byte) extendedRcode, (byte) version}, u16(flags), u16(rdata.length), rdata);
    }

    static byte[] option(int code, byte[] data) {
        return concat(u16(code), u16(data.length), data);
    }

    /** An EDNS Client Subnet option (RFC 7871 6) exactly as given, right or wrong. */
    static byte[] ecs(int family, int sourcePrefix, int scopePrefix, byte... address) {
        return option(OPT_ECS, concat(u16(family), new byte[] {(byte) sourcePrefix, (byte) scopePrefix}, address));
    }

    /** A plain query: one question, RD set, no EDNS. */
    static byte[] query(int id, String name, int type) {
        return concat(header(id, 0, RD, 1, 0, 0, 0), question(name, type, CLASS_IN));
    }

    /** A query with RD set and one OPT (payload, DO as given) carrying {@code options}. */
    static byte[] ednsQuery(int id, String name, int type, int payload, int ednsFlags, byte[]... options) {
        return concat(header(id, 0, RD, 1, 0, 0, 1), question(name, type, CLASS_IN),
                opt(payload, 0, 0, ednsFlags, options));
    }

    static byte[] u16(int v) {
        return new byte[] {(byte) (v >>> 8), (byte) v};
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    // ----------------------------------------------------------------------------------------
    // talking

    /** Sends over UDP (waiting up to 3 s) or over a fresh TCP connection; fails the test when nothing comes. */
    static byte[] exchange(RunningServer server, byte[] query, boolean tcp) throws IOException {
        byte[] r = tcp ? server.tcpRaw(query) : server.udpRaw(query, 3000);
        if (r == null) {
            throw new AssertionError("no response over " + (tcp ? "TCP" : "UDP") + " to " + hex(query));
        }
        return r;
    }

    /** Like {@link #exchange} but parsed (strictly) and checked to carry the query's ID. */
    static Msg ask(RunningServer server, byte[] query, boolean tcp) throws IOException {
        byte[] r = exchange(server, query, tcp);
        Msg m = Msg.parse(r);
        if (m.id() != u16(query, 0)) {
            throw new AssertionError("response ID " + m.id() + " is not the query's " + u16(query, 0));
        }
        return m;
    }

    /**
     * Writes all {@code queries} length-prefixed on one TCP connection, then reads responses until
     * {@code expected} came or the server closed; {@code closedAfter} reports whether it closed.
     */
    static List<byte[]> tcpPipeline(RunningServer server, List<byte[]> queries, int expected, boolean[] closedAfter)
            throws IOException {
        List<byte[]> responses = new ArrayList<>();
        try (Socket s = new Socket(RunningServer.LOOPBACK, server.dnsPort())) {
            s.setSoTimeout(3000);
            // one write, so that the server reads every frame before it may close after a bad one
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            DataOutputStream framing = new DataOutputStream(frames);
            for (byte[] q : queries) {
                framing.writeShort(q.length);
                framing.write(q);
            }
            s.getOutputStream().write(frames.toByteArray());
            s.getOutputStream().flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            for (int i = 0; i < expected; i++) {
                byte[] r = RunningServer.readFrame(in);
                if (r == null) {
                    break;
                }
                responses.add(r);
            }
            if (closedAfter != null) {
                closedAfter[0] = readsEndOfStream(in);
            }
        }
        return responses;
    }

    /** True when the peer closed (or reset) the stream; false when it sent more or stayed open 3 s. */
    private static boolean readsEndOfStream(DataInputStream in) {
        try {
            return in.read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by peer
        }
    }

    static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.length && i < 200; i++) {
            sb.append(String.format("%02x", b[i] & 0xFF));
        }
        return b.length > 200 ? sb + "...(" + b.length + " bytes)" : sb.toString();
    }

    // ----------------------------------------------------------------------------------------
    // parsing

    /** One resource record as found on the wire; {@code section} 1 = answer, 2 = authority, 3 = additional. */
    record Rr(int section, String name, int type, int cls, long ttl, int rdataAt, int rdlength, byte[] rdata) {
        /** For an OPT: the requestor's (or responder's) UDP payload size. */
        int payload() {
            return cls;
        }

        int extendedRcode() {
            return (int) ((ttl >>> 24) & 0xFF);
        }

        int version() {
            return (int) ((ttl >>> 16) & 0xFF);
        }

        int ednsFlags() {
            return (int) (ttl & 0xFFFF);
        }

        /** For an OPT: its options as (code, data) pairs, in order. */
        List<Option> options() {
            List<Option> list = new ArrayList<>();
            int p = 0;
            while (p < rdata.length) {
                if (p + 4 > rdata.length) {
                    throw new AssertionError("OPT RDATA ends inside an option header");
                }
                int code = u16(rdata, p);
                int len = u16(rdata, p + 2);
                if (p + 4 + len > rdata.length) {
                    throw new AssertionError("OPT option " + code + " runs past the RDATA");
                }
                list.add(new Option(code, Arrays.copyOfRange(rdata, p + 4, p + 4 + len)));
                p += 4 + len;
            }
            return list;
        }

        Option option(int code) {
            return options().stream().filter(o -> o.code() == code).findFirst().orElse(null);
        }
    }

    record Option(int code, byte[] data) {
    }

    /** A parsed DNS message; construction fails with an AssertionError on any malformation. */
    record Msg(byte[] wire, int id, int flags, int qdcount, int ancount, int nscount, int arcount, int questionEnd,
            List<Rr> records) {

        static Msg parse(byte[] w) {
            if (w.length < 12) {
                throw new AssertionError("message shorter than a header: " + hex(w));
            }
            int qd = u16(w, 4);
            int an = u16(w, 6);
            int ns = u16(w, 8);
            int ar = u16(w, 10);
            int[] pos = {12};
            for (int i = 0; i < qd; i++) {
                readName(w, pos);
                need(w, pos[0] + 4, "question");
                pos[0] += 4;
            }
            int questionEnd = pos[0];
            List<Rr> rrs = new ArrayList<>();
            int[] counts = {an, ns, ar};
            for (int s = 0; s < 3; s++) {
                for (int i = 0; i < counts[s]; i++) {
                    String name = readName(w, pos);
                    need(w, pos[0] + 10, "RR header");
                    int p = pos[0];
                    int type = u16(w, p);
                    int cls = u16(w, p + 2);
                    long ttl = ((long) u16(w, p + 4) << 16) | u16(w, p + 6);
                    int rdlength = u16(w, p + 8);
                    need(w, p + 10 + rdlength, "RDATA");
                    rrs.add(new Rr(s + 1, name, type, cls, ttl, p + 10, rdlength,
                            Arrays.copyOfRange(w, p + 10, p + 10 + rdlength)));
                    pos[0] = p + 10 + rdlength;
                }
            }
            if (pos[0] != w.length) {
                throw new AssertionError((w.length - pos[0]) + " bytes after the last record counted in the header: "
                        + hex(w));
            }
            return new Msg(w, u16(w, 0), u16(w, 2), qd, an, ns, ar, questionEnd, List.copyOf(rrs));
        }

        private static void need(byte[] w, int end, String what) {
            if (end > w.length) {
                throw new AssertionError("message ends inside the " + what + " (" + w.length + " bytes): " + hex(w));
            }
        }

        /** A (possibly compressed) name, lower-cased and dotted; pointers must point to prior data. */
        static String readName(byte[] w, int[] pos) {
            StringBuilder sb = new StringBuilder();
            int p = pos[0];
            int end = -1;
            int limit = p;
            int wire = 0;
            for (int hops = 0; hops < 256; hops++) {
                need(w, p + 1, "name");
                int l = w[p] & 0xFF;
                if (l == 0) {
                    pos[0] = end < 0 ? p + 1 : end;
                    return sb.length() == 0 ? "." : sb.toString();
                }
                if ((l & 0xC0) == 0xC0) {
                    need(w, p + 2, "compression pointer");
                    int target = ((l & 0x3F) << 8) | (w[p + 1] & 0xFF);
                    if (target >= limit) {
                        throw new AssertionError("compression pointer at " + p + " to " + target
                                + " does not point to a prior occurrence");
                    }
                    if (end < 0) {
                        end = p + 2;
                    }
                    limit = target;
                    p = target;
                    continue;
                }
                if ((l & 0xC0) != 0) {
                    throw new AssertionError("label type " + Integer.toHexString(l & 0xC0) + " at " + p);
                }
                need(w, p + 1 + l, "label");
                wire += l + 1;
                if (wire > 254) {
                    throw new AssertionError("name longer than 255 octets at " + pos[0]);
                }
                sb.append(new String(w, p + 1, l, StandardCharsets.ISO_8859_1).toLowerCase()).append('.');
                p += 1 + l;
            }
            throw new AssertionError("name with too many labels or pointers at " + pos[0]);
        }

        int rcode() {
            return flags & 0x0F;
        }

        int opcode() {
            return (flags >>> 11) & 0x0F;
        }

        boolean flag(int bit) {
            return (flags & bit) != 0;
        }

        /** The header rcode combined with the OPT's upper eight bits (RFC 6891 6.1.3). */
        int extendedRcode() {
            Rr o = opt();
            return o == null ? rcode() : (o.extendedRcode() << 4) | rcode();
        }

        List<Rr> section(int s) {
            return records.stream().filter(r -> r.section() == s).toList();
        }

        List<Rr> opts() {
            return records.stream().filter(r -> r.type() == TYPE_OPT).toList();
        }

        /** The one OPT, or null; fails when there are several. */
        Rr opt() {
            List<Rr> o = opts();
            if (o.size() > 1) {
                throw new AssertionError(o.size() + " OPT records in one response");
            }
            return o.isEmpty() ? null : o.get(0);
        }

        /** The raw bytes of the question section. */
        byte[] questionBytes() {
            return Arrays.copyOfRange(wire, 12, questionEnd);
        }

        int size() {
            return wire.length;
        }
    }

    /** The raw bytes of the single question of a query we built ourselves (uncompressed). */
    static byte[] questionOf(byte[] query) {
        int[] pos = {12};
        Msg.readName(query, pos);
        return Arrays.copyOfRange(query, 12, pos[0] + 4);
    }
}
