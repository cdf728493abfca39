package org.hubdns.bench.scenario;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.hubdns.bench.BenchInputException;
import org.hubdns.bench.Console;
import org.hubdns.bench.CtrlC;
import org.hubdns.bench.LoadOptions;
import org.hubdns.bench.Main;
import org.hubdns.bench.engine.AnswerWatch;
import org.hubdns.bench.engine.Progress;
import org.hubdns.bench.engine.RunResult;
import org.hubdns.bench.engine.RunSettings;
import org.hubdns.bench.engine.Sample;
import org.hubdns.bench.report.AdminApi;
import org.hubdns.bench.report.Report;
import org.hubdns.bench.report.ReportBuilder;
import org.hubdns.bench.report.ReportFiles;
import org.hubdns.bench.report.SiteMap;
import org.hubdns.bench.wire.EcsList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Steady load; then one node is drained through the API (or stopped with the operator's command,
 * so that its health checks fail); reports how long until no answer named it, and the error rate
 * meanwhile. The node is undrained at the end unless told otherwise.
 */
@Command(name = "failover", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Drain (or stop) one cache node under load and measure the time until no answer names it.",
            "Example: scenario failover --server 127.0.0.1:5300 --name video.pk-hub.example --admin-url "
                + "http://127.0.0.1:8053 --admin-token-file data/admin.token --node demo-isb-1"})
final class FailoverCommand implements Callable<Integer> {
    @Mixin
    LoadOptions load = new LoadOptions();

    @Option(names = "--node", required = true, paramLabel = "ID", description = "the cache node to drain or stop")
    String node;

    @Option(names = "--stop-cmd", paramLabel = "CMD",
            description = "run this shell command instead of draining (e.g. stop the cache so its health checks fail)")
    String stopCmd;

    @Option(names = "--before", paramLabel = "SECONDS", description = "steady load before the drain (default 5)")
    double before = 5;

    @Option(names = "--max-wait", paramLabel = "SECONDS",
            description = "give up when answers still name the node this long after the drain (default 60)")
    double maxWait = 60;

    @Option(names = "--settle", paramLabel = "SECONDS",
            description = "answers must leave the node out for this long to count as converged (default 3)")
    double settle = 3;

    @Option(names = "--keep-drained", description = "leave the node drained at the end (default: undrain it)")
    boolean keepDrained;

    private final String[] args;
    private final PrintStream out;
    private final PrintStream err;

    FailoverCommand(String[] args, PrintStream out, PrintStream err) {
        this.args = args;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        if (load.hasCount()) {
            throw new BenchInputException("scenario failover is bounded by --before, --max-wait and --settle; "
                    + "--count does not apply");
        }
        if (before < 1 || before > 600 || maxWait < 1 || maxWait > 3600 || settle < 0.5 || settle > 600) {
            throw new BenchInputException("--before 1-600, --max-wait 1-3600 and --settle 0.5-600 seconds");
        }
        AdminApi api = load.adminApi();
        if (api == null) {
            throw new BenchInputException("scenario failover needs --admin-url (it reads the node's addresses and "
                    + "drains it through the API), e.g. --admin-url http://127.0.0.1:8053");
        }
        List<AdminApi.Node> nodes = api.nodes();
        AdminApi.Node target = nodes.stream().filter(n -> n.id().equals(node)).findFirst().orElseThrow(() ->
                new BenchInputException("--node " + node + ": no such node; the API lists " + ids(nodes)));
        List<Integer> v4 = new ArrayList<>();
        for (String a : target.addresses()) {
            byte[] b = EcsList.parseIpv4(a);
            if (b != null) {
                v4.add(((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff));
            }
        }
        if (v4.isEmpty()) {
            throw new BenchInputException("--node " + node + " has no IPv4 address (" + target.addresses()
                    + "); the scenario watches A answers");
        }
        SiteMap sites = load.siteMap(api);
        if (load.reportDir() != null) {
            ReportFiles.checkWritable(load.reportDir());
        }
        RunSettings base = load.settings();
        double bound = before + maxWait + settle + 2;
        RunSettings s = base.withWatch(new AnswerWatch(v4.stream().mapToInt(Integer::intValue).toArray()))
                .withDuration(base.warmupNanos(), (long) (bound * 1e9));

        AtomicLong lastNamed = new AtomicLong(Long.MIN_VALUE);
        AtomicLong named = new AtomicLong();
        Console console = new Console(out, load.quiet());
        Instant started = Instant.now();
        BackgroundRun bg = new BackgroundRun(s, console, p -> {
            named.addAndGet(p.sample().watchNamed());
            lastNamed.accumulateAndGet(p.sample().watchLastSent(), Sample::latest);
        });
        try (CtrlC ctrlC = new CtrlC(bg.control, s.timeoutNanos() / 1_000_000 + 10_000)) {
            Progress p = waitForMeasured(bg, before, base.warmupNanos() / 1e9 + before + 30);
            long measureStart = p.measureStart();
            long namedBefore = named.get();
            if (namedBefore == 0) {
                bg.stopAndGet(s.timeoutNanos() / 1_000_000 + 10_000);
                err.println("hubdns-bench: node " + node + " (" + String.join(", ", target.addresses()) + ", site "
                        + target.site() + ") was in no answer during the " + before + " s before the drain, so "
                        + "there is nothing to measure. Ask for its platform's hostname (--name) from clients its "
                        + "site serves (--ecs-file with networks of site " + target.site() + "), or pick a node "
                        + "that is answered.");
                return Main.FAILED;
            }
            long actionAt = System.nanoTime();
            String action;
            String actionResult;
            if (stopCmd != null) {
                action = "stop-cmd: " + stopCmd;
                actionResult = StopCommand.run(stopCmd, out);
            } else {
                api.drain(node);
                action = "drain " + node + " through the API";
                actionResult = "ok";
            }
            out.println("scenario: " + action + " at " + fmt((actionAt - measureStart) / 1e9) + " s (" + actionResult
                    + ")");
            long settleNanos = (long) (settle * 1e9);
            long deadline = actionAt + (long) (maxWait * 1e9);
            boolean converged = false;
            while (!bg.finished()) {
                long now = System.nanoTime();
                long quietSince = Sample.latest(lastNamed.get(), actionAt);
                Progress lp = bg.last();
                if (now - quietSince >= settleNanos && lp != null && lp.nanoTime() - quietSince >= settleNanos
                        && lp.rate() > 0) {
                    converged = true;
                    break;
                }
                if (now - deadline > 0) {
                    break;
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
            RunResult r = bg.stopAndGet(s.timeoutNanos() / 1_000_000 + 10_000);
            String restored = "left drained (--keep-drained)";
            if (stopCmd == null && !keepDrained) {
                api.undrain(node);
                restored = "undrained";
            } else if (stopCmd != null) {
                restored = "not restarted (the stop command is the operator's)";
            }
            double actionSecond = (actionAt - measureStart) / 1e9;
            double convergedAfter = Math.max(0, (Sample.latest(lastNamed.get(), actionAt) - actionAt) / 1e9);
            double windowEnd = converged ? actionSecond + convergedAfter + 1 : actionSecond + maxWait + 1;
            Window w = Window.of(r.timeline(), actionSecond, windowEnd, s.servers().size());
            Map<String, Object> sc = new LinkedHashMap<>();
            sc.put("name", "failover");
            sc.put("node", node);
            sc.put("addresses", target.addresses());
            sc.put("site", target.site());
            sc.put("action", action);
            sc.put("actionResult", actionResult);
            sc.put("actionAtSecond", round(actionSecond));
            sc.put("converged", converged);
            sc.put("convergedAfterSeconds", converged ? round(convergedAfter) : null);
            sc.put("answersNamingNodeBefore", namedBefore);
            sc.put("answersNamingNodeAfter", named.get() - namedBefore);
            sc.put("windowQueries", w.received() + w.lost());
            sc.put("windowLost", w.lost());
            sc.put("windowErrors", w.errors());
            sc.put("windowErrorRate", w.errorRate());
            sc.put("node state at the end", restored);
            List<Map<String, Object>> events = new ArrayList<>();
            events.add(Map.of("second", round(actionSecond), "what", stopCmd != null ? "stop" : "drain"));
            if (converged) {
                events.add(Map.of("second", round(actionSecond + convergedAfter), "what", "last answer naming it"));
            }
            sc.put("events", events);
            Report report = ReportBuilder.build(Main.commandLine(args), s, r, sites, load.questions().description(),
                    started, sc);
            console.summary(report);
            out.println(String.format(Locale.ROOT, "  %-13s %s", "failover", converged
                    ? String.format(Locale.ROOT, "no answer named %s %.3f s after the %s (last one sent then); "
                            + "error rate meanwhile %.4f%% (%d lost, %d not NOERROR of %d)", node, convergedAfter,
                            stopCmd != null ? "stop" : "drain", w.errorRate() * 100, w.lost(), w.errors(),
                            w.received() + w.lost())
                    : String.format(Locale.ROOT, "answers still named %s %.0f s after the %s: not converged", node,
                            maxWait, stopCmd != null ? "stop" : "drain")));
            out.println(String.format(Locale.ROOT, "  %-13s %s", "node", restored));
            if (load.reportDir() != null) {
                ReportFiles.write(load.reportDir(), report);
                out.println("  report        " + load.reportDir().resolve(ReportFiles.JSON) + " and "
                        + load.reportDir().resolve(ReportFiles.HTML));
            }
            return converged ? Main.OK : Main.FAILED;
        }
    }

    /** Waits until the run has measured for {@code seconds}; fails if the run ends first or {@code bound} passes. */
    static Progress waitForMeasured(BackgroundRun bg, double seconds, double boundSeconds) throws Exception {
        long deadline = System.nanoTime() + (long) (boundSeconds * 1e9);
        while (System.nanoTime() - deadline < 0) {
            if (bg.finished()) {
                bg.get(1000); // rethrows what ended it
                throw new IllegalStateException("the load ended before the scenario's event");
            }
            Progress p = bg.last();
            if (p != null && p.nanoTime() - p.measureStart() >= (long) (seconds * 1e9) - 500_000_000L) {
                return p;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new IllegalStateException("the load did not report progress in " + boundSeconds + " s");
    }

    private static String ids(List<AdminApi.Node> nodes) {
        List<String> ids = nodes.stream().map(AdminApi.Node::id).toList();
        return ids.isEmpty() ? "no node (is the token the operator's?)"
                : String.join(", ", ids.subList(0, Math.min(20, ids.size()))) + (ids.size() > 20 ? ", ..." : "");
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
