package org.hubdns.bench.engine;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts per answer: IPv4 addresses in an open-addressing table of primitive longs (no boxing on
 * the receive path); IPv6 addresses and CNAME targets, which are rare in a steering answer, in a
 * plain map keyed by their text. One per event loop, so never shared between threads.
 */
public final class AddressCounts {
    private static final long EMPTY = -1;

    private long[] keys = new long[64];
    private long[] counts = new long[64];
    private int size;
    private final Map<String, long[]> other = new HashMap<>();

    public AddressCounts() {
        java.util.Arrays.fill(keys, EMPTY);
    }

    public void addV4(int address) {
        long key = address & 0xffffffffL;
        int mask = keys.length - 1;
        int i = mix(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) {
                counts[i]++;
                return;
            }
            if (k == EMPTY) {
                keys[i] = key;
                counts[i] = 1;
                if (++size * 2 > keys.length) {
                    grow();
                }
                return;
            }
            i = (i + 1) & mask;
        }
    }

    public void addOther(String key) {
        other.computeIfAbsent(key, k -> new long[1])[0]++;
    }

    /** Adds everything counted here to {@code into}, IPv4 addresses in dotted-quad text. */
    public void addTo(Map<String, Long> into) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                into.merge(v4Text((int) keys[i]), counts[i], Long::sum);
            }
        }
        for (Map.Entry<String, long[]> e : other.entrySet()) {
            into.merge(e.getKey(), e.getValue()[0], Long::sum);
        }
    }

    public static String v4Text(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldCounts = counts;
        keys = new long[oldKeys.length * 2];
        counts = new long[oldKeys.length * 2];
        java.util.Arrays.fill(keys, EMPTY);
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != EMPTY) {
                int i = mix(oldKeys[j]) & mask;
                while (keys[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                counts[i] = oldCounts[j];
            }
        }
    }

    private static int mix(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
