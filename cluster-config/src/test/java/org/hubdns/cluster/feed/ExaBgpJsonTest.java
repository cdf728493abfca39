package org.hubdns.cluster.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hubdns.cluster.feed.ExaBgpJson.Applied;
import org.hubdns.cluster.feed.ExaBgpJson.Ignored;
import org.hubdns.cluster.feed.ExaBgpJson.Kind;
import org.hubdns.cluster.feed.ExaBgpJson.Malformed;
import org.hubdns.cluster.feed.ExaBgpJson.Outcome;
import org.junit.jupiter.api.Test;

/**
 * {@link ExaBgpJson} on lines ExaBGP 4.2.21 really wrote (src/test/resources/exabgp, captured by
 * mrt/make-fixtures.sh from a feed session on a BIRD route server), and on broken ones.
 */
class ExaBgpJsonTest {
    static final String RS = "AS64512/127.0.0.1";

    static List<String> captured() throws IOException {
        try (InputStream in = ExaBgpJsonTest.class.getResourceAsStream("/exabgp/feed-through-bird.jsonl")) {
            return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }
    }

    @Test
    void aFeedSessionThroughARouteServerAsExaBgpWroteIt() throws Exception {
        RecordingSink sink = new RecordingSink();
        List<Outcome> outcomes = new ArrayList<>();
        for (String line : captured()) {
            outcomes.add(ExaBgpJson.apply(line, sink));
        }
        assertThat(outcomes).containsExactly(
                new Ignored("state connected"), new Ignored("open"), new Ignored("keepalive"),
                new Applied(RS, Kind.SESSION_UP, 0, 0),
                new Ignored("end-of-RIB"), new Ignored("end-of-RIB"),
                new Applied(RS, Kind.UPDATE, 1, 0), new Applied(RS, Kind.UPDATE, 1, 0), new Applied(RS, Kind.UPDATE, 2, 0),
                new Applied(RS, Kind.UPDATE, 1, 0), new Applied(RS, Kind.UPDATE, 1, 0), new Applied(RS, Kind.UPDATE, 1, 0),
                new Applied(RS, Kind.UPDATE, 1, 0),
                new Applied(RS, Kind.UPDATE, 0, 1), // a member's process withdrew 39.40.0.0/16
                new Applied(RS, Kind.UPDATE, 0, 2), // member AS17557 went down
                new Ignored("notification"),
                new Applied(RS, Kind.SESSION_DOWN, 0, 0), // the route server shut the feed session
                new Ignored("state connected"), new Applied(RS, Kind.SESSION_DOWN, 0, 0),
                new Ignored("state connected"), new Applied(RS, Kind.SESSION_DOWN, 0, 0));
        assertThat(sink.events.subList(0, 12)).containsExactly(
                "down " + RS, // a session that comes up starts empty
                "announce " + RS + " 198.51.100.0/24 id 5 by AS64500 127.0.0.2 path [64500]",
                "announce " + RS + " 203.0.113.0/24 id 5 by AS64500 127.0.0.2 path [64500, 9541]",
                "announce " + RS + " 39.32.0.0/16 id 6 by AS17557 127.0.0.3 path [17557]",
                "announce " + RS + " 198.51.100.0/24 id 6 by AS17557 127.0.0.3 path [17557]",
                "announce " + RS + " 182.176.0.0/15 id 8 by AS9541 127.0.0.4 path [9541]",
                "announce " + RS + " 182.176.0.0/15 id 9 by AS9541 127.0.0.4 path [9541, 45595]",
                "announce " + RS + " 2400:adc0::/32 id 7 by AS9541 2001:db8:ffff::4 path [9541]",
                "announce " + RS + " 39.40.0.0/16 id 10 by AS9541 127.0.0.4 path [9541]",
                "withdraw " + RS + " 39.40.0.0/16 id 10",
                "withdraw " + RS + " 198.51.100.0/24 id 6",
                "withdraw " + RS + " 39.32.0.0/16 id 6");
        assertThat(sink.events.subList(12, sink.events.size())).containsOnly("down " + RS);
    }

    static final String HEAD = "{ \"exabgp\": \"4.0.1\", \"time\": 1796548611.8, \"host\" : \"vm\", \"pid\" : 18015, \"ppid\" : 1, "
            + "\"counter\": 3, \"type\": \"update\", \"neighbor\": { \"address\": { \"local\": \"127.0.0.9\", \"peer\": \"127.0.0.1\" }, "
            + "\"asn\": { \"local\": 64999, \"peer\": 64512 } , \"direction\": \"receive\", \"message\": { \"update\": ";

    static String update(String body) {
        return HEAD + body + " } } }";
    }

    record Case(String name, String line, Outcome outcome, List<String> events) {
    }

    @Test
    void updatesStatesAndEverythingElse() {
        List<Case> cases = List.of(
                new Case("without ADD-PATH the path id is 0",
                        update("{ \"attribute\": { \"origin\": \"igp\", \"as-path\": [ 64500 ], \"confederation-path\": [] }, "
                                + "\"announce\": { \"ipv4 unicast\": { \"127.0.0.2\": [ { \"nlri\": \"198.51.100.0/24\" } ] } } }"),
                        new Applied(RS, Kind.UPDATE, 1, 0),
                        List.of("announce " + RS + " 198.51.100.0/24 id 0 by AS64500 127.0.0.2 path [64500]")),
                new Case("an AS_SET follows the sequence; host bits are cleared",
                        update("{ \"attribute\": { \"as-path\": [ 64500, 17557 ], \"as-set\": [ 9541, 45595 ] }, "
                                + "\"announce\": { \"ipv4 unicast\": { \"127.0.0.2\": [ { \"nlri\": \"10.1.2.3/16\" } ] } } }"),
                        new Applied(RS, Kind.UPDATE, 1, 0),
                        List.of("announce " + RS + " 10.1.0.0/16 id 0 by AS64500 127.0.0.2 path [64500, 17557, 9541, 45595]")),
                new Case("withdrawals apply before announcements, and other families are left alone",
                        update("{ \"attribute\": { \"as-path\": [ 64500 ] }, "
                                + "\"withdraw\": { \"ipv4 unicast\": [ { \"nlri\": \"198.51.100.0/24\", \"path-information\": \"0.0.1.0\" } ], "
                                + "\"ipv4 flow\": [ { \"destination-ipv4\": [ \"10.0.0.0/8\" ] } ] }, "
                                + "\"announce\": { \"ipv6 unicast\": { \"2001:db8::2\": [ { \"nlri\": \"2001:db8:100::/48\", \"path-information\": 7 } ] }, "
                                + "\"l2vpn evpn\": { \"127.0.0.2\": [ { \"code\": 2 } ] } } }"),
                        new Applied(RS, Kind.UPDATE, 1, 1),
                        List.of("withdraw " + RS + " 198.51.100.0/24 id 256",
                                "announce " + RS + " 2001:db8:100::/48 id 7 by AS64500 2001:db8::2 path [64500]")),
                new Case("an update with only other families",
                        update("{ \"withdraw\": { \"ipv4 flow\": [ { \"destination-ipv4\": [ \"10.0.0.0/8\" ] } ] } }"),
                        new Ignored("update without unicast routes"), List.of()),
                new Case("what ExaBGP sends is not what the feed hears",
                        HEAD.replace("\"receive\"", "\"send\"") + "{ \"announce\": { \"ipv4 unicast\": { \"127.0.0.9\": [ { \"nlri\": \"192.0.2.0/24\" } ] } } } } } }",
                        new Ignored("update sent"), List.of()),
                new Case("ExaBGP's own shutdown notification has no neighbour",
                        "{ \"exabgp\": \"4.0.1\", \"time\": 1796548726.9668252, \"host\" : \"vm\", \"pid\" : 18015, \"ppid\" : 1, "
                                + "\"type\": \"notification\", \"notification\": \"shutdown\" }",
                        new Ignored("notification"), List.of()),
                new Case("an empty line", "", new Ignored("blank line"), List.of()),
                new Case("a newer type", "{ \"exabgp\": \"5.0.0\", \"type\": \"negotiated\" }", new Ignored("negotiated"), List.of()));
        for (Case c : cases) {
            RecordingSink sink = new RecordingSink();
            assertThat(ExaBgpJson.apply(c.line(), sink)).as(c.name()).isEqualTo(c.outcome());
            assertThat(sink.events).as(c.name()).isEqualTo(c.events());
        }
    }

    @Test
    void malformedLinesSayWhatIsWrongAndApplyNothing() {
        String good = "{ \"nlri\": \"198.51.100.0/24\" }";
        List<String[]> cases = List.of(
                new String[] {"hello world", "not JSON: "},
                new String[] {"[1, 2]", "not ExaBGP JSON: an object with \"exabgp\" and \"type\" is expected"},
                new String[] {"{ \"type\": \"update\" }", "not ExaBGP JSON"},
                new String[] {"{ \"exabgp\": \"4.0.1\", \"type\": \"update\" }", "\"neighbor\" is missing"},
                new String[] {"{ \"exabgp\": \"4.0.1\", \"type\": \"state\", \"neighbor\": { \"address\": { \"peer\": \"127.0.0.1\" }, "
                        + "\"asn\": { \"peer\": 64512 } } }", "\"state\" is missing"},
                new String[] {"{ \"exabgp\": \"4.0.1\", \"type\": \"state\", \"neighbor\": { \"address\": { \"peer\": \"rs1\" }, "
                        + "\"asn\": { \"peer\": 64512 }, \"state\": \"down\" } }", "neighbor.address.peer: \"rs1\" is not an IP address"},
                new String[] {update("{ \"announce\": { \"ipv4 unicast\": { \"127.0.0.2\": [ " + good + ", { \"nlri\": \"198.51.100.0/33\" } ] } } }"),
                        "announce.ipv4 unicast.127.0.0.2: \"198.51.100.0/33\" is not an IPv4 prefix"},
                new String[] {update("{ \"announce\": { \"ipv6 unicast\": { \"2001:db8::2\": [ " + good + " ] } } }"),
                        "\"198.51.100.0/24\" is not an IPv6 prefix"},
                new String[] {update("{ \"announce\": { \"ipv4 unicast\": { \"self\": [ " + good + " ] } } }"),
                        "announce.ipv4 unicast next hop: \"self\" is not an IP address"},
                new String[] {update("{ \"announce\": { \"ipv4 unicast\": { \"127.0.0.2\": " + good + " } } }"),
                        "a list of routes is expected"},
                new String[] {update("{ \"attribute\": { \"as-path\": \"64500 9541\" }, \"announce\": { \"ipv4 unicast\": { \"127.0.0.2\": [ " + good + " ] } } }"),
                        "attribute.as-path: a list of AS numbers is expected"},
                new String[] {update("{ \"attribute\": { \"as-path\": [ 64500, -1 ] }, \"announce\": { \"ipv4 unicast\": { \"127.0.0.2\": [ " + good + " ] } } }"),
                        "attribute.as-path: -1 is not an AS number"},
                new String[] {update("{ \"withdraw\": { \"ipv4 unicast\": [ { \"nlri\": \"198.51.100.0/24\", \"path-information\": \"x\" } ] } }"),
                        "path-information \"x\" is not a 32-bit path id"},
                new String[] {update("{ \"withdraw\": { \"ipv4 unicast\": [ 17 ] } }"), "a route is {\"nlri\": \"prefix/length\"}, not 17"});
        for (String[] c : cases) {
            RecordingSink sink = new RecordingSink();
            Outcome o = ExaBgpJson.apply(c[0], sink);
            assertThat(o).as(c[0]).isInstanceOf(Malformed.class);
            assertThat(((Malformed) o).reason()).as(c[0]).contains(c[1]);
            assertThat(sink.events).as(c[0]).isEmpty();
        }
    }
}
