package org.hubdns.dns.zone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

/**
 * The limits on what zone text may make the parser do, as pure logic: {@code $GENERATE} sizes and
 * widths read before dnsjava expands them, {@code $INCLUDE} found (and refused in text), the record
 * cap while parsing, and what a zone holds at a name (for platform hostnames).
 */
class DirectivesTest {
    static final String HEAD = "$TTL 300\n@ IN SOA ns1 hostmaster ( 1 7200 1800 1209600 300 )\n@ IN NS ns1\n";
    static final Name EXAMPLE = Name.fromConstantString("example.");

    @Test
    void rangesAreCountedAsDnsjavaExpandsThem() {
        assertThat(Directives.count("1-10")).isEqualTo(10);
        assertThat(Directives.count("0-255/2")).isEqualTo(128);
        assertThat(Directives.count("1-10000000")).isEqualTo(10_000_000);
        assertThat(Directives.count("5-5")).isEqualTo(1);
        assertThat(Directives.count("9-1")).as("dnsjava refuses it, naming the line").isZero();
        assertThat(Directives.count("x-1")).isZero();
        assertThat(Directives.count("1-99999999999999999999")).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aHugeGenerateIsRefusedBeforeParsingNamingItsLine() {
        String text = HEAD + "www IN A 192.0.2.1\n$GENERATE 1-10000000 host$ A 192.0.2.1\n";
        assertThatThrownBy(() -> Directives.scan(text, "api", false))
                .isInstanceOf(ZoneLoadException.class)
                .hasMessageStartingWith("api:5: $GENERATE 1-10000000 makes 10,000,000 records")
                .hasMessageContaining("at most 65,536");
        // the same through the parser: refused at once, nothing expanded
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> ZoneParser.parseText(text, EXAMPLE, "api"))
                .isInstanceOf(ZoneLoadException.class).hasMessageContaining("10,000,000");
        assertThat(System.nanoTime() - t0).as("refused without expanding").isLessThan(2_000_000_000L);
    }

    @Test
    void directivesAreFoundInAnyCaseQuotedOrAfterParentheses() throws Exception {
        for (String line : new String[] {"$generate 0-70000 h$ A 192.0.2.1", "\"$GENERATE\" 0-70000 h$ A 192.0.2.1",
                "$GENERATE ( 0-70000 h$ A 192.0.2.1 )",
                "$GENERATE ; range on the next line\n  0-70000 h$ A 192.0.2.1"}) {
            assertThatThrownBy(() -> Directives.scan(HEAD + line + "\n", "t", false)).as(line)
                    .isInstanceOf(ZoneLoadException.class).hasMessageContaining("70,001 records");
        }
        // a comment is not a directive
        assertThat(Directives.scan(HEAD + "; $GENERATE 0-70000 h$ A 192.0.2.1\n", "t", false).generated()).isZero();
    }

    @Test
    void generateLinesTogetherStayWithinTheRecordLimit() throws Exception {
        String one = "$GENERATE 0-65535 a$ A 192.0.2.1\n";
        assertThat(Directives.scan(HEAD + one, "t", false).generated()).isEqualTo(65_536);
        assertThatThrownBy(() -> Directives.scan(HEAD + one + one.replace("a$", "b$"), "t", false))
                .isInstanceOf(ZoneLoadException.class)
                .hasMessageStartingWith("t:5: ")
                .hasMessageContaining("131,072 records").hasMessageContaining("at most 100,000");
    }

    @Test
    void aWidePaddingIsRefused() throws Exception {
        // dnsjava would pad each number with a billion zeros, inside one call
        assertThatThrownBy(() -> Directives.scan(HEAD + "$GENERATE 1-2 h$ A 192.0.2.${0,1000000000,d}\n", "t", false))
                .isInstanceOf(ZoneLoadException.class)
                .hasMessageStartingWith("t:4: ").hasMessageContaining("width").hasMessageContaining("at most 255");
        assertThat(Directives.scan(HEAD + "$GENERATE 1-2 h${0,3,d} A 192.0.2.${0,3}\n", "t", false).generated())
                .isEqualTo(2);
    }

    @Test
    void includesAreListedOrRefusedInText() throws Exception {
        String text = HEAD + "$INCLUDE sub/part.db\n$include \"other file.db\" sub.example.\n";
        assertThat(Directives.scan(text, "f", true).includes()).containsExactly(
                new Directives.Include(4, "sub/part.db"), new Directives.Include(5, "other file.db"));
        assertThatThrownBy(() -> Directives.scan(text, "api", false))
                .isInstanceOf(ZoneLoadException.class)
                .hasMessageStartingWith("api:4: $INCLUDE is not allowed in an uploaded zone");
        assertThatThrownBy(() -> ZoneParser.parseText(HEAD + "$INCLUDE /etc/passwd\n", EXAMPLE, "api"))
                .isInstanceOf(ZoneLoadException.class).hasMessageContaining("$INCLUDE is not allowed");
    }

    @Test
    void theParserStopsAtTheRecordLimit() {
        // plain records (no $GENERATE to read ahead): counted as they stream out of the parser
        StringBuilder sb = new StringBuilder(HEAD);
        for (int i = 0; i <= Directives.MAX_RECORDS; i++) {
            sb.append('h').append(i).append(" A 192.0.2.1\n");
        }
        assertThatThrownBy(() -> ZoneParser.parseText(sb.toString(), EXAMPLE, "big"))
                .isInstanceOf(ZoneLoadException.class)
                .hasMessageStartingWith("big: more than 100,000 records");
    }

    @Test
    void theSerialIsToldAsSoonAsTheSoaIsRead() {
        // a broken line after the SOA: the check on the serial stops the parse before it
        String text = HEAD + "www IN A 300.1.2.3\n";
        assertThatThrownBy(() -> ZoneParser.parseText(text, EXAMPLE, "api", serial -> {
            throw new IllegalStateException("serial " + serial);
        })).isInstanceOf(IllegalStateException.class).hasMessage("serial 1");
    }

    @Test
    void whatAZoneHoldsAtANameCountsOwnDataAndDelegationsNotWildcardsOrEmptyNonTerminals() throws Exception {
        ZoneContent z = ZoneParser.parseText(HEAD + "ns1 A 192.0.2.53\nwww A 192.0.2.80\nwww AAAA 2001:db8::80\n"
                + "*.cdn CNAME www\na.b A 192.0.2.2\nsub NS ns.elsewhere.example.\n", EXAMPLE, "t");
        assertThat(z.typesAt(Name.fromString("www.example."))).containsExactly("A", "AAAA");
        assertThat(z.typesAt(Name.fromString("example."))).containsExactly("NS", "SOA");
        assertThat(z.typesAt(Name.fromString("x.cdn.example."))).as("only a wildcard covers it").isEmpty();
        assertThat(z.typesAt(Name.fromString("b.example."))).as("an empty non-terminal").isEmpty();
        assertThat(z.delegationOver(Name.fromString("www.example."))).isNull();
        assertThat(z.delegationOver(Name.fromString("example."))).as("the apex NS is no delegation").isNull();
        assertThat(z.delegationOver(Name.fromString("sub.example."))).isEqualTo(Name.fromString("sub.example."));
        assertThat(z.delegationOver(Name.fromString("a.b.sub.example."))).isEqualTo(Name.fromString("sub.example."));
    }
}
