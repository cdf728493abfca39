package org.hubdns.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hubdns.bench.engine.Latency;
import org.hubdns.bench.engine.TimelinePoint;

/**
 * report.html: one self-contained page (inline SVG and CSS, no script, nothing fetched) with the
 * key figures, rate and latency over time, the latency distribution, and where the answers went.
 */
public final class HtmlReport {
    private static final int WIDTH = 1100;

    private HtmlReport() {
    }

    public static String render(Report r) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>hubdns-bench report</title>")
                .append("<style>body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;")
                .append("margin:24px;color:#111827;max-width:1140px}h1{font-size:22px;margin:0 0 4px}")
                .append("h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}")
                .append("code{background:#f3f4f6;padding:2px 4px;border-radius:3px;font-size:12px;word-break:break-all}")
                .append("table{border-collapse:collapse;font-size:13px;margin:6px 0}td,th{padding:3px 10px;")
                .append("border-bottom:1px solid #f3f4f6;text-align:right}th{background:#f9fafb}")
                .append("td:first-child,th:first-child{text-align:left}.kpis{display:flex;flex-wrap:wrap;gap:10px;")
                .append("margin:14px 0}.kpi{border:1px solid #e5e7eb;border-radius:6px;padding:8px 14px;min-width:110px}")
                .append(".kpi b{display:block;font-size:20px}.kpi span{font-size:12px;color:#6b7280}")
                .append(".muted{color:#6b7280;font-size:12px}.warn{color:#b45309}</style></head><body>");
        Report.Settings s = r.settings();
        h.append("<h1>hubdns-bench report</h1><div class=\"muted\">").append(esc(r.environment().startedAt()))
                .append(" &middot; ").append(esc(s.transport())).append(' ').append(esc(s.mode())).append(" loop")
                .append(s.rate() != null ? String.format(Locale.ROOT, " at %,.0f qps", s.rate())
                        : ", " + s.concurrency() + " in flight")
                .append(" &middot; ").append(s.sockets()).append(" sockets &middot; ").append(s.threads())
                .append(" threads &middot; ").append(String.format(Locale.ROOT, "%.1f", s.measuredSeconds()))
                .append(" s measured after ").append(num(s.warmupSeconds())).append(" s warm-up</div>");
        h.append("<p><code>").append(esc(r.command())).append("</code></p>");
        if (r.stoppedEarly()) {
            h.append("<p class=\"warn\">The run was stopped early; the figures cover the time it ran.</p>");
        }
        kpis(h, r);
        if (r.scenario() != null) {
            scenario(h, r.scenario());
        }
        timeCharts(h, r);
        latencyCharts(h, r);
        answers(h, r);
        details(h, r);
        h.append("<p class=\"muted\">Written by hubdns-bench. Field meanings: README section "
                + "&ldquo;Load testing: hubdns-bench&rdquo; and bench/report-schema.json.</p></body></html>\n");
        return h.toString();
    }

    private static void kpis(StringBuilder h, Report r) {
        Latency l = r.latencyMs();
        h.append("<div class=\"kpis\">");
        kpi(h, String.format(Locale.ROOT, "%,.0f", r.qps()), "answers per second");
        kpi(h, String.format(Locale.ROOT, "%,d", r.sent()), "queries sent");
        kpi(h, String.format(Locale.ROOT, "%,d", r.received()), "answered");
        kpi(h, String.format(Locale.ROOT, "%,d (%s%%)", r.lost(), num(r.lostPercent())), "lost");
        kpi(h, ms(l.p50()), "p50 ms");
        kpi(h, ms(l.p90()), "p90 ms");
        kpi(h, ms(l.p99()), "p99 ms");
        kpi(h, ms(l.p999()), "p99.9 ms");
        kpi(h, ms(l.max()), "max ms");
        h.append("</div>");
    }

    private static void kpi(StringBuilder h, String value, String label) {
        h.append("<div class=\"kpi\"><b>").append(esc(value)).append("</b><span>").append(esc(label))
                .append("</span></div>");
    }

    private static void timeCharts(StringBuilder h, Report r) {
        List<TimelinePoint> t = r.timeline();
        h.append("<h2>Over time</h2>");
        if (t.isEmpty()) {
            h.append("<p class=\"muted\">The measured part was shorter than a second: no timeline.</p>");
            return;
        }
        int n = t.size();
        double[] x = new double[n];
        double[] rate = new double[n];
        double[] lost = new double[n];
        double[] errors = new double[n];
        double[] p50 = new double[n];
        double[] p99 = new double[n];
        double[] named = new double[n];
        boolean anyNamed = false;
        for (int i = 0; i < n; i++) {
            TimelinePoint p = t.get(i);
            x[i] = p.second();
            rate[i] = p.rate();
            lost[i] = p.lost();
            errors[i] = p.errors();
            p50[i] = p.p50();
            p99[i] = p.p99();
            named[i] = p.watchNamed();
            anyNamed |= p.watchNamed() > 0;
        }
        List<Svg.Marker> markers = markers(r.scenario());
        List<Svg.Series> rateSeries = new ArrayList<>(List.of(
                new Svg.Series("answers/s", x, rate, Svg.COLORS[0], false),
                new Svg.Series("lost in the second", x, lost, Svg.COLORS[1], false),
                new Svg.Series("not NOERROR in the second", x, errors, Svg.COLORS[3], true)));
        if (anyNamed) {
            rateSeries.add(new Svg.Series("answers naming the watched node", x, named, Svg.COLORS[4], false));
        }
        h.append(Svg.lineChart("Rate over time", "seconds after warm-up", "per second", rateSeries, false, null, null,
                markers, WIDTH, 300));
        h.append(Svg.lineChart("Latency over time (answers received in each second)", "seconds after warm-up", "ms",
                List.of(new Svg.Series("p50", x, p50, Svg.COLORS[2], false),
                        new Svg.Series("p99", x, p99, Svg.COLORS[1], false)), false, null, null, markers, WIDTH, 260));
    }

    @SuppressWarnings("unchecked")
    private static List<Svg.Marker> markers(Map<String, Object> scenario) {
        List<Svg.Marker> out = new ArrayList<>();
        if (scenario == null || !(scenario.get("events") instanceof List<?> events)) {
            return out;
        }
        for (Object o : events) {
            if (o instanceof Map<?, ?> m && m.get("second") instanceof Number sec) {
                out.add(new Svg.Marker(sec.doubleValue(), String.valueOf(m.get("what"))));
            }
        }
        return out;
    }

    private static void latencyCharts(StringBuilder h, Report r) {
        h.append("<h2>Latency distribution</h2>");
        List<Report.Percentile> d = r.latencyDistribution();
        if (d.isEmpty()) {
            h.append("<p class=\"muted\">No answers: no latencies.</p>");
            return;
        }
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (Report.Percentile p : d) {
            double x = p.percentile() >= 100 ? Double.MAX_VALUE : 1 / (1 - p.percentile() / 100);
            if (x >= 1e5) {
                continue; // beyond 99.999%: drawn as the max point at the right edge
            }
            xs.add(x);
            ys.add(p.ms());
        }
        xs.add(1e5);
        ys.add(r.latencyMs().max());
        double[] ticks = {1, 2, 10, 100, 1000, 10000, 100000};
        String[] labels = {"0%", "50%", "90%", "99%", "99.9%", "99.99%", "max"};
        h.append(Svg.lineChart("Latency by percentile (how slow the slowest x% were)", "percentile", "ms",
                List.of(new Svg.Series("latency", toArray(xs), toArray(ys), Svg.COLORS[0], false)), true, ticks,
                labels, null, WIDTH, 300));
        List<Report.Bucket> b = r.latencyHistogram();
        double[] bx = new double[b.size()];
        double[] by = new double[b.size()];
        for (int i = 0; i < b.size(); i++) {
            bx[i] = Math.max(b.get(i).toMs(), 0.001);
            by[i] = b.get(i).count();
        }
        List<Double> tl = new ArrayList<>();
        for (double v = 0.01; v <= Math.max(bx.length == 0 ? 1 : bx[bx.length - 1], 0.01) * 1.001; v *= 10) {
            tl.add(v);
        }
        String[] tlabels = new String[tl.size()];
        for (int i = 0; i < tlabels.length; i++) {
            tlabels[i] = num(tl.get(i));
        }
        h.append(Svg.lineChart("Latency histogram (answers per bucket; buckets 25% wider each)", "ms (log scale)",
                "answers", List.of(new Svg.Series("answers", bx, by, Svg.COLORS[5], false)), true, toArray(tl),
                tlabels, null, WIDTH, 260));
    }

    private static void answers(StringBuilder h, Report r) {
        h.append("<h2>Where the answers went</h2>");
        // a site keeps its colour in both charts, so an address's bar shows where it belongs
        Map<String, String> siteColor = new java.util.HashMap<>();
        if (!r.sites().isEmpty()) {
            List<Svg.Bar> bars = new ArrayList<>();
            for (Map.Entry<String, Long> e : r.sites().entrySet()) {
                String color = Svg.COLORS[siteColor.size() % Svg.COLORS.length];
                siteColor.put(e.getKey(), color);
                bars.add(new Svg.Bar(e.getKey(), e.getValue(), share(e.getValue(), r.received()) + "  ("
                        + String.format(Locale.ROOT, "%,d", e.getValue()) + ")", color));
            }
            h.append(Svg.bars("Answers per site (site of each answer's first address)", bars, WIDTH));
            h.append("<p class=\"muted\">Site map: ").append(esc(r.settings().siteMap())).append("</p>");
        } else {
            h.append("<p class=\"muted\">No site map (give --admin-url or --sites): answers per address only.</p>");
        }
        List<Svg.Bar> bars = new ArrayList<>();
        int i = 0;
        Map<String, String> siteOf = siteOfAnswers(r);
        for (Map.Entry<String, Long> e : r.answers().entrySet()) {
            if (i++ == 24) {
                break;
            }
            String site = siteOf.get(e.getKey());
            bars.add(new Svg.Bar(e.getKey() + (site != null ? " (" + site + ")" : ""), e.getValue(),
                    share(e.getValue(), r.received()) + " of answers",
                    siteColor.isEmpty() ? null : siteColor.getOrDefault(site, "#9ca3af")));
        }
        if (!bars.isEmpty()) {
            h.append(Svg.bars("Addresses in answers" + (r.answers().size() > 24 ? " (top 24 of "
                    + r.answers().size() + ")" : ""), bars, WIDTH));
        }
        if (!r.ecsScopes().isEmpty()) {
            h.append("<table><tr><th>ECS scope</th><th>answers</th><th>share</th></tr>");
            r.ecsScopes().forEach((k, v) -> h.append("<tr><td>/").append(esc(k)).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%,d", v)).append("</td><td>").append(share(v, r.received()))
                    .append("</td></tr>"));
            h.append("</table>");
        }
    }

    /** The site of each answered address the map knows. */
    private static Map<String, String> siteOfAnswers(Report r) {
        return r.addressSites() == null ? Map.of() : r.addressSites();
    }

    private static void details(StringBuilder h, Report r) {
        h.append("<h2>Details</h2><table><tr><th>RCODE</th><th>answers</th><th>share</th></tr>");
        r.rcodes().forEach((k, v) -> h.append("<tr><td>").append(esc(k)).append("</td><td>")
                .append(String.format(Locale.ROOT, "%,d", v)).append("</td><td>").append(share(v, r.received()))
                .append("</td></tr>"));
        h.append("</table>");
        h.append("<table><tr><th>server</th><th>sent</th><th>answered</th><th>lost</th></tr>");
        for (Report.ServerStats s : r.servers()) {
            h.append("<tr><td>").append(esc(s.server())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%,d</td><td>%,d</td><td>%,d", s.sent(), s.received(),
                            s.lost())).append("</td></tr>");
        }
        h.append("</table>");
        Report.Problems p = r.problems();
        h.append("<table><tr><th>not an ordinary answer</th><th>count</th></tr>");
        row(h, "unexpected (no query in flight with that ID: late or wrong ID)", p.unexpected());
        row(h, "mismatched (right ID, other question)", p.mismatched());
        row(h, "malformed (not a DNS response)", p.malformed());
        row(h, "truncated (TC set)", p.truncated());
        row(h, "answers with cut or bad records", p.recordsMalformed());
        row(h, "send or socket errors", p.sendErrors());
        row(h, "queries lost with a closed TCP connection", p.connectionLosses());
        row(h, "answer changes (same question and network, other answer)", r.answerChanges());
        h.append("</table>");
        if (r.sendLagMs() != null) {
            h.append(String.format(Locale.ROOT, "<p class=\"muted\">Open loop: queries left p50 %s ms, p99 %s ms, at "
                    + "worst %s ms behind their schedule; their latency counts from the scheduled time.</p>",
                    ms(r.sendLagMs().p50()), ms(r.sendLagMs().p99()), ms(r.sendLagMs().max())));
        }
        Report.Settings s = r.settings();
        Report.Environment e = r.environment();
        h.append("<table><tr><th>setting</th><th>value</th></tr>");
        kv(h, "servers", String.join(" ", s.servers()));
        kv(h, "queries", s.queries() + ", " + s.distinctQuestions() + " distinct question(s)");
        kv(h, "ECS", s.ecs() == null ? "none" : s.ecs());
        kv(h, "DNSSEC OK (DO bit)", s.dnssecOk() ? "on: every query asked for signed answers" : "off");
        kv(h, "timeout", s.timeoutMs() + " ms");
        kv(h, "java", e.java());
        kv(h, "os", e.os() + ", " + e.cpus() + " cpus, load " + e.loadAverage());
        kv(h, "transport", e.transport());
        kv(h, "host", e.host());
        h.append("</table>");
    }

    private static void scenario(StringBuilder h, Map<String, Object> sc) {
        h.append("<h2>Scenario: ").append(esc(String.valueOf(sc.get("name")))).append("</h2><table>");
        for (Map.Entry<String, Object> e : sc.entrySet()) {
            if (e.getKey().equals("events") || e.getKey().equals("name")) {
                continue;
            }
            kv(h, e.getKey(), String.valueOf(e.getValue()));
        }
        h.append("</table>");
    }

    private static void row(StringBuilder h, String label, long v) {
        h.append("<tr><td>").append(esc(label)).append("</td><td>").append(String.format(Locale.ROOT, "%,d", v))
                .append("</td></tr>");
    }

    private static void kv(StringBuilder h, String k, String v) {
        h.append("<tr><td>").append(esc(k)).append("</td><td style=\"text-align:left\">").append(esc(v))
                .append("</td></tr>");
    }

    private static double[] toArray(List<Double> l) {
        double[] a = new double[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }

    private static String share(long v, long total) {
        return total == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * v / total);
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String num(double v) {
        return Svg.num(v);
    }

    private static String esc(String s) {
        return Svg.esc(s);
    }
}
