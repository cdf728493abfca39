package org.hubdns.cluster.coverage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CidrTest {

    @ParameterizedTest
    @CsvSource({
            "10.0.0.0/8, 10.0.0.0/8",
            "0.0.0.0/0, 0.0.0.0/0",
            "255.255.255.255/32, 255.255.255.255/32",
            "2001:0DB8:0000:0000:0000:0000:0000:0000/32, 2001:db8::/32",
            "2001:db8:0:0:1:0:0:1/128, 2001:db8::1:0:0:1/128",
            "2001:db8:0:1:1:1:1:1/128, 2001:db8:0:1:1:1:1:1/128",
            "2001:db8::0:1/128, 2001:db8::1/128",
            "::/0, ::/0",
            "::1/128, ::1/128",
            "1::/16, 1::/16",
            "0:0:0:0:0:0:1.2.3.4/128, ::102:304/128",
            "::ffff:1.2.3.4/128, ::ffff:1.2.3.4/128",
            "::FFFF:0102:0304/128, ::ffff:1.2.3.4/128",
            "1:0:0:2:0:0:0:3/128, 1:0:0:2::3/128",
            "1:0:0:2:0:0:3:4/128, 1::2:0:0:3:4/128",
    })
    void canonicalForms(String input, String canonical) {
        assertThat(Cidr.parse(input).toString()).isEqualTo(canonical);
        assertThat(Cidr.parse(canonical)).isEqualTo(Cidr.parse(input));
    }

    @Test
    void hostBitsNameTheCanonicalForm() {
        assertThatThrownBy(() -> Cidr.parse("10.0.0.1/8"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'10.0.0.1/8'")
                .hasMessageContaining("10.0.0.0/8");
        assertThatThrownBy(() -> Cidr.parse("2001:db8::1/32"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2001:db8::/32");
        assertThatThrownBy(() -> new Cidr(new byte[] {10, 0, 0, 1}, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10.0.0.0/8");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/08", "10.0.0.0", "10.0.0.0/8/8",
            "10.0.0.0/", "10.0.0.0/a", "/8", "localhost/32", "example.com/24", "[::1]/128", "fe80::1%eth0/128",
            "1.2.3/24", "1.2.3.4.5/32", "256.0.0.0/8", "01.2.3.4/32", " 1.2.3.4/32", "1.2.3.4 /32",
            "1:2:3:4:5:6:7:8:9/128", "1::2::3/128", ":::/0", "12345::/16", "g::/16", "1:2:3:4:5:6:7/128",
            "1:2:3:4:5:6:7:8::/128", ":1::/128", "1::2:/128", "::1.2.3.4:5/128", "1.2.3.4::/128",
            "1:2:3:4:5:6:7:1.2.3.4/128", "\u0661.2.3.4/32", "0x1.2.3.4/32", "", "1.2.3.4/3\u0662"})
    void rejectsMalformed(String input) {
        assertThatThrownBy(() -> Cidr.parse(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(input.isEmpty() ? "CIDR" : input);
    }

    @Test
    void parseAddressAcceptsOnlyLiterals() {
        assertThat(Cidr.parseAddress("192.0.2.1")).containsExactly(192, 0, 2, 1);
        assertThat(Cidr.parseAddress("::ffff:192.0.2.1")).hasSize(16);
        assertThat(Cidr.formatAddress(Cidr.parseAddress("2001:DB8::A"))).isEqualTo("2001:db8::a");
        for (String bad : new String[] {"localhost", "www.example", "1.2.3", "[::1]", "::1%lo", null, ""}) {
            assertThatThrownBy(() -> Cidr.parseAddress(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void addressIsCopiedInAndOut() {
        byte[] a = {10, 0, 0, 0};
        Cidr c = new Cidr(a, 8);
        a[0] = 11;
        c.address()[0] = 12;
        assertThat(c.toString()).isEqualTo("10.0.0.0/8");
        assertThat(Cidr.of(new byte[] {10, 1, 2, 3}, 16).toString()).isEqualTo("10.1.0.0/16");
    }
}
