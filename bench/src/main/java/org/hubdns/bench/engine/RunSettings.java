package org.hubdns.bench.engine;

import java.net.InetSocketAddress;
import java.util.List;
import org.hubdns.bench.wire.EcsList;
import org.hubdns.bench.wire.QueryTemplates;

/**
 * What one load run does; validated by the command line before it gets here.
 *
 * @param ecs client networks to put in queries as ECS, or null for none
 * @param durationNanos measured time after the warm-up, 0 for "until {@code count}"
 * @param count measured queries to send, 0 for "until {@code durationNanos}"
 * @param rate queries per second for an open-loop run, 0 for closed loop ({@code concurrency} outstanding)
 * @param sockets UDP sockets or TCP connections, spread over {@code servers} in turn
 * @param watch addresses whose presence in answers is tracked (scenarios), or null
 * @param dnssecOk every query carries EDNS with the DO bit (RFC 3225), asking for signed answers
 */
public record RunSettings(
        List<InetSocketAddress> servers,
        QueryTemplates templates,
        EcsList ecs,
        long warmupNanos,
        long durationNanos,
        long count,
        int concurrency,
        int sockets,
        int threads,
        double rate,
        boolean tcp,
        long timeoutNanos,
        AnswerWatch watch,
        boolean dnssecOk) {
    public RunSettings {
        servers = List.copyOf(servers);
        if (durationNanos <= 0 && count <= 0) {
            throw new IllegalArgumentException("a run needs a duration or a count");
        }
        if (sockets < servers.size()) {
            sockets = servers.size();
        }
    }

    public boolean openLoop() {
        return rate > 0;
    }

    public RunSettings withWatch(AnswerWatch w) {
        return new RunSettings(servers, templates, ecs, warmupNanos, durationNanos, count, concurrency, sockets,
                threads, rate, tcp, timeoutNanos, w, dnssecOk);
    }

    public RunSettings withDuration(long warmup, long duration) {
        return new RunSettings(servers, templates, ecs, warmup, duration, count, concurrency, sockets, threads, rate,
                tcp, timeoutNanos, watch, dnssecOk);
    }
}
