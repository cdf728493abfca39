package org.hubdns.dns.stats;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a query processor sends the queries it samples for the query log. {@link #sample} is asked
 * for every query and must be cheap; {@link #offer} must never block (a full queue drops the entry).
 */
public interface QueryLog {
    QueryLog OFF = new QueryLog() {
        @Override
        public boolean sample() {
            return false;
        }

        @Override
        public void offer(Entry e) {
        }
    };

    boolean sample();

    void offer(Entry e);

    /**
     * One logged query. {@code answer} holds the answer section's A/AAAA addresses and CNAME
     * targets; {@code ecs} is "address/source" or null; {@code site} the site steering chose
     * ("fallback" for the origin) or null for zone data; {@code scope} the ECS scope echoed or -1.
     */
    record Entry(long timeMillis, String client, boolean tcp, String ecs, String qname, String qtype, String rcode,
            List<String> answer, String site, int scope, long durationMicros) {
    }

    /** Builds the entry from the processor's state (only for sampled queries: it allocates). */
    static Entry entry(byte[] q, byte[] out, int n, byte[] lname, int qnameLength, int qtype, int rcode,
            InetAddress source, boolean tcp, String ecs, int ecsSource, String site, int scope, long nanos) {
        String qname = qtype < 0 ? null : Wire.name(lname, 0, qnameLength);
        return new Entry(System.currentTimeMillis(), source == null ? null : source.getHostAddress(), tcp, ecs, qname,
                qtype < 0 ? null : org.xbill.DNS.Type.string(qtype), org.xbill.DNS.Rcode.string(rcode),
                Wire.answers(out, n), site, scope, nanos / 1000);
    }

    /** Just enough wire reading for the log: names to text, and the answer section's addresses. */
    final class Wire {
        private Wire() {
        }

        static String name(byte[] b, int at, int length) {
            StringBuilder sb = new StringBuilder();
            int p = at;
            while (p < at + length && b[p] != 0) {
                int l = b[p] & 0xFF;
                for (int i = p + 1; i <= p + l; i++) {
                    int c = b[i] & 0xFF;
                    if (c == '.' || c == '\\') {
                        sb.append('\\').append((char) c);
                    } else if (c <= 32 || c >= 127) {
                        sb.append('\\').append(String.format("%03d", c));
                    } else {
                        sb.append((char) c);
                    }
                }
                sb.append('.');
                p += l + 1;
            }
            return sb.length() == 0 ? "." : sb.toString();
        }

        /** A/AAAA addresses and CNAME targets of the answer section of response {@code r[0, n)}. */
        static List<String> answers(byte[] r, int n) {
            List<String> out = new ArrayList<>();
            if (n < 12) {
                return out;
            }
            int qd = ((r[4] & 0xFF) << 8) | (r[5] & 0xFF);
            int an = ((r[6] & 0xFF) << 8) | (r[7] & 0xFF);
            int p = 12;
            try {
                for (int i = 0; i < qd; i++) {
                    p = skip(r, p, n) + 4;
                }
                for (int i = 0; i < an && p < n; i++) {
                    p = skip(r, p, n);
                    int type = ((r[p] & 0xFF) << 8) | (r[p + 1] & 0xFF);
                    int rdlength = ((r[p + 8] & 0xFF) << 8) | (r[p + 9] & 0xFF);
                    int rd = p + 10;
                    if ((type == 1 && rdlength == 4) || (type == 28 && rdlength == 16)) {
                        byte[] a = new byte[rdlength];
                        System.arraycopy(r, rd, a, 0, rdlength);
                        out.add(InetAddress.getByAddress(a).getHostAddress());
                    } else if (type == 5) {
                        out.add(read(r, rd, n));
                    }
                    p = rd + rdlength;
                }
            } catch (RuntimeException | java.net.UnknownHostException e) {
                // a response we cannot read back is logged without its answer
            }
            return out;
        }

        private static int skip(byte[] r, int p, int n) {
            while (p < n) {
                int l = r[p] & 0xFF;
                if (l == 0) {
                    return p + 1;
                }
                if ((l & 0xC0) == 0xC0) {
                    return p + 2;
                }
                p += l + 1;
            }
            throw new IllegalArgumentException("name runs past the message");
        }

        /** A possibly compressed name to text (bounded: pointers followed at most 64 times). */
        private static String read(byte[] r, int p, int n) {
            StringBuilder sb = new StringBuilder();
            for (int hops = 0; hops < 64 && p < n; hops++) {
                int l = r[p] & 0xFF;
                if (l == 0) {
                    break;
                }
                if ((l & 0xC0) == 0xC0) {
                    p = ((l & 0x3F) << 8) | (r[p + 1] & 0xFF);
                    continue;
                }
                byte[] label = new byte[l + 2];
                label[0] = (byte) l;
                System.arraycopy(r, p + 1, label, 1, l);
                sb.append(name(label, 0, l + 2));
                p += l + 1;
            }
            return sb.length() == 0 ? "." : sb.toString();
        }
    }
}
