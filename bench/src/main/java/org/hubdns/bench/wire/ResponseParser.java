package org.hubdns.bench.wire;

/**
 * Reads what the report needs from a response, in place and without allocating: header, the
 * question's extent, A/AAAA addresses and the first CNAME of the answer section, the OPT record's
 * extended RCODE and ECS scope. Every read is bounds-checked; a response cut short is flagged,
 * never thrown.
 */
public final class ResponseParser {
    private static final int MAX_POINTERS = 64;

    private ResponseParser() {
    }

    public static void parse(byte[] b, int len, Response r) {
        r.buffer = b;
        r.length = len;
        r.addresses = 0;
        r.v4Count = 0;
        r.v6Count = 0;
        r.cnameOffset = -1;
        r.ecsScope = -1;
        r.recordsMalformed = false;
        if (len < 12) {
            r.status = Response.Status.MALFORMED;
            return;
        }
        r.id = u16(b, 0);
        r.flags = u16(b, 2);
        r.rcode = r.flags & 0xf;
        r.qdcount = u16(b, 4);
        r.ancount = u16(b, 6);
        int nscount = u16(b, 8);
        int arcount = u16(b, 10);
        if ((r.flags & 0x8000) == 0 || r.qdcount > 1) {
            r.status = Response.Status.MALFORMED;
            return;
        }
        int p = 12;
        if (r.qdcount == 1) {
            p = skipName(b, len, p);
            if (p < 0 || p + 4 > len) {
                r.status = Response.Status.MALFORMED;
                return;
            }
            p += 4;
        }
        r.status = Response.Status.OK;
        int total = r.ancount + nscount + arcount;
        for (int i = 0; i < total; i++) {
            p = skipName(b, len, p);
            if (p < 0 || p + 10 > len) {
                r.recordsMalformed = true;
                return;
            }
            int type = u16(b, p);
            int rdlen = u16(b, p + 8);
            int rdata = p + 10;
            if (rdata + rdlen > len) {
                r.recordsMalformed = true;
                return;
            }
            if (i < r.ancount) {
                answer(b, type, rdata, rdlen, r);
            } else if (i >= r.ancount + nscount && type == RrTypes.OPT) {
                r.rcode |= (b[p + 4] & 0xff) << 4;
                opt(b, rdata, rdlen, r);
            }
            p = rdata + rdlen;
        }
    }

    private static void answer(byte[] b, int type, int rdata, int rdlen, Response r) {
        if (r.addresses >= Response.MAX_ADDRESSES) {
            return;
        }
        if (type == RrTypes.A && rdlen == 4) {
            r.v4[r.v4Count] = ((b[rdata] & 0xff) << 24) | ((b[rdata + 1] & 0xff) << 16) | ((b[rdata + 2] & 0xff) << 8)
                    | (b[rdata + 3] & 0xff);
            r.order[r.addresses++] = r.v4Count++;
        } else if (type == RrTypes.AAAA && rdlen == 16) {
            r.v6[r.v6Count] = rdata;
            r.order[r.addresses++] = -1 - r.v6Count++;
        } else if (type == RrTypes.CNAME && r.cnameOffset < 0) {
            r.cnameOffset = rdata;
        }
    }

    private static void opt(byte[] b, int p, int rdlen, Response r) {
        int end = p + rdlen;
        while (p + 4 <= end) {
            int code = u16(b, p);
            int olen = u16(b, p + 2);
            int data = p + 4;
            if (data + olen > end) {
                r.recordsMalformed = true;
                return;
            }
            if (code == 8 && olen >= 4) {
                r.ecsScope = b[data + 3] & 0xff;
            }
            p = data + olen;
        }
    }

    /** The offset after the (possibly compressed) name at {@code p}, or -1 when it runs off the end. */
    static int skipName(byte[] b, int len, int p) {
        while (p < len) {
            int l = b[p] & 0xff;
            if (l == 0) {
                return p + 1;
            }
            if ((l & 0xc0) == 0xc0) {
                return p + 2 <= len ? p + 2 : -1;
            }
            if ((l & 0xc0) != 0) {
                return -1;
            }
            p += 1 + l;
        }
        return -1;
    }

    /** The name at {@code p} in presentation format (compression followed), or null when malformed. */
    public static String readName(byte[] b, int len, int p) {
        StringBuilder sb = new StringBuilder();
        int jumps = 0;
        while (p < len) {
            int l = b[p] & 0xff;
            if (l == 0) {
                return sb.length() == 0 ? "." : sb.toString();
            }
            if ((l & 0xc0) == 0xc0) {
                if (p + 1 >= len || ++jumps > MAX_POINTERS) {
                    return null;
                }
                p = ((l & 0x3f) << 8) | (b[p + 1] & 0xff);
                continue;
            }
            if ((l & 0xc0) != 0 || p + 1 + l > len) {
                return null;
            }
            for (int i = 0; i < l; i++) {
                int c = b[p + 1 + i] & 0xff;
                if (c == '.' || c == '\\') {
                    sb.append('\\').append((char) c);
                } else if (c <= 0x20 || c >= 0x7f) {
                    sb.append('\\').append(String.format("%03d", c));
                } else {
                    sb.append((char) c);
                }
            }
            sb.append('.');
            p += 1 + l;
        }
        return null;
    }

    static int u16(byte[] b, int p) {
        return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
    }
}
