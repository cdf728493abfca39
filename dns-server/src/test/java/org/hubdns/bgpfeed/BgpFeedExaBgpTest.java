package org.hubdns.bgpfeed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hubdns.cluster.coverage.Cidr;
import org.hubdns.cluster.feed.ExaBgpJson;
import org.hubdns.cluster.feed.RouteSink;
import org.hubdns.testsupport.Await;
import org.hubdns.testsupport.BgpLab;
import org.hubdns.testsupport.HubDnsCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live path with real BGP software: ExaBGP members announce to a BIRD route server; an ExaBGP
 * feed session on it runs the real {@code hubdns bgp-feed} (a child JVM, on ExaBGP's non-blocking
 * stdin) posting to a real HTTP server. The posted lines, read back with ExaBgpJson as the API does,
 * must follow announce, withdraw, a member going down and the feed session going down; heartbeats
 * come while the session is up; nothing is written to standard output.
 */
class BgpFeedExaBgpTest {
    @TempDir
    Path dir;

    /** The command line that runs hubdns from this build's classes, as ExaBGP would run the jar. */
    static List<String> hubdns(String... args) {
        return HubDnsCommand.of("128m", false, List.of(args));
    }

    /** A feed's routes as the API keeps them: session, prefix and path id to announcer and AS path. */
    static final class Table implements RouteSink {
        final Map<String, String> routes = new TreeMap<>();

        @Override
        public void announce(String session, byte[] prefix, int prefixLength, long pathId, long announcerAs,
                byte[] announcerAddress, long[] asPath) {
            routes.put(Cidr.formatAddress(prefix) + "/" + prefixLength + "#" + pathId + "@" + session,
                    "AS" + announcerAs + " " + Cidr.formatAddress(announcerAddress) + " " + java.util.Arrays.toString(asPath));
        }

        @Override
        public void withdraw(String session, byte[] prefix, int prefixLength, long pathId) {
            routes.remove(Cidr.formatAddress(prefix) + "/" + prefixLength + "#" + pathId + "@" + session);
        }

        @Override
        public void sessionDown(String session) {
            routes.keySet().removeIf(k -> k.endsWith("@" + session));
        }

        /** prefix to announcers, path ids left out (BIRD numbers them). */
        List<String> view() {
            return routes.entrySet().stream().map(e -> e.getKey().substring(0, e.getKey().indexOf('#')) + " " + e.getValue())
                    .sorted().toList();
        }
    }

    static Table replay(RecordingApi api) {
        Table t = new Table();
        for (String line : api.lines()) {
            assertThat(ExaBgpJson.apply(line, t)).as(line).isNotInstanceOf(ExaBgpJson.Malformed.class);
        }
        return t;
    }

    @Test
    void announceWithdrawMemberDownAndSessionDownReachTheApiThroughExaBgp() throws Exception {
        try (RecordingApi api = RecordingApi.http();
                BgpLab lab = BgpLab.start(dir, List.of(
                        new BgpLab.Member("m1", "127.0.0.2", 64500, List.of("198.51.100.0/24 next-hop 127.0.0.2",
                                "203.0.113.0/24 next-hop 127.0.0.2 as-path [ 64500 9541 ]")),
                        new BgpLab.Member("m2", "127.0.0.3", 17557, List.of("198.51.100.0/24 next-hop 127.0.0.3",
                                "39.32.0.0/16 next-hop 127.0.0.3"))))) {
            lab.startFeed(hubdns("bgp-feed", "--api", api.url(), "--feed", "pk-ix", "--heartbeat-s", "1"), true);
            String rs = "AS" + BgpLab.ROUTE_SERVER_AS + "/127.0.0.1";
            try {
                List<String> full = List.of(
                        "198.51.100.0/24 AS17557 127.0.0.3 [17557]",
                        "198.51.100.0/24 AS64500 127.0.0.2 [64500]", // both paths: ADD-PATH from the route server
                        "203.0.113.0/24 AS64500 127.0.0.2 [64500, 9541]",
                        "39.32.0.0/16 AS17557 127.0.0.3 [17557]");
                Await.until(Duration.ofSeconds(60), "every member's routes posted", () -> replay(api).view().equals(full),
                        () -> replay(api).view() + "\n" + lab.logs());
                assertThat(replay(api).routes.keySet()).allMatch(k -> k.endsWith("@" + rs));

                long t0 = System.nanoTime();
                lab.command("m1", "announce route 39.40.0.0/16 next-hop 127.0.0.2");
                Await.until(Duration.ofSeconds(10), "the announcement posted",
                        () -> replay(api).view().contains("39.40.0.0/16 AS64500 127.0.0.2 [64500]"), () -> lab.logs());
                System.out.printf("announce through BIRD, ExaBGP and bgp-feed to the API: %d ms%n",
                        (System.nanoTime() - t0) / 1_000_000);

                lab.command("m1", "withdraw route 39.40.0.0/16 next-hop 127.0.0.2");
                Await.until(Duration.ofSeconds(10), "the withdrawal posted", () -> replay(api).view().equals(full),
                        () -> replay(api).view() + "\n" + lab.logs());

                lab.birdc("disable", "m2");
                Await.until(Duration.ofSeconds(10), "m2's routes withdrawn", () -> replay(api).view().equals(List.of(
                        "198.51.100.0/24 AS64500 127.0.0.2 [64500]", "203.0.113.0/24 AS64500 127.0.0.2 [64500, 9541]")),
                        () -> replay(api).view() + "\n" + lab.logs());

                Await.until(Duration.ofSeconds(10), "heartbeats while the session is up", () -> api.heartbeats() >= 2);
                assertThat(api.posts).allMatch(p -> p.heartbeat() || "application/x-ndjson".equals(p.contentType()));

                lab.birdc("disable", "feed");
                Await.until(Duration.ofSeconds(10), "the session's routes dropped", () -> replay(api).routes.isEmpty(),
                        () -> replay(api).view() + "\n" + lab.logs());
                assertThat(api.lines()).anyMatch(l -> l.contains("\"state\": \"down\""));

                assertThat(Files.readString(dir.resolve("feed-process.stdout"))).as("bgp-feed's standard output").isEmpty();
                assertThat(Files.readString(dir.resolve("feed-process.err")))
                        .contains("BGP session " + rs + " is up", "BGP session " + rs + " is down")
                        .doesNotContain("Resource temporarily unavailable", "reading standard input failed");
            } catch (AssertionError | Exception e) {
                System.err.println(lab.logs());
                throw e;
            }
        }
    }
}
