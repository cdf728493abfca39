package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Start-up runs queries through a detached copy of the first snapshot before DNS is bound (so the
 * first client's steered answer is not the cold one), and none of them shows in the metrics: a
 * fresh demo member's query and steering counters are all zero, and one query moves them by one.
 */
class WarmupTest {
    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.demo();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Exposition scrape() throws Exception {
        return Exposition.scrape(server.httpPort());
    }

    /** The sum of every sample of the families whose name starts with {@code prefix}. */
    static double sum(Exposition e, String prefix) {
        return e.sum(prefix);
    }

    @Test
    void startUpWarmsTheQueryPathAndCountsNoneOfIt() throws Exception {
        assertThat(server.server().warmedQueries()).as("queries run before DNS was bound")
                .isGreaterThanOrEqualTo(2 * (1 + 64) + 2); // video A/AAAA, with and without ECS; the apex SOA/NS
        Exposition fresh = scrape();
        assertThat(sum(fresh, "hubdns_dns_queries_total")).as("no query counted yet").isZero();
        assertThat(sum(fresh, "hubdns_dns_request_duration_seconds_count")).isZero();
        assertThat(sum(fresh, "hubdns_ecs_queries_total")).isZero();
        assertThat(sum(fresh, "hubdns_steering_")).as("no steered answer counted yet").isZero();

        assertThat(server.ask("video.pk-hub.example.", Type.A, false).getRcode()).isEqualTo(Rcode.NOERROR);
        Exposition after = scrape();
        assertThat(sum(after, "hubdns_dns_queries_total")).isEqualTo(1);
        assertThat(after.value("hubdns_steering_answers_total", "platform", "video", "site", "isb")).isEqualTo(1);
        assertThat(sum(after, "hubdns_steering_located_total")).isEqualTo(1);
        assertThat(sum(after, "hubdns_steering_clients_total")).isEqualTo(1);
    }
}
