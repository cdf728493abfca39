package org.hubdns.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.hubdns.bench.engine.LoadRun;
import org.hubdns.bench.engine.Progress;
import org.hubdns.bench.report.Report;

/** The progress line printed once a second, and the summary table at the end. */
public final class Console implements LoadRun.Listener {
    private final PrintStream out;
    private final boolean quiet;

    public Console(PrintStream out, boolean quiet) {
        this.out = out;
        this.quiet = quiet;
    }

    @Override
    public void progress(Progress p) {
        if (quiet) {
            return;
        }
        StringBuilder rc = new StringBuilder();
        for (Map.Entry<String, Double> e : p.rcodeShares().entrySet()) {
            rc.append(' ').append(e.getKey()).append(' ').append(pct(e.getValue()));
        }
        out.println(String.format(Locale.ROOT, "%6.1fs %-6s sent %,12d  rate %,10.0f/s  p50 %8.3f ms  p99 %8.3f ms"
                + "  timeouts %,7d %s", p.elapsed(), p.phase(), p.sent(), p.rate(), p.p50(), p.p99(), p.timeouts(),
                rc.length() == 0 ? " -" : rc));
        out.flush();
    }

    @Override
    public void note(String message) {
        out.println("note: " + message);
    }

    static String pct(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    public void summary(Report r) {
        Report.Settings s = r.settings();
        out.println();
        out.println(String.format(Locale.ROOT, "hubdns-bench: %s %s loop%s, %d sockets, %d threads, %.1f s measured "
                + "after %.1f s warm-up", s.transport(), s.mode(),
                s.rate() != null ? String.format(Locale.ROOT, " at %,.0f qps", s.rate())
                        : ", " + s.concurrency() + " in flight", s.sockets(), s.threads(), s.measuredSeconds(),
                s.warmupSeconds()));
        row("servers", String.join(" ", s.servers()));
        row("queries", s.queries() + (s.ecs() != null ? "; ECS " + s.ecs() : "")
                + (s.dnssecOk() ? "; DO bit set (DNSSEC OK)" : ""));
        row("sent", String.format(Locale.ROOT, "%,d", r.sent()));
        row("answered", String.format(Locale.ROOT, "%,d  (%,.1f per second)", r.received(), r.qps()));
        row("lost", String.format(Locale.ROOT, "%,d  (%.4f%%, timeout %d ms)", r.lost(), r.lostPercent(),
                s.timeoutMs()));
        var l = r.latencyMs();
        row("latency ms", String.format(Locale.ROOT, "p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  mean %.3f",
                l.p50(), l.p90(), l.p99(), l.p999(), l.max(), l.mean()));
        if (r.sendLagMs() != null) {
            row("send lag ms", String.format(Locale.ROOT, "p50 %.3f  p99 %.3f  max %.3f (sent behind the schedule)",
                    r.sendLagMs().p50(), r.sendLagMs().p99(), r.sendLagMs().max()));
            var sv = r.serviceLatencyMs();
            row("from send ms", String.format(Locale.ROOT, "p50 %.3f  p90 %.3f  p99 %.3f  max %.3f  mean %.3f "
                    + "(from the actual send, as dnsperf counts)", sv.p50(), sv.p90(), sv.p99(), sv.max(), sv.mean()));
        }
        row("rcodes", shares(r.rcodes(), r.received(), 6));
        if (!r.sites().isEmpty()) {
            row("sites", shares(r.sites(), r.received(), 8) + "  (first address of each answer)");
        }
        if (!r.answers().isEmpty()) {
            row("answers", shares(r.answers(), r.received(), 6) + (r.answers().size() > 6
                    ? "  (+" + (r.answers().size() - 6) + " more)" : ""));
        }
        if (!r.ecsScopes().isEmpty()) {
            Map<String, Long> scopes = new java.util.LinkedHashMap<>();
            r.ecsScopes().forEach((k, v) -> scopes.put("/" + k, v));
            row("ECS scopes", shares(scopes, r.received(), 8));
        }
        Report.Problems p = r.problems();
        long odd = p.unexpected() + p.mismatched() + p.malformed() + p.truncated() + p.sendErrors()
                + p.connectionLosses();
        if (odd > 0) {
            row("problems", String.format(Locale.ROOT, "unexpected %d  mismatched %d  malformed %d  truncated %d  "
                    + "send errors %d  connection losses %d", p.unexpected(), p.mismatched(), p.malformed(),
                    p.truncated(), p.sendErrors(), p.connectionLosses()));
        }
        if (r.servers().size() > 1) {
            for (Report.ServerStats ss : r.servers()) {
                row("  " + ss.server(), String.format(Locale.ROOT, "sent %,d  answered %,d  lost %,d", ss.sent(),
                        ss.received(), ss.lost()));
            }
        }
        if (r.stoppedEarly() && r.scenario() == null) {
            row("note", "stopped early; the figures cover the time it ran");
        }
        out.flush();
    }

    private void row(String label, String value) {
        out.println(String.format(Locale.ROOT, "  %-13s %s", label, value));
    }

    private static String shares(Map<String, Long> m, long total, int max) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        for (Map.Entry<String, Long> e : m.entrySet()) {
            if (i++ == max) {
                break;
            }
            sb.append(sb.length() == 0 ? "" : "  ").append(e.getKey()).append(' ')
                    .append(total == 0 ? "-" : pct((double) e.getValue() / total));
        }
        return sb.length() == 0 ? "-" : sb.toString();
    }
}
