package org.hubdns.dns.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SipHashTest {
    /** The reference vectors of the SipHash paper (appendix A): key 00..0f, messages 00..(n-1). */
    @Test
    void matchesTheReferenceVectors() {
        byte[] key = new byte[16];
        for (int i = 0; i < 16; i++) {
            key[i] = (byte) i;
        }
        byte[] msg = new byte[64];
        for (int i = 0; i < 64; i++) {
            msg[i] = (byte) i;
        }
        SipHash h = new SipHash(key);
        assertThat(h.hash(msg, 0, 0)).isEqualTo(0x726fdb47dd0e0e31L);
        assertThat(h.hash(msg, 0, 1)).isEqualTo(0x74f839c593dc67fdL);
        assertThat(h.hash(msg, 0, 8)).isEqualTo(0x93f5f5799a932462L);
        assertThat(h.hash(msg, 0, 15)).isEqualTo(0xa129ca6149be45e5L);
    }
}
