package org.hubdns.dns.rrl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hubdns.cluster.coverage.Cidr;

/**
 * The member's response rate limiter: its settings, the accounts shared by all event loops, one
 * {@link RrlGate} per loop, and what the metrics and the once-a-minute WARN read.
 */
public final class ResponseRateLimiter {
    private final RrlSettings settings;
    private final AccountTable table;
    private final long origin = System.nanoTime();
    private final List<RrlGate> gates = new CopyOnWriteArrayList<>();
    private final int[] exempt4;
    private final int[] exempt4Mask;
    private final long[][] exempt6;
    private long reported;

    public ResponseRateLimiter(RrlSettings settings) {
        this.settings = settings;
        table = settings.enabled()
                ? new AccountTable(settings.tableSize(), settings.rate(), settings.burst(), settings.windowSeconds())
                : null;
        List<Cidr> v4 = settings.exempt().stream().filter(Cidr::isIpv4).toList();
        List<Cidr> v6 = settings.exempt().stream().filter(c -> !c.isIpv4()).toList();
        exempt4 = new int[v4.size()];
        exempt4Mask = new int[v4.size()];
        for (int i = 0; i < v4.size(); i++) {
            byte[] a = v4.get(i).address();
            exempt4[i] = ((a[0] & 0xFF) << 24) | ((a[1] & 0xFF) << 16) | ((a[2] & 0xFF) << 8) | (a[3] & 0xFF);
            int p = v4.get(i).prefix();
            exempt4Mask[i] = p == 0 ? 0 : -1 << (32 - p);
        }
        exempt6 = new long[v6.size()][];
        for (int i = 0; i < v6.size(); i++) {
            byte[] a = v6.get(i).address();
            int p = v6.get(i).prefix();
            long maskHi = p == 0 ? 0 : p >= 64 ? -1L : -1L << (64 - p);
            long maskLo = p <= 64 ? 0 : p == 128 ? -1L : -1L << (128 - p);
            exempt6[i] = new long[] {RrlGate.high64(a), low64(a), maskHi, maskLo};
        }
    }

    public RrlSettings settings() {
        return settings;
    }

    public boolean enabled() {
        return table != null;
    }

    /** A new event loop's gate, or null when RRL is off (the query path then skips it entirely). */
    public RrlGate gate() {
        if (table == null) {
            return null;
        }
        RrlGate g = new RrlGate(this, table);
        gates.add(g);
        return g;
    }

    long millis(long nanoTime) {
        return (nanoTime - origin) / 1_000_000;
    }

    boolean exemptV4(int address) {
        for (int i = 0; i < exempt4.length; i++) {
            if ((address & exempt4Mask[i]) == exempt4[i]) {
                return true;
            }
        }
        return false;
    }

    boolean exemptV6(byte[] address) {
        if (address.length == 4) {
            int a = ((address[0] & 0xFF) << 24) | ((address[1] & 0xFF) << 16) | ((address[2] & 0xFF) << 8)
                    | (address[3] & 0xFF);
            return exemptV4(a);
        }
        if (exempt6.length == 0) {
            return false;
        }
        long hi = RrlGate.high64(address);
        long lo = low64(address);
        for (long[] e : exempt6) {
            if ((hi & e[2]) == e[0] && (lo & e[3]) == e[1]) {
                return true;
            }
        }
        return false;
    }

    private static long low64(byte[] a) {
        long h = 0;
        for (int i = 8; i < 16; i++) {
            h = (h << 8) | (a[i] & 0xFF);
        }
        return h;
    }

    public long slipped() {
        return sum(RrlGate.SLIPPED);
    }

    public long dropped() {
        return sum(RrlGate.DROPPED);
    }

    /** Responses that would have been limited but were sent, under {@code --rrl-log-only}. */
    public long logged() {
        return sum(RrlGate.LOGGED);
    }

    private long sum(int action) {
        long n = 0;
        for (RrlGate g : gates) {
            n += g.total(action);
        }
        return n;
    }

    /** Accounts used within the last window (at most the table's size); scans the table, so not per query. */
    public int tableEntries() {
        return table == null ? 0 : table.active((int) millis(System.nanoTime()), settings.windowSeconds() * 1000);
    }

    /** The table's fixed number of slots (0 when off). */
    public int tableCapacity() {
        return table == null ? 0 : table.capacity();
    }

    /**
     * The line to WARN once a minute: what was limited since the last call and the busiest limited
     * networks of this minute and the last; null when nothing was.
     */
    public synchronized String minuteReport() {
        long limited = slipped() + dropped() + logged();
        long since = limited - reported;
        reported = limited;
        if (since == 0) {
            return null;
        }
        List<String> busiest = busiest(5);
        return (settings.logOnly()
                ? "response rate limiting (log only) would have limited " + since + " responses"
                : "response rate limiting limited " + since + " responses (slipped and dropped)")
                + " in the last minute; busiest limited networks: " + String.join(", ", busiest);
    }

    /** The {@code n} networks limited most in this minute and the last, as "network/prefix (count)". */
    List<String> busiest(int n) {
        long minute = millis(System.nanoTime()) / 60_000;
        Map<String, Long> counts = new HashMap<>();
        for (RrlGate g : gates) {
            for (int b = 0; b < 2; b++) {
                long m = g.bankMinute[b];
                if (m != minute && m != minute - 1) {
                    continue;
                }
                for (int i = 0; i < RrlGate.TOP; i++) {
                    long c = g.topCount[b][i];
                    if (c > 0) {
                        counts.merge(network(g.topV6[b][i], g.topNetwork[b][i]), c, Long::sum);
                    }
                }
            }
        }
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, sorted.size()); i++) {
            out.add(sorted.get(i).getKey() + " (" + sorted.get(i).getValue() + ")");
        }
        return out;
    }

    private String network(boolean v6, long network) {
        if (!v6) {
            byte[] a = {(byte) (network >>> 24), (byte) (network >>> 16), (byte) (network >>> 8), (byte) network};
            return Cidr.formatAddress(a) + "/" + settings.ipv4Prefix();
        }
        byte[] a = new byte[16];
        for (int i = 0; i < 8; i++) {
            a[i] = (byte) (network >>> (56 - 8 * i));
        }
        return Cidr.formatAddress(a) + "/" + settings.ipv6Prefix();
    }
}
