package org.hubdns.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench against a responder that misbehaves on purpose: every query is accounted for (answered
 * or lost), answers that are not ours are never counted as answers, and nothing crashes. A lost
 * query holds its slot until its timeout, so the runs that lose many keep many in flight.
 */
class MisbehavingServerTest {
    @TempDir
    Path tmp;

    private static void assertBalanced(JsonNode r) {
        assertThat(r.path("received").asLong() + r.path("lost").asLong()).as("answered + lost = sent")
                .isEqualTo(r.path("sent").asLong());
    }

    @Test
    void droppedQueriesAreLostAndTheRestAnswered() throws Exception {
        try (Responder srv = new Responder((n, q) -> n % 10 == 0 ? Responder.Reply.none()
                : Responder.Reply.now(Responder.answer(q)))) {
            BenchCli r = BenchCli.run(tmp, "--server", srv.server(), "--name", "www.example", "--count", "3000",
                    "--warmup", "0", "--concurrency", "60", "--sockets", "4", "--timeout", "300", "--report",
                    tmp.toString(), "--quiet");
            assertThat(r.exit()).as(r.toString()).isZero();
            JsonNode j = r.report();
            assertThat(j.path("sent").asLong()).isEqualTo(3000);
            assertBalanced(j);
            assertThat(j.path("lost").asLong()).isBetween(250L, 350L);
            assertThat(j.path("rcodes").path("NOERROR").asLong()).isEqualTo(j.path("received").asLong());
            assertThat(j.path("answers").path("192.0.2.1").asLong()).isEqualTo(j.path("received").asLong());
        }
    }

    @Test
    void answersWithWrongIdsAreNotAnswers() throws Exception {
        try (Responder srv = new Responder((n, q) -> {
            byte[] a = Responder.answer(q);
            a[0] ^= 0x55; // another ID
            a[1] ^= 0x2a;
            return Responder.Reply.now(a);
        })) {
            BenchCli r = BenchCli.run(tmp, "--server", srv.server(), "--name", "www.example", "--count", "200",
                    "--warmup", "0", "--concurrency", "50", "--sockets", "2", "--timeout", "200", "--report",
                    tmp.toString(), "--quiet");
            assertThat(r.exit()).as("no answer at all is a failed run").isEqualTo(Main.FAILED);
            assertThat(r.err()).contains("no answer at all");
            JsonNode j = r.report();
            assertThat(j.path("received").asLong()).isZero();
            assertThat(j.path("lost").asLong()).isEqualTo(200);
            assertThat(j.path("problems").path("unexpected").asLong()).isGreaterThanOrEqualTo(150);
        }
    }

    @Test
    void answersToAnotherQuestionAreMismatchedNotAnswers() throws Exception {
        try (Responder srv = new Responder((n, q) -> {
            byte[] a = Responder.answer(q);
            if (n % 2 == 0) {
                a[13] ^= 0x01; // same ID, one letter of the name changed
                return Responder.Reply.now(a);
            }
            return Responder.Reply.now(a);
        })) {
            BenchCli r = BenchCli.run(tmp, "--server", srv.server(), "--name", "www.example", "--count", "400",
                    "--warmup", "0", "--concurrency", "50", "--sockets", "2", "--timeout", "200", "--report",
                    tmp.toString(), "--quiet");
            JsonNode j = r.report();
            assertBalanced(j);
            assertThat(j.path("problems").path("mismatched").asLong()).isGreaterThanOrEqualTo(150);
            assertThat(j.path("lost").asLong()).isEqualTo(j.path("problems").path("mismatched").asLong());
        }
    }

    @Test
    void garbageBeforeEachAnswerIsCountedAndIgnored() throws Exception {
        Random rnd = new Random(7);
        try (Responder srv = new Responder((n, q) -> Responder.Reply.now(Responder.garbage(rnd, 3 + (int) (n % 60)),
                Responder.answer(q)))) {
            BenchCli r = BenchCli.run(tmp, "--server", srv.server(), "--name", "www.example", "--count", "2000",
                    "--warmup", "0", "--concurrency", "10", "--sockets", "2", "--report", tmp.toString(), "--quiet");
            assertThat(r.exit()).as(r.toString()).isZero();
            JsonNode j = r.report();
            assertThat(j.path("received").asLong()).isEqualTo(2000);
            assertThat(j.path("lost").asLong()).isZero();
            JsonNode p = j.path("problems");
            assertThat(p.path("malformed").asLong() + p.path("unexpected").asLong() + p.path("mismatched").asLong())
                    .isGreaterThanOrEqualTo(1900);
        }
    }

    @Test
    void delayedAnswersShowInTheLatency() throws Exception {
        try (Responder srv = new Responder((n, q) -> new Responder.Reply(40, java.util.List.of(
                Responder.answer(q))))) {
            BenchCli r = BenchCli.run(tmp, "--server", srv.server(), "--name", "www.example", "--count", "300",
                    "--warmup", "0", "--concurrency", "20", "--sockets", "2", "--report", tmp.toString(), "--quiet");
            JsonNode l = r.report().path("latencyMs");
            assertThat(l.path("p50").asDouble()).isBetween(39.0, 400.0);
            assertThat(l.path("max").asDouble()).isGreaterThanOrEqualTo(l.path("p99").asDouble());
        }
    }

    @Test
    void aStallShowsInTheOpenLoopTailNotOnlyInAFewQueries() throws Exception {
        // from the 1500th query on (0.5 s into the measurement at 1000 qps after a 1 s warm-up), every answer is
        // held back until 500 ms after that query came in
        long[] stallStart = {0};
        try (Responder srv = new Responder((n, q) -> {
            long now = System.nanoTime();
            synchronized (stallStart) {
                if (n == 1500) {
                    stallStart[0] = now;
                }
                long since = stallStart[0] == 0 ? -1 : (now - stallStart[0]) / 1_000_000;
                if (since >= 0 && since < 500) {
                    return new Responder.Reply(500 - since, java.util.List.of(Responder.answer(q)));
                }
            }
            return Responder.Reply.now(Responder.answer(q));
        })) {
            Path open = tmp.resolve("open");
            BenchCli r = BenchCli.run(open, "--server", srv.server(), "--name", "www.example", "--rate", "1000",
                    "--warmup", "1", "--duration", "3", "--sockets", "4", "--report", open.toString(), "--quiet");
            assertThat(r.exit()).as(r.toString()).isZero();
            JsonNode j = r.report();
            assertBalanced(j);
            // about a sixth of the measured queries waited for the stall: they dominate the tail
            assertThat(j.path("latencyMs").path("p99").asDouble()).isGreaterThan(400.0);
            assertThat(j.path("latencyMs").path("p90").asDouble()).isGreaterThan(100.0);
            assertThat(j.path("settings").path("mode").asText()).isEqualTo("open");
            assertThat(j.path("sendLagMs").path("p50").asDouble()).isLessThan(50.0);
        }
    }

    @Test
    void tcpConnectionsClosedByTheServerLoseOnlyTheirQueriesAndReconnect() throws Exception {
        try (Responder srv = new Responder((n, q) -> Responder.Reply.now(Responder.answer(q)), 100)) {
            BenchCli r = BenchCli.run(tmp, "--server", srv.server(), "--name", "www.example", "--tcp", "--count",
                    "2000", "--warmup", "0", "--concurrency", "8", "--sockets", "2", "--timeout", "500", "--report",
                    tmp.toString(), "--quiet");
            assertThat(r.exit()).as(r.toString()).isZero();
            JsonNode j = r.report();
            assertBalanced(j);
            assertThat(j.path("received").asLong()).isGreaterThan(1500);
            assertThat(j.path("problems").path("connectionLosses").asLong()).isPositive();
            assertThat(j.path("settings").path("transport").asText()).isEqualTo("tcp");
        }
    }
}
