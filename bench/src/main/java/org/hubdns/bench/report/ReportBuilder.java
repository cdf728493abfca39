package org.hubdns.bench.report;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.hubdns.bench.engine.RunResult;
import org.hubdns.bench.engine.RunSettings;

/** Turns a run's result into the report: site shares from the first answers, distributions, environment. */
public final class ReportBuilder {
    private ReportBuilder() {
    }

    /**
     * @param queries how the questions were given, e.g. {@code file q.txt (1000 lines)}
     * @param startedAt when the run began
     */
    public static Report build(String command, RunSettings s, RunResult r, SiteMap sites, String queries,
            Instant startedAt, Map<String, Object> scenario) {
        List<String> servers = new ArrayList<>();
        for (InetSocketAddress a : s.servers()) {
            servers.add(hostPort(a));
        }
        Report.Settings settings = new Report.Settings(servers, s.tcp() ? "tcp" : "udp",
                s.openLoop() ? "open" : "closed", s.concurrency(), s.sockets(), s.threads(),
                s.openLoop() ? s.rate() : null, s.warmupNanos() / 1e9,
                s.durationNanos() > 0 ? s.durationNanos() / 1e9 : null, s.count() > 0 ? s.count() : null,
                s.timeoutNanos() / 1_000_000, queries, s.templates().distinct(),
                s.ecs() == null ? null : s.ecs().source(), s.dnssecOk(), sites.isEmpty() ? null : sites.source(),
                r.measuredSeconds());
        Map<String, Long> scopes = new LinkedHashMap<>();
        r.ecsScopes().forEach((k, v) -> scopes.put(Integer.toString(k), v));
        List<Report.ServerStats> perServer = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            perServer.add(new Report.ServerStats(servers.get(i), r.sentBy()[i], r.receivedBy()[i], r.lostBy()[i]));
        }
        double lostPercent = r.sent() == 0 ? 0 : Math.round(r.lost() * 1e6 / r.sent()) / 1e4;
        return new Report(Report.SCHEMA, "hubdns-bench", command, environment(r.nativeTransport(), startedAt),
                settings, r.qps(), r.sent(), r.received(), r.lost(), lostPercent, r.latencyMs(), r.rcodes(),
                r.answers(), sites(r.firstAnswers(), sites), scopes, r.firstAnswers(), addressSites(r.answers(), sites),
                new Report.Problems(r.unexpected(), r.mismatched(), r.malformed(), r.truncated(),
                        r.recordsMalformed(), r.sendErrors(), r.connectionLosses()),
                r.sendLagMs(), r.serviceLatencyMs(), perServer, r.answerChanges(), r.stoppedEarly(), r.timeline(),
                distribution(r.latency()), histogram(r.latency()), scenario);
    }

    /**
     * Answers per site, by each answer's first address (the one clients mostly use); answers with
     * no address, or a CNAME only, keep their own key; addresses the map does not know are
     * {@link SiteMap#UNMAPPED}. Without a map, there are no sites.
     */
    static Map<String, Long> sites(Map<String, Long> firstAnswers, SiteMap map) {
        if (map.isEmpty()) {
            return Map.of();
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : firstAnswers.entrySet()) {
            String k = e.getKey();
            String site = k.equals(RunResult.NO_ADDRESS) || k.startsWith("CNAME ") ? k : map.siteOf(k);
            out.merge(site, e.getValue(), Long::sum);
        }
        return sortByCount(out);
    }

    private static Map<String, String> addressSites(Map<String, Long> answers, SiteMap map) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String a : answers.keySet()) {
            String site = map.sites().get(a);
            if (site != null) {
                out.put(a, site);
            }
        }
        return out;
    }

    private static Map<String, Long> sortByCount(Map<String, Long> m) {
        Map<String, Long> out = new LinkedHashMap<>();
        m.entrySet().stream().sorted((a, b) -> {
            int c = Long.compare(b.getValue(), a.getValue());
            return c != 0 ? c : a.getKey().compareTo(b.getKey());
        }).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    static List<Report.Percentile> distribution(Histogram h) {
        List<Report.Percentile> out = new ArrayList<>();
        if (h.getTotalCount() == 0) {
            return out;
        }
        for (HistogramIterationValue v : h.percentiles(5)) {
            double p = v.getPercentileLevelIteratedTo();
            out.add(new Report.Percentile(Math.round(p * 10000) / 10000.0, h.highestEquivalentValue(
                    v.getValueIteratedTo()) / 1000.0));
            if (p >= 100.0 || out.size() > 400) {
                break;
            }
        }
        return out;
    }

    /** Logarithmic buckets (each 25% wider than the one before) from 10 microseconds. */
    static List<Report.Bucket> histogram(Histogram h) {
        List<Report.Bucket> out = new ArrayList<>();
        if (h.getTotalCount() == 0) {
            return out;
        }
        double from = 0;
        double to = 10;
        long max = h.getMaxValue();
        while (from <= max && out.size() < 200) {
            long c = h.getCountBetweenValues((long) Math.ceil(from), (long) Math.ceil(to) - 1);
            out.add(new Report.Bucket(Math.round(from) / 1000.0, Math.round(to) / 1000.0, c));
            from = Math.ceil(to);
            to = Math.max(from + 1, to * 1.25);
        }
        return out;
    }

    static Report.Environment environment(boolean epoll, Instant startedAt) {
        String load = null;
        try {
            load = Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (Exception e) {
            load = String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown";
        }
        String version = ReportBuilder.class.getPackage().getImplementationVersion();
        return new Report.Environment(startedAt.truncatedTo(ChronoUnit.SECONDS).toString(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), load, epoll ? "netty epoll" : "netty nio", host,
                version == null ? "dev" : version);
    }

    static String hostPort(InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }
}
