package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Additional-section addresses are optional data (RFC 2181 9): a UDP response that cannot hold
 * them all leaves some out without setting TC, while the answer itself stays whole.
 */
class AdditionalSectionTest {
    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        StringBuilder zone = new StringBuilder("""
                $TTL 300
                @ IN SOA ns00 hostmaster ( 1 7200 1800 1209600 300 )
                """);
        for (int i = 0; i < 12; i++) {
            String n = String.format("ns%02d", i);
            zone.append("@ IN NS ").append(n).append('\n');
            zone.append(n).append(" IN A 192.0.2.").append(i + 1).append('\n');
            zone.append(n).append(" IN AAAA 2001:db8::").append(i + 1).append('\n');
        }
        server = RunningServer.start(false, Map.of("opt.example.zone", zone.toString()), null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void optionalAddressesThatDoNotFitAreLeftOutWithoutTc() throws Exception {
        Message udp = server.ask("opt.example.", Type.NS, false);
        assertThat(udp.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(udp.getSection(Section.ANSWER)).hasSize(12);
        assertThat(udp.getSection(Section.ADDITIONAL)).isNotEmpty().hasSizeLessThan(24);
        assertThat(udp.toWire().length).isLessThanOrEqualTo(512);
    }

    @Test
    void tcpCarriesEveryAddress() throws Exception {
        Message tcp = server.ask("opt.example.", Type.NS, true);
        assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(tcp.getSection(Section.ANSWER)).hasSize(12);
        assertThat(tcp.getSection(Section.ADDITIONAL)).hasSize(24);
    }
}
