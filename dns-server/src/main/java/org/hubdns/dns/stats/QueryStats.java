package org.hubdns.dns.stats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One query processor's counters (one event loop writes them, so no atomics and no contention):
 * queries by transport x qtype x rcode, dropped packets, time in hubdns in fixed buckets, and ECS
 * queries by family. Readers (the metrics scrape, the dashboard) sum every processor's copy; the
 * opaque writes and reads keep each value coherent without fences on the query path.
 */
public final class QueryStats {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    public static final String[] TRANSPORTS = {"udp", "tcp"};
    /** Label values of qtype; the index of a type code is {@link #qtypeIndex}. */
    public static final String[] QTYPES = {"A", "NS", "CNAME", "SOA", "PTR", "MX", "TXT", "AAAA", "SRV", "NAPTR",
        "DS", "DNSKEY", "SVCB", "HTTPS", "CAA", "ANY", "OTHER", "NONE"};
    private static final int[] QTYPE_CODES = {1, 2, 5, 6, 12, 15, 16, 28, 33, 35, 43, 48, 64, 65, 257, 255};
    public static final int QTYPE_OTHER = 16;
    /** No question could be read (FORMERR and the like). */
    public static final int QTYPE_NONE = 17;
    public static final String[] RCODES = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
        "BADVERS", "OTHER"};
    /** Upper bounds of the time buckets, in nanoseconds (the last bucket is +Inf). */
    public static final long[] BUCKET_NANOS = {2_000, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
        1_000_000, 5_000_000, 25_000_000};
    public static final String[] FAMILIES = {"ipv4", "ipv6"};

    private static final int[] QTYPE_INDEX = new int[65536];

    static {
        java.util.Arrays.fill(QTYPE_INDEX, QTYPE_OTHER);
        for (int i = 0; i < QTYPE_CODES.length; i++) {
            QTYPE_INDEX[QTYPE_CODES[i]] = i;
        }
    }

    private final long[] queries = new long[TRANSPORTS.length * QTYPES.length * RCODES.length];
    private final long[] dropped = new long[TRANSPORTS.length];
    private final long[] buckets = new long[BUCKET_NANOS.length + 1];
    /** [0] total nanoseconds, [1] count. */
    private final long[] duration = new long[2];
    private final long[] ecs = new long[FAMILIES.length];

    public static int qtypeIndex(int qtype) {
        return qtype < 0 ? QTYPE_NONE : QTYPE_INDEX[qtype & 0xFFFF];
    }

    public static int rcodeIndex(int rcode) {
        return switch (rcode) {
            case 0, 1, 2, 3, 4, 5 -> rcode;
            case 16 -> 6;
            default -> 7;
        };
    }

    public static int slot(int transport, int qtypeIndex, int rcodeIndex) {
        return (transport * QTYPES.length + qtypeIndex) * RCODES.length + rcodeIndex;
    }

    private static void add(long[] a, int i, long n) {
        LONGS.setOpaque(a, i, (long) LONGS.getOpaque(a, i) + n);
    }

    /** One answered query, with its time (only ever called by the processor's own thread). */
    public void answered(boolean tcp, int qtype, int rcode, long nanos) {
        answered(tcp, qtype, rcode);
        timed(1, nanos);
    }

    /** One answered query whose time {@link #timed} adds later, with the rest of its batch. */
    public void answered(boolean tcp, int qtype, int rcode) {
        add(queries, slot(tcp ? 1 : 0, qtypeIndex(qtype), rcodeIndex(rcode)), 1);
    }

    /** {@code count} answered queries that each took {@code nanos}. */
    public void timed(int count, long nanos) {
        int b = 0;
        while (b < BUCKET_NANOS.length && nanos > BUCKET_NANOS[b]) {
            b++;
        }
        add(buckets, b, count);
        add(duration, 0, nanos * count);
        add(duration, 1, count);
    }

    public void dropped(boolean tcp) {
        add(dropped, tcp ? 1 : 0, 1);
    }

    public void ecs(boolean ipv6) {
        add(ecs, ipv6 ? 1 : 0, 1);
    }

    /** Adds this processor's counts into the totals (same layout as the fields). */
    public void addTo(Totals t) {
        sum(queries, t.queries);
        sum(dropped, t.dropped);
        sum(buckets, t.buckets);
        sum(duration, t.duration);
        sum(ecs, t.ecs);
    }

    private static void sum(long[] from, long[] into) {
        for (int i = 0; i < from.length; i++) {
            into[i] += (long) LONGS.getOpaque(from, i);
        }
    }

    /** The sum over every processor at one moment. */
    public static final class Totals {
        public final long[] queries = new long[TRANSPORTS.length * QTYPES.length * RCODES.length];
        public final long[] dropped = new long[TRANSPORTS.length];
        public final long[] buckets = new long[BUCKET_NANOS.length + 1];
        public final long[] duration = new long[2];
        public final long[] ecs = new long[FAMILIES.length];

        public long total() {
            long n = 0;
            for (long q : queries) {
                n += q;
            }
            return n;
        }

        /** Queries answered with {@code rcodeIndex}, over transports and types. */
        public long byRcode(int rcodeIndex) {
            long n = 0;
            for (int t = 0; t < TRANSPORTS.length; t++) {
                for (int q = 0; q < QTYPES.length; q++) {
                    n += queries[slot(t, q, rcodeIndex)];
                }
            }
            return n;
        }
    }
}
