package org.hubdns.dns.answer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hubdns.dns.zone.ZoneContent;
import org.hubdns.dns.zone.ZoneParser;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The compiled zone tree without the query pipeline: what {@link ZoneCompiler} makes of zones
 * (names, empty non-terminals, nested zones, dynamic names) and what {@link ZoneTree#resolve}
 * finds for a name given as the query processor gives it (lower-cased wire bytes and label
 * offsets). Answer contents are checked through the pipeline in {@link ZoneAnswersTableTest}.
 */
class ZoneTreeTest {
    static final String EXAMPLE = """
            $TTL 600
            @         IN SOA ns1.example. hostmaster.example. ( 1 7200 1800 1209600 300 )
            @         IN NS  ns1.example.
            ns1       IN A   192.0.2.1
            www       IN A   192.0.2.80
            a.b.c     IN A   192.0.2.4
            *.wild    IN A   192.0.2.99
            sub       IN NS  ns1.sub
            ns1.sub   IN A   192.0.2.53
            child     IN NS  ns1.child
            """;
    static final String CHILD = """
            $TTL 300
            @    IN SOA ns1.child.example. hostmaster.child.example. ( 7 7200 1800 1209600 120 )
            @    IN NS ns1
            ns1  IN A  192.0.2.54
            """;
    static final DynamicAnswers DYNAMIC = (qtype, client, sink) -> 0;

    static ZoneContent zone(String apex, String text) throws Exception {
        return ZoneParser.parseText(text, Name.fromString(apex), apex);
    }

    static ZoneTree tree(Map<Name, DynamicAnswers> dynamic) throws Exception {
        return ZoneTree.compile(List.of(zone("example.", EXAMPLE), zone("child.example.", CHILD)), dynamic);
    }

    /** Looks {@code name} up as the query processor does. */
    static Resolution resolve(ZoneTree tree, String name, int type) throws Exception {
        byte[] wire = NameTable.keyOf(Name.fromString(name));
        List<Integer> starts = new ArrayList<>();
        for (int p = 0; ; p += 1 + wire[p]) {
            starts.add(p);
            if (wire[p] == 0) {
                break;
            }
        }
        int[] labelStarts = starts.stream().mapToInt(Integer::intValue).toArray();
        Resolution out = new Resolution();
        tree.resolve(wire, wire.length, labelStarts, labelStarts.length, type, out);
        return out;
    }

    @Test
    void everyNameAndEmptyNonTerminalIsANode() throws Exception {
        // example.: apex, ns1, www, a.b.c, b.c, c, *.wild, wild, sub, ns1.sub, child (cut); child.example.: apex, ns1
        ZoneTree t = tree(Map.of());
        assertThat(t.nameCount()).isEqualTo(12);
        assertThat(t.zones()).extracting(z -> z.apex().toString()).containsExactly("example.", "child.example.");
    }

    @Test
    void aZoneGivenTwiceIsRejected() throws Exception {
        ZoneContent z = zone("example.", EXAMPLE);
        assertThatThrownBy(() -> ZoneTree.compile(List.of(z, z), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("given twice");
    }

    @Test
    void lookupsFindTheNameTheEncloserOrNothing() throws Exception {
        ZoneTree t = tree(Map.of());
        assertThat(resolve(t, "www.example.", Type.A).template().rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(resolve(t, "b.c.example.", Type.A).template().rcode()).as("empty non-terminal")
                .isEqualTo(Rcode.NOERROR);
        assertThat(resolve(t, "x.b.c.example.", Type.A).template().rcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(resolve(t, "x.wild.example.", Type.A).template().answerCount(1)).as("wildcard").isEqualTo(1);
        assertThat(resolve(t, "deep.in.sub.example.", Type.A).template().authoritative()).as("referral").isFalse();
        assertThat(resolve(t, "www.child.example.", Type.A).template().rcode()).as("the nested zone's own NXDOMAIN")
                .isEqualTo(Rcode.NXDOMAIN);
        assertThat(resolve(t, "example.org.", Type.A).template()).as("outside every zone: REFUSED").isNull();
        assertThat(resolve(t, ".", Type.NS).template()).isNull();
    }

    @Test
    void dynamicNamesAnswerAddressesOnlyAndNeverBelowACut() throws Exception {
        ZoneTree t = tree(Map.of(Name.fromString("www.example."), DYNAMIC, Name.fromString("new.example."), DYNAMIC,
                Name.fromString("x.sub.example."), DYNAMIC));
        assertThat(resolve(t, "www.example.", Type.A).dynamic()).isSameAs(DYNAMIC);
        assertThat(resolve(t, "www.example.", Type.AAAA).dynamic()).isSameAs(DYNAMIC);
        assertThat(resolve(t, "www.example.", Type.MX).dynamic()).as("other types: zone data").isNull();
        assertThat(resolve(t, "new.example.", Type.A).dynamic()).as("a dynamic name needs no records").isSameAs(DYNAMIC);
        assertThat(resolve(t, "new.example.", Type.A).template().rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(resolve(t, "x.sub.example.", Type.A).dynamic()).as("below a delegation").isNull();
    }
}
