package org.hubdns.bgpfeed;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.hubdns.server.RunningServer;
import org.hubdns.server.http.HttpSettings;
import org.hubdns.testsupport.ApiClient;
import org.hubdns.testsupport.Await;
import org.hubdns.testsupport.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import picocli.CommandLine;

/**
 * {@code hubdns bgp-feed} against a real member: ExaBGP's lines on its input become the feed's
 * routes, which place clients in the member's DNS answers; a session down takes them out; the
 * heartbeat keeps a short {@code staleAfterS} from going stale; end of input ends the command.
 */
class BgpFeedToMemberTest {
    static final String SESSION = "\"neighbor\": { \"address\": { \"local\": \"192.0.2.254\", \"peer\": \"192.0.2.1\" }, "
            + "\"asn\": { \"local\": 64999, \"peer\": 64512 } ";

    static String announce(String prefix, long as, String nextHop) {
        return "{ \"exabgp\": \"4.2.22\", \"time\": 1796548611.8, \"host\" : \"rs\", \"pid\" : 1, \"ppid\" : 1, \"counter\": 1, "
                + "\"type\": \"update\", " + SESSION + ", \"direction\": \"receive\", \"message\": { \"update\": { \"attribute\": "
                + "{ \"origin\": \"igp\", \"as-path\": [ " + as + " ], \"confederation-path\": [] }, \"announce\": { \"ipv4 unicast\": "
                + "{ \"" + nextHop + "\": [ { \"nlri\": \"" + prefix + "\" } ] } } } } } }";
    }

    static String state(String state) {
        return "{ \"exabgp\": \"4.2.22\", \"time\": 1796548611.7, \"host\" : \"rs\", \"pid\" : 1, \"ppid\" : 1, \"counter\": 2, "
                + "\"type\": \"state\", " + SESSION + ", \"state\": \"" + state + "\" } }";
    }

    @TempDir
    Path dir;

    /** The site of the demo video platform's first answer for a client in {@code net}/24 (isb: the default). */
    static String site(RunningServer s, String net) throws Exception {
        SimpleResolver r = new SimpleResolver(new java.net.InetSocketAddress(RunningServer.LOOPBACK, s.dnsPort()));
        r.setEDNS(0, 1232, 0, List.of(new ClientSubnetOption(24, InetAddress.getByName(net))));
        r.setTimeout(Duration.ofSeconds(2));
        Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString("video.pk-hub.example."), Type.A, 1)));
        List<String> a = m.getSection(Section.ANSWER).stream().filter(ARecord.class::isInstance)
                .map(x -> ((ARecord) x).getAddress().getHostAddress()).toList();
        return a.isEmpty() ? "none" : a.get(0).startsWith("10.20.") ? "khi" : a.get(0).startsWith("10.10.") ? "isb" : a.get(0);
    }

    @Test
    void exaBgpLinesPlaceClientsInTheMembersAnswers() throws Exception {
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try (RunningServer s = RunningServer.demo()) {
            String admin = s.adminToken();
            ApiClient api = ApiClient.local(s.httpPort(), Duration.ofSeconds(10));
            HttpResponse<String> r = api.send("PUT", "/v1/coverage-feeds/ix", admin, "application/json",
                    "{\"peers\":{\"AS9541\":\"khi\"},\"staleAfterS\":3}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            Path token = dir.resolve("token");
            Files.writeString(token, admin + "\n");

            Pipe pipe = Pipe.open();
            InputStream in = Channels.newInputStream(pipe.source());
            OutputStream stdin = Channels.newOutputStream(pipe.sink());
            BgpFeedCommand cmd = new BgpFeedCommand();
            cmd.input = () -> in;
            Future<Integer> exit = runner.submit(() -> new CommandLine(cmd).execute("--api", "http://127.0.0.1:"
                    + s.httpPort(), "--feed", "ix", "--token-file", token.toString(), "--heartbeat-s", "1",
                    "--batch-ms", "100"));
            write(stdin, state("up"), announce("110.36.0.0/14", 9541, "198.51.100.2"));
            Await.until(Duration.ofSeconds(10), "the member answers 110.37.0.0/24 from khi",
                    () -> site(s, "110.37.0.0").equals("khi"), () -> site(s, "110.37.0.0"));

            // no news but heartbeats for longer than staleAfterS: still placing
            Thread.sleep(4500);
            JsonObject feed = new JsonObject(api.send("GET", "/v1/coverage-feeds/ix", admin, null, (String) null).body());
            assertThat(feed.getBoolean("stale")).as(feed.encode()).isFalse();
            assertThat(site(s, "110.37.0.0")).isEqualTo("khi");

            write(stdin, state("down"));
            Await.until(Duration.ofSeconds(10), "the session's routes are gone", () -> site(s, "110.37.0.0").equals("isb"),
                    () -> site(s, "110.37.0.0"));
            stdin.close();
            assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        } finally {
            runner.shutdownNow();
        }
    }

    /** The same over HTTPS, the member's certificate from a private CA given with {@code --cacert}. */
    @Test
    void overHttpsWithTheCaGivenByCacert() throws Exception {
        TestCertificates ca = TestCertificates.ca(dir.resolve("ca"));
        TestCertificates.Pair pair = ca.issue("member", 77, false);
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try (RunningServer s = RunningServer.demo(c -> c.withHttp(HttpSettings.DEFAULT.withTls(
                new HttpSettings.Tls(pair.cert(), pair.key()), 0)))) {
            String admin = s.adminToken();
            String api = "https://127.0.0.1:" + s.httpPort();
            HttpResponse<String> r = ca.client().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api
                    + "/v1/coverage-feeds/ix")).header("Authorization", "Bearer " + admin)
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"peers\":{\"AS9541\":\"khi\"}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            Path token = dir.resolve("token");
            Files.writeString(token, admin + "\n");

            Pipe pipe = Pipe.open();
            InputStream in = Channels.newInputStream(pipe.source());
            OutputStream stdin = Channels.newOutputStream(pipe.sink());
            BgpFeedCommand cmd = new BgpFeedCommand();
            cmd.input = () -> in;
            Future<Integer> exit = runner.submit(() -> new CommandLine(cmd).execute("--api", api, "--cacert",
                    ca.caCert().toString(), "--feed", "ix", "--token-file", token.toString(), "--batch-ms", "100"));
            write(stdin, state("up"), announce("110.36.0.0/14", 9541, "198.51.100.2"));
            Await.until(Duration.ofSeconds(10), "the member answers 110.37.0.0/24 from khi",
                    () -> site(s, "110.37.0.0").equals("khi"), () -> site(s, "110.37.0.0"));
            stdin.close();
            assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        } finally {
            runner.shutdownNow();
        }
    }

    static void write(OutputStream out, String... lines) throws Exception {
        for (String l : lines) {
            out.write((l + "\n").getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
    }
}
