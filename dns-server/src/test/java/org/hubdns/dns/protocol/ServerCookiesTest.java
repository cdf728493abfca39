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

    /** RFC 9018 4.3: the example's cookie is valid for its client and address for an hour, and nothing else is. */
    @Test
    void validatesWhatItMintedForAnHourAndNothingElse() {
        HexFormat hex = HexFormat.of();
        ServerCookies.Minter m = new ServerCookies(hex.parseHex("e5e973e5a6b2a43f48e7dc849e37bfcf")).minter();
        byte[] option = hex.parseHex("2464c4abcf10c957" + "010000005cf79f111f8130c3eee29480");
        byte[] ip = {(byte) 198, 51, 100, 100};
        int minted = 1559731985;
        assertThat(m.valid(option, 0, 24, ip, minted + 10)).isTrue();
        assertThat(m.valid(option, 0, 24, ip, minted + 3600)).isTrue();
        assertThat(m.valid(option, 0, 24, ip, minted + 3601)).as("older than an hour").isFalse();
        assertThat(m.valid(option, 0, 24, ip, minted - 301)).as("more than 5 minutes ahead").isFalse();
        assertThat(m.valid(option, 0, 24, new byte[] {(byte) 198, 51, 100, 101}, minted)).as("another address")
                .isFalse();
        assertThat(m.valid(option, 0, 8, ip, minted)).as("a client cookie only").isFalse();
        for (int i = 0; i < option.length; i++) {
            byte[] bad = option.clone();
            bad[i] ^= 1;
            assertThat(m.valid(bad, 0, 24, ip, minted)).as("byte %d changed", i).isFalse();
        }
    }
}
