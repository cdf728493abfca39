package org.hubdns.dns.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ServerCookiesTest {
    /** RFC 9018 appendix A.1: the learning of a new server cookie, with the RFC's secret and time. */
    @Test
    void mintsTheRfc9018ExampleCookie() {
        HexFormat hex = HexFormat.of();
        ServerCookies cookies = new ServerCookies(hex.parseHex("e5e973e5a6b2a43f48e7dc849e37bfcf"));
        byte[] query = hex.parseHex("2464c4abcf10c957");
        byte[] out = new byte[16];
        cookies.minter().write(query, 0, new byte[] {(byte) 198, 51, 100, 100}, 1559731985, out, 0);
        assertThat(hex.formatHex(out)).isEqualTo("010000005cf79f111f8130c3eee29480");
    }
}
