package org.hubdns.dns.rrl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * One event loop's door to the member's {@link ResponseRateLimiter}: decides, per UDP response,
 * whether it is sent, slipped or dropped, and keeps this loop's counters and its busiest limited
 * networks. Not thread-safe (one per loop); no allocation for an IPv4 client.
 */
public final class RrlGate {
    /** What happens to a response. */
    public enum Verdict {
        SEND,
        /** Sent as a minimal truncated answer (or BADCOOKIE with a fresh cookie) instead. */
        SLIP,
        DROP
    }

    static final int SLIPPED = 0;
    static final int DROPPED = 1;
    static final int LOGGED = 2;
    /** Busiest limited networks remembered per loop and minute (space-saving heavy hitters). */
    static final int TOP = 16;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final ResponseRateLimiter limiter;
    private final AccountTable table;
    private final int slip;
    private final boolean logOnly;
    private final int v4Mask;
    private final long v6Mask;
    private final long[] counts = new long[3];
    private int slipTurn;
    // two banks, by the parity of the minute, so the reporter reads the last minute while this loop
    // fills the current one
    final long[][] topNetwork = new long[2][TOP];
    final boolean[][] topV6 = new boolean[2][TOP];
    final long[][] topCount = new long[2][TOP];
    final long[] bankMinute = {-1, -1};

    RrlGate(ResponseRateLimiter limiter, AccountTable table) {
        this.limiter = limiter;
        this.table = table;
        RrlSettings s = limiter.settings();
        slip = s.slip();
        logOnly = s.logOnly();
        v4Mask = -1 << (32 - s.ipv4Prefix());
        v6Mask = -1L << (64 - s.ipv6Prefix());
    }

    /**
     * The verdict on a UDP response of class {@code c} to {@code source} ({@code nameHash}: the
     * query name's hash for {@link ResponseClass#POSITIVE}, else ignored) at {@code nanoTime}.
     * The caller has already let through what carries a valid server cookie.
     */
    public Verdict decide(InetAddress source, ResponseClass c, int nameHash, long nanoTime) {
        boolean v6;
        long network;
        if (source instanceof Inet4Address) {
            // Inet4Address.hashCode() is its address: no copy of the bytes per query
            int a = source.hashCode();
            if (limiter.exemptV4(a)) {
                return Verdict.SEND;
            }
            v6 = false;
            network = (a & v4Mask) & 0xFFFF_FFFFL;
        } else {
            byte[] a = source.getAddress();
            if (limiter.exemptV6(a)) {
                return Verdict.SEND;
            }
            v6 = true;
            network = high64(a) & v6Mask;
        }
        long ms = limiter.millis(nanoTime);
        if (table.charge(key(v6, network, c, c == ResponseClass.POSITIVE ? nameHash : 0), (int) ms)) {
            return Verdict.SEND;
        }
        track(v6, network, ms / 60_000);
        if (logOnly) {
            count(LOGGED);
            return Verdict.SEND;
        }
        if (slip > 0 && ++slipTurn >= slip) {
            slipTurn = 0;
            count(SLIPPED);
            return Verdict.SLIP;
        }
        count(DROPPED);
        return Verdict.DROP;
    }

    static long high64(byte[] a) {
        long h = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (a[i] & 0xFF);
        }
        return h;
    }

    /** A 64-bit mix (the MurmurHash3 finalizer) of family, network, class and name. */
    static long key(boolean v6, long network, ResponseClass c, int nameHash) {
        long h = network * 0x9E3779B97F4A7C15L + ((long) nameHash << 8) + (c.ordinal() << 1) + (v6 ? 1 : 0);
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }

    private void count(int action) {
        LONGS.setOpaque(counts, action, (long) LONGS.getOpaque(counts, action) + 1);
    }

    /** This loop's count of {@link #SLIPPED}, {@link #DROPPED} or {@link #LOGGED} responses (any thread). */
    long total(int action) {
        return (long) LONGS.getOpaque(counts, action);
    }

    private void track(boolean v6, long network, long minute) {
        int b = (int) (minute & 1);
        long[] nets = topNetwork[b];
        boolean[] fam = topV6[b];
        long[] n = topCount[b];
        if (bankMinute[b] != minute) {
            java.util.Arrays.fill(n, 0);
            bankMinute[b] = minute;
        }
        int min = 0;
        for (int i = 0; i < TOP; i++) {
            if (n[i] > 0 && nets[i] == network && fam[i] == v6) {
                n[i]++;
                return;
            }
            if (n[i] < n[min]) {
                min = i;
            }
        }
        // space-saving: the newcomer takes the smallest slot and inherits its count
        nets[min] = network;
        fam[min] = v6;
        n[min]++;
    }
}
