package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.hubdns.dns.stats.QueryLog;
import org.hubdns.server.querylog.QueryLogWriter;
import org.hubdns.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** {@code --query-log}: lines parse as JSON and say what the answers said; sampling; a stuck writer drops. */
class QueryLogTest {
    @TempDir
    Path tmp;

    static void await(String what, Callable<Boolean> condition) throws Exception {
        Await.until(Duration.ofSeconds(15), what, condition);
    }

    static List<JsonObject> lines(Path log) throws Exception {
        List<JsonObject> out = new ArrayList<>();
        if (Files.exists(log)) {
            for (String l : Files.readAllLines(log)) {
                out.add(new JsonObject(l)); // every line is one JSON object
            }
        }
        return out;
    }

    static List<String> addresses(Message m) {
        return m.getSection(Section.ANSWER).stream().filter(ARecord.class::isInstance)
                .map(r -> ((ARecord) r).getAddress().getHostAddress()).toList();
    }

    @Test
    void eachQueryIsOneJsonLineMatchingItsAnswer() throws Exception {
        Path log = tmp.resolve("logs/queries.jsonl");
        try (RunningServer s = RunningServer.demo(c -> c.withQueryLog(log.toString(), 1.0))) {
            Message steered = s.ask("video.pk-hub.example.", Type.A, false);
            Message q = Message.newQuery(Record.newRecord(Name.fromString("VIDEO.pk-hub.example."), Type.A, 1));
            q.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new ClientSubnetOption(24,
                    InetAddress.getByName("182.185.1.0")))), Section.ADDITIONAL);
            Message withEcs = s.resolver(true).send(q);
            Message nx = s.ask("nope.pk-hub.example.", Type.AAAA, false);
            await("three lines", () -> lines(log).size() >= 3);
            List<JsonObject> l = lines(log);
            assertThat(l).hasSize(3);

            JsonObject a = l.get(0);
            assertThat(a.getString("qname")).isEqualTo("video.pk-hub.example.");
            assertThat(a.getString("qtype")).isEqualTo("A");
            assertThat(a.getString("rcode")).isEqualTo("NOERROR");
            assertThat(a.getString("client")).isEqualTo("127.0.0.1");
            assertThat(a.getString("transport")).isEqualTo("udp");
            assertThat(a.getString("ecs")).isNull();
            assertThat(a.getJsonArray("answer").getList()).containsExactlyElementsOf(addresses(steered));
            assertThat(a.getString("site")).isEqualTo("isb");
            assertThat(a.getLong("durationUs")).isNotNegative();
            assertThat(a.getString("time")).endsWith("Z");

            JsonObject b = l.get(1);
            assertThat(b.getString("qname")).as("logged lower-cased").isEqualTo("video.pk-hub.example.");
            assertThat(b.getString("transport")).isEqualTo("tcp");
            assertThat(b.getString("ecs")).isEqualTo("182.185.1.0/24");
            assertThat(b.getJsonArray("answer").getList()).containsExactlyElementsOf(addresses(withEcs));
            int scope = ((ClientSubnetOption) withEcs.getOPT().getOptions(8).get(0)).getScopePrefixLength();
            assertThat(b.getInteger("scope")).isEqualTo(scope);

            JsonObject c = l.get(2);
            assertThat(c.getString("rcode")).isEqualTo("NXDOMAIN").isEqualTo(org.xbill.DNS.Rcode.string(nx.getRcode()));
            assertThat(c.getString("qtype")).isEqualTo("AAAA");
            assertThat(c.getJsonArray("answer")).isEmpty();
            assertThat(c.getString("site")).isNull();
        }
    }

    @Test
    void aSampleRateLogsAboutThatShare() throws Exception {
        Path log = tmp.resolve("sampled.jsonl");
        try (RunningServer s = RunningServer.demo(c -> c.withQueryLog(log.toString(), 0.25))) {
            for (int i = 0; i < 400; i++) {
                s.ask("www.pk-hub.example.", Type.A, false);
            }
            s.server().stop(); // flushes the log
            int n = lines(log).size();
            assertThat(n).as("25 %% of 400").isBetween(50, 150);
        }
    }

    @Test
    void anUnwritableLogIsAStartupErrorNamingTheFlag() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("a-dir"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunningServer.demo(c -> c.withQueryLog(dir.toString(),
                1.0))).isInstanceOf(StartupException.class).hasMessageContaining("--query-log");
    }

    @Test
    void aWriterThatCannotKeepUpDropsAndCountsInsteadOfBlocking() throws Exception {
        // /dev/full fails every write: the queue fills and offers must still return at once
        try (QueryLogWriter w = new QueryLogWriter("/dev/full", 1.0)) {
            QueryLog.Entry e = new QueryLog.Entry(0, "127.0.0.1", false, null, "x.", "A", "NOERROR", List.of(), null,
                    -1, 1);
            long t0 = System.nanoTime();
            for (int i = 0; i < 200_000; i++) {
                w.offer(e);
            }
            assertThat(w.dropped()).isPositive();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("200,000 offers never wait on the writer")
                    .isLessThan(Duration.ofSeconds(5));
        }
    }
}
