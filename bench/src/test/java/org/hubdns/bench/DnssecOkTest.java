package org.hubdns.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;

/**
 * {@code --dnssec-ok}: every query the bench sends carries an OPT with the DO bit (RFC 3225), alone
 * or with the run's ECS option, as a validating resolver asks; without the flag nothing changes; the
 * report and the summary say which it was. The queries are read back by dnsjava on a responder.
 */
class DnssecOkTest {
    @TempDir
    Path tmp;

    /** Every query the responder got, parsed by dnsjava. */
    private final List<Message> seen = new CopyOnWriteArrayList<>();

    private Responder recording() throws Exception {
        return new Responder((n, q) -> {
            try {
                seen.add(new Message(q));
            } catch (java.io.IOException e) {
                seen.add(new Message()); // unparseable: counted, and the checks below fail on it
            }
            return Responder.Reply.now(Responder.answer(q));
        });
    }

    @Test
    void everyQueryCarriesTheDoBitAndTheReportSaysSo() throws Exception {
        try (Responder srv = recording()) {
            BenchCli r = BenchCli.run(tmp, "--server", srv.server(), "--name", "www.example", "--type", "AAAA",
                    "--dnssec-ok", "--count", "300", "--warmup", "0", "--concurrency", "20", "--sockets", "2",
                    "--report", tmp.toString());
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(seen).hasSizeGreaterThanOrEqualTo(300);
            for (Message q : seen) {
                OPTRecord opt = q.getOPT();
                assertThat(opt).as("an OPT in %s", q).isNotNull();
                assertThat(opt.getFlags() & ExtendedFlags.DO).as("DO in %s", q).isEqualTo(ExtendedFlags.DO);
                assertThat(opt.getPayloadSize()).isEqualTo(1232);
                assertThat(opt.getOptions()).as("no ECS was asked for").isEmpty();
            }
            JsonNode j = r.report();
            assertThat(j.path("settings").path("dnssecOk").asBoolean()).as(j.path("settings").toString()).isTrue();
            assertThat(j.path("received").asLong()).isEqualTo(300);
            assertThat(r.out()).contains("DO bit set (DNSSEC OK)");
            assertThat(Files.readString(tmp.resolve("report.html"))).contains("DNSSEC OK (DO bit)",
                    "every query asked for signed answers");
        }
    }

    @Test
    void withEcsTheDoBitGoesInTheSameOpt() throws Exception {
        Path ecs = Files.writeString(tmp.resolve("ecs.txt"), "182.185.1.0/24\n2400:adc0::/48\n");
        try (Responder srv = recording()) {
            BenchCli r = BenchCli.run(tmp, "--server", srv.server(), "--name", "www.example", "--ecs-file",
                    ecs.toString(), "--dnssec-ok", "--count", "100", "--warmup", "0", "--concurrency", "10",
                    "--sockets", "2", "--quiet");
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(seen).hasSizeGreaterThanOrEqualTo(100);
            for (Message q : seen) {
                OPTRecord opt = q.getOPT();
                assertThat(opt).as("an OPT in %s", q).isNotNull();
                assertThat(opt.getFlags() & ExtendedFlags.DO).as("DO in %s", q).isEqualTo(ExtendedFlags.DO);
                List<EDNSOption> subnet = opt.getOptions(EDNSOption.Code.CLIENT_SUBNET);
                assertThat(subnet).as("the ECS option kept in %s", q).hasSize(1);
                assertThat(((ClientSubnetOption) subnet.get(0)).getSourcePrefixLength()).isIn(24, 48);
            }
        }
    }

    @Test
    void withoutTheFlagQueriesAreUnchanged() throws Exception {
        try (Responder srv = recording()) {
            BenchCli r = BenchCli.run(tmp, "--server", srv.server(), "--name", "www.example", "--count", "50",
                    "--warmup", "0", "--concurrency", "5", "--sockets", "1", "--report", tmp.toString(), "--quiet");
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(seen).isNotEmpty().allSatisfy(q -> assertThat(q.getOPT()).as("no EDNS in %s", q).isNull());
            assertThat(r.report().path("settings").path("dnssecOk").asBoolean()).isFalse();
        }
    }
}
