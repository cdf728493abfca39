package org.hubdns.dns.protocol;

import java.security.SecureRandom;

/**
 * Server cookies in the interoperable format of RFC 9018: version 1, three reserved bytes, a
 * 32-bit timestamp and SipHash-2-4 over client cookie | version | reserved | timestamp | client IP,
 * keyed with a secret made at start-up. One instance is shared; {@link #write} is allocation-free.
 */
public final class ServerCookies {
    static final int SERVER_COOKIE_LENGTH = 16;
    private final SipHash mac;

    public ServerCookies() {
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        mac = new SipHash(secret);
    }

    /**
     * Writes the 16-byte server cookie for {@code clientCookie} (8 bytes at {@code cc}) and the
     * client address into {@code out} at {@code pos}; {@code scratch} holds at least 32 bytes.
     */
    void write(byte[] query, int cc, byte[] clientIp, int nowSeconds, byte[] out, int pos, byte[] scratch) {
        System.arraycopy(query, cc, scratch, 0, 8);
        scratch[8] = 1;
        scratch[9] = 0;
        scratch[10] = 0;
        scratch[11] = 0;
        scratch[12] = (byte) (nowSeconds >>> 24);
        scratch[13] = (byte) (nowSeconds >>> 16);
        scratch[14] = (byte) (nowSeconds >>> 8);
        scratch[15] = (byte) nowSeconds;
        System.arraycopy(clientIp, 0, scratch, 16, clientIp.length);
        long h = mac.hash(scratch, 0, 16 + clientIp.length);
        System.arraycopy(scratch, 8, out, pos, 8);
        for (int i = 0; i < 8; i++) {
            out[pos + 8 + i] = (byte) (h >>> (56 - 8 * i));
        }
    }
}
