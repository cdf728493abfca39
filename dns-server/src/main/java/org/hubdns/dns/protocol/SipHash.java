package org.hubdns.dns.protocol;

/**
 * SipHash-2-4 (Aumasson and Bernstein), the MAC of RFC 9018 server cookies. Allocation-free; the
 * state lives in fields, so one instance serves one thread.
 */
final class SipHash {
    private final long k0;
    private final long k1;
    private long v0;
    private long v1;
    private long v2;
    private long v3;

    SipHash(byte[] key16) {
        k0 = le64(key16, 0);
        k1 = le64(key16, 8);
    }

    long hash(byte[] m, int off, int len) {
        v0 = 0x736f6d6570736575L ^ k0;
        v1 = 0x646f72616e646f6dL ^ k1;
        v2 = 0x6c7967656e657261L ^ k0;
        v3 = 0x7465646279746573L ^ k1;
        int end = off + len - (len % 8);
        for (int i = off; i < end; i += 8) {
            compress(le64(m, i));
        }
        long last = ((long) len) << 56;
        for (int i = 0; i < len % 8; i++) {
            last |= (m[end + i] & 0xFFL) << (8 * i);
        }
        compress(last);
        v2 ^= 0xff;
        rounds(4);
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private void compress(long word) {
        v3 ^= word;
        rounds(2);
        v0 ^= word;
    }

    private void rounds(int n) {
        for (int r = 0; r < n; r++) {
            v0 += v1;
            v1 = Long.rotateLeft(v1, 13) ^ v0;
            v0 = Long.rotateLeft(v0, 32);
            v2 += v3;
            v3 = Long.rotateLeft(v3, 16) ^ v2;
            v0 += v3;
            v3 = Long.rotateLeft(v3, 21) ^ v0;
            v2 += v1;
            v1 = Long.rotateLeft(v1, 17) ^ v2;
            v2 = Long.rotateLeft(v2, 32);
        }
    }

    private static long le64(byte[] b, int i) {
        long v = 0;
        for (int j = 7; j >= 0; j--) {
            v = (v << 8) | (b[i + j] & 0xFFL);
        }
        return v;
    }
}
