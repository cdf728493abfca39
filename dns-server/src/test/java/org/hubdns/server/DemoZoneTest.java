package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

class DemoZoneTest {
    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.demo();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void answersTheDemoNameAuthoritatively(boolean tcp) throws Exception {
        Message r = server.ask("www.pk-hub.example.", tcp);
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(r.getHeader().getFlag(Flags.RA)).isFalse();
        assertThat(r.getHeader().getFlag(Flags.RD)).isTrue();
        assertThat(r.getSection(Section.ANSWER)).singleElement()
                .satisfies(rec -> assertThat(((ARecord) rec).getAddress().getHostAddress()).isEqualTo("192.0.2.80"));
    }
}
