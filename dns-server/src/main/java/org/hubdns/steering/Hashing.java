package org.hubdns.steering;

import java.nio.charset.StandardCharsets;

/** 64-bit mixing for rendezvous hashing: stable across members, JVMs and restarts. */
public final class Hashing {
    private Hashing() {
    }

    /** The finaliser of MurmurHash3 (fmix64): every input bit affects every output bit. */
    public static long mix(long z) {
        z ^= z >>> 33;
        z *= 0xff51afd7ed558ccdL;
        z ^= z >>> 33;
        z *= 0xc4ceb9fe1a85ec53L;
        z ^= z >>> 33;
        return z;
    }

    static long of(String s) {
        long h = 0x9E3779B97F4A7C15L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h = mix(h ^ (b & 0xff));
        }
        return h;
    }

    /** A uniform double in (0, 1), never 0 (its logarithm is taken). */
    static double unit(long h) {
        return ((h >>> 11) + 0.5) * 0x1.0p-53;
    }

    /** The client's network: {@code address} cut to {@code prefix} bits, hashed. */
    static long network(byte[] address, int length, int prefix) {
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < length; i++) {
            int bitsBefore = i * 8;
            int keep = Math.max(0, Math.min(8, prefix - bitsBefore));
            int b = keep == 0 ? 0 : address[i] & (0xff << (8 - keep)) & 0xff;
            if (i < 8) {
                hi = hi << 8 | b;
            } else {
                lo = lo << 8 | b;
            }
        }
        return mix(mix(hi ^ ((long) prefix << 56) ^ length) ^ lo);
    }
}
