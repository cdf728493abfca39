package org.hubdns.bgpfeed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.hubdns.testsupport.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code hubdns bgp-feed} through its picocli entry, reading a pipe, against a real HTTP server that
 * records what it is sent: lines exactly as read and in order, batches by size and time, retries,
 * heartbeats, the bounded queue, tokens and TLS. The real ExaBGP in front of it is BgpFeedExaBgpTest's.
 */
class BgpFeedCommandTest {
    static final String SESSION = "\"neighbor\": { \"address\": { \"local\": \"127.0.0.9\", \"peer\": \"127.0.0.1\" }, "
            + "\"asn\": { \"local\": 64999, \"peer\": 64512 } ";

    /** An update line as ExaBGP 4.2 writes it, announcing {@code count} /24s from 10.i.0.0. */
    static String announce(int i, int count) {
        StringBuilder nlri = new StringBuilder();
        for (int k = 0; k < count; k++) {
            nlri.append(k == 0 ? "" : ", ").append("{ \"nlri\": \"10.").append(i % 250).append('.').append(k % 256)
                    .append(".0/24\", \"path-information\": \"0.0.0.").append(i % 256).append("\" }");
        }
        return "{ \"exabgp\": \"4.0.1\", \"time\": 1796548611.8, \"host\" : \"vm\", \"pid\" : 18015, \"ppid\" : 1, \"counter\": " + i
                + ", \"type\": \"update\", " + SESSION + ", \"direction\": \"receive\", \"message\": { \"update\": { \"attribute\": "
                + "{ \"origin\": \"igp\", \"as-path\": [ 64500 ], \"confederation-path\": [] }, \"announce\": { \"ipv4 unicast\": "
                + "{ \"127.0.0.2\": [ " + nlri + " ] } } } } } }";
    }

    static String state(String state) {
        return "{ \"exabgp\": \"4.0.1\", \"time\": 1796548611.7, \"host\" : \"vm\", \"pid\" : 18015, \"ppid\" : 1, \"counter\": 1, "
                + "\"type\": \"state\", " + SESSION + ", \"state\": \"" + state + "\" } }";
    }

    @TempDir
    Path dir;
    private final ExecutorService runner = Executors.newCachedThreadPool();
    private PrintStream out;
    private PrintStream err;
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private RecordingApi api;

    @BeforeEach
    void captureStreams() throws IOException {
        out = System.out;
        err = System.err;
        System.setErr(new PrintStream(new TeeStream(stderr, err), true, StandardCharsets.UTF_8));
        api = RecordingApi.http();
    }

    @AfterEach
    void restoreStreams() {
        System.setOut(out);
        System.setErr(err);
        api.close();
        runner.shutdownNow();
    }

    /** A bgp-feed running in this JVM on a pipe the test writes. */
    final class Running {
        final OutputStream stdin;
        final Future<Integer> exit;
        final AtomicInteger halted = new AtomicInteger(-1);

        Running(String... args) throws IOException {
            Pipe pipe = Pipe.open();
            InputStream in = Channels.newInputStream(pipe.source());
            stdin = Channels.newOutputStream(pipe.sink());
            BgpFeedCommand cmd = new BgpFeedCommand();
            cmd.input = () -> in;
            cmd.halt = halted::set;
            exit = runner.submit(() -> new CommandLine(cmd).execute(args));
        }

        void write(String... lines) throws IOException {
            for (String l : lines) {
                stdin.write((l + "\n").getBytes(StandardCharsets.UTF_8));
            }
            stdin.flush();
        }

        int end() throws Exception {
            stdin.close();
            return exit.get(30, TimeUnit.SECONDS);
        }
    }

    String[] args(String... more) throws IOException {
        Path token = dir.resolve("token");
        Files.writeString(token, "s3cret\n");
        List<String> a = new ArrayList<>(List.of("--api", api.url(), "--feed", "pk ix", "--token-file", token.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void forwardsTheLinesExactlyAsReadInOrderInBatchesOfAtMost10000Routes() throws Exception {
        Running feed = new Running(args());
        List<String> sent = new ArrayList<>();
        sent.add(state("up"));
        for (int i = 0; i < 2_500; i++) {
            sent.add(announce(i, 10)); // 25,000 routes
        }
        sent.add("this is not ExaBGP JSON"); // forwarded all the same: the API counts and skips it
        feed.write(sent.toArray(String[]::new));
        assertThat(feed.end()).isZero();

        assertThat(api.lines()).isEqualTo(sent);
        List<RecordingApi.Post> batches = api.posts.stream().filter(p -> !p.heartbeat()).toList();
        assertThat(batches.size()).isBetween(3, 10);
        for (RecordingApi.Post p : batches) {
            assertThat(p.method()).isEqualTo("POST");
            assertThat(p.path()).isEqualTo("/v1/coverage-feeds/pk%20ix/updates");
            assertThat(p.contentType()).isEqualTo("application/x-ndjson");
            assertThat(p.authorization()).isEqualTo("Bearer s3cret");
            assertThat(p.body()).endsWith("\n");
            long routes = p.lines().stream().mapToLong(l -> l.startsWith("{") && l.contains("\"update\"") ? 10 : 1).sum();
            assertThat(routes).isLessThanOrEqualTo(10_000);
        }
        assertThat(System.out).as("nothing may go to standard output").isSameAs(System.err);
    }

    @Test
    void aChangeWaitsAtMostASecond() throws Exception {
        Running feed = new Running(args());
        feed.write(state("up"));
        Await.until(Duration.ofSeconds(5), "the first line posted", () -> api.lines().size() == 1);
        long t0 = System.nanoTime();
        feed.write(announce(1, 1));
        Duration took = Await.timed(Duration.ofSeconds(5), "the announcement posted", () -> api.lines().size() == 2);
        assertThat(took).isLessThan(Duration.ofMillis(1_500));
        assertThat(System.nanoTime() - t0).isGreaterThan(0);
        assertThat(feed.end()).isZero();
    }

    @Test
    void retriesTheApiWithoutLosingOrReorderingChanges() throws Exception {
        api.failNext(503, 502, 500);
        Running feed = new Running(args("--batch-ms", "50"));
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sent.add(announce(i, 1));
            feed.write(sent.get(i));
            Thread.sleep(20);
        }
        Await.until(Duration.ofSeconds(20), "every line taken", () -> api.lines().size() == sent.size());
        api.failNext(503);
        sent.add(state("down"));
        feed.write(sent.get(sent.size() - 1));
        assertThat(feed.end()).isZero();
        assertThat(api.lines()).isEqualTo(sent);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("the API answered 503", "again in");
    }

    @Test
    void theApisRetryAfterSetsTheWaitBeforeTheNextAttempt() throws Exception {
        api.failNext(429, "2");
        Running feed = new Running(args("--batch-ms", "50"));
        long t0 = System.nanoTime();
        feed.write(announce(1, 1));
        Await.until(Duration.ofSeconds(10), "the line taken", () -> api.lines().size() == 1);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("not before the API's Retry-After (our own first "
                + "backoff is 0.5 s)").isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("the API answered 429",
                "again in 2.0 s (the API's Retry-After)");
        assertThat(feed.end()).isZero();
    }

    @Test
    void heartbeatsOnlyWhileABgpSessionIsUp() throws Exception {
        Running feed = new Running(args("--heartbeat-s", "1"));
        Thread.sleep(1_500);
        assertThat(api.heartbeats()).as("no session yet").isZero();
        feed.write(state("connected"), state("up"));
        Await.until(Duration.ofSeconds(5), "two heartbeats", () -> api.heartbeats() >= 2);
        feed.write(state("down"));
        Await.until(Duration.ofSeconds(5), "the down line posted", () -> api.lines().size() == 3);
        long beats = api.heartbeats();
        Thread.sleep(2_500);
        assertThat(api.heartbeats()).as("no heartbeat after the session went down").isEqualTo(beats);
        assertThat(feed.end()).isZero();
    }

    @Test
    void aQueueThatOverflowsEndsTheCommandLoudlyInsteadOfDroppingChanges() throws Exception {
        int[] unavailable = new int[10_000];
        java.util.Arrays.fill(unavailable, 503);
        api.failNext(unavailable);
        Running feed = new Running(args("--queue-mb", "1"));
        runner.submit(() -> {
            for (int i = 0; i < 5_000; i++) {
                feed.write(announce(i, 5)); // about 3.5 MB in all; the writes block once the command stops reading
            }
            return null;
        });
        assertThat(feed.exit.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("QUEUE OVERFLOW", "exiting rather than dropping changes");
    }

    @Test
    void aRefusedTokenStopsTheCommand() throws Exception {
        api.failNext(401);
        Running feed = new Running(args());
        feed.write(announce(1, 1));
        Await.until(Duration.ofSeconds(5), "halted", () -> feed.halted.get() == 1);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("the API refused the token (401)");
        assertThat(feed.end()).isEqualTo(1);
    }

    @Test
    void undeliveredLinesAtEndOfInputAreAFailure() throws Exception {
        int[] unavailable = new int[1_000];
        java.util.Arrays.fill(unavailable, 503);
        api.failNext(unavailable);
        Running feed = new Running(args("--flush-timeout-s", "1"));
        feed.write(announce(1, 1));
        assertThat(feed.end()).isEqualTo(1);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("the API has not taken the last 1 lines");
    }

    @Test
    void anHttpsApiIsTrustedThroughCacert() throws Exception {
        Path p12 = dir.resolve("api.p12");
        Path pem = dir.resolve("ca.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "api", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", p12.toString(),
                "-storepass", "changeit", "-keypass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "api", "-keystore", p12.toString(), "-storepass", "changeit",
                "-file", pem.toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        api.close();
        api = RecordingApi.https(tls);

        Running trusted = new Running(args("--cacert", pem.toString()));
        trusted.write(announce(1, 1));
        assertThat(trusted.end()).isZero();
        assertThat(api.lines()).containsExactly(announce(1, 1));

        Running untrusted = new Running(args("--flush-timeout-s", "1"));
        untrusted.write(announce(2, 1));
        assertThat(untrusted.end()).isEqualTo(1);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("the API is unreachable").containsIgnoringCase("certification path");
    }

    @Test
    void badUsageIsExitStatus2() {
        assertThat(new CommandLine(new BgpFeedCommand()).execute("--api", "ftp://127.0.0.1/", "--feed", "x")).isEqualTo(2);
        assertThat(new CommandLine(new BgpFeedCommand()).execute("--feed", "x")).isEqualTo(2);
        assertThat(new CommandLine(new BgpFeedCommand()).execute("--api", "http://127.0.0.1:1", "--feed", "x",
                "--token-file", dir.resolve("missing").toString())).isEqualTo(2);
    }

    static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
    }

    /** Writes to both streams: the test reads what bgp-feed logged, and the build log still shows it. */
    static final class TeeStream extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        TeeStream(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
