package org.hubdns.dns.protocol;

import java.security.SecureRandom;

/**
 * Server cookies in the interoperable format of RFC 9018: version 1, three reserved bytes, a
 * 32-bit timestamp and SipHash-2-4 over client cookie | version | reserved | timestamp | client IP,
 * keyed with a secret made at start-up and shared by every event loop. Each loop mints through its
 * own {@link Minter}, which is allocation-free and not thread-safe.
 */
public final class ServerCookies {
    static final int SERVER_COOKIE_LENGTH = 16;
    private final byte[] secret = new byte[16];

    public ServerCookies() {
        new SecureRandom().nextBytes(secret);
    }

    /** With a given 16-byte secret (tests, and members that must validate each other's cookies). */
    public ServerCookies(byte[] secret16) {
        System.arraycopy(secret16, 0, secret, 0, 16);
    }

    Minter minter() {
        return new Minter(new SipHash(secret));
    }

    static final class Minter {
        private final SipHash mac;
        private final byte[] scratch = new byte[32];

        private Minter(SipHash mac) {
            this.mac = mac;
        }

        /**
         * Writes the 16-byte server cookie for {@code clientCookie} (8 bytes at {@code cc}) and the
         * client address into {@code out} at {@code pos}.
         */
        void write(byte[] query, int cc, byte[] clientIp, int nowSeconds, byte[] out, int pos) {
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
                out[pos + 8 + i] = (byte) (h >>> (8 * i)); // SipHash's output bytes are little-endian
            }
        }

        /**
         * Whether the COOKIE option at {@code at} ({@code length} bytes) holds a server cookie this
         * cluster minted for this client cookie and address (RFC 9018 4.3): version 1, a timestamp
         * at most an hour old and at most five minutes ahead, and the right hash.
         */
        boolean valid(byte[] query, int at, int length, byte[] clientIp, int nowSeconds) {
            if (length != 8 + SERVER_COOKIE_LENGTH || query[at + 8] != 1) {
                return false;
            }
            int t = ((query[at + 12] & 0xFF) << 24) | ((query[at + 13] & 0xFF) << 16)
                    | ((query[at + 14] & 0xFF) << 8) | (query[at + 15] & 0xFF);
            int age = nowSeconds - t; // serial-number arithmetic (RFC 1982), as the RFC asks
            if (age > 3600 || age < -300) {
                return false;
            }
            System.arraycopy(query, at, scratch, 0, 16);
            System.arraycopy(clientIp, 0, scratch, 16, clientIp.length);
            long h = mac.hash(scratch, 0, 16 + clientIp.length);
            long sent = 0;
            for (int i = 0; i < 8; i++) {
                sent |= (query[at + 16 + i] & 0xFFL) << (8 * i);
            }
            return h == sent;
        }
    }
}
