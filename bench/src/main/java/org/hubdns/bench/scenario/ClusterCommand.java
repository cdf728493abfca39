package org.hubdns.bench.scenario;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.hubdns.bench.BenchInputException;
import org.hubdns.bench.Console;
import org.hubdns.bench.CtrlC;
import org.hubdns.bench.LoadOptions;
import org.hubdns.bench.Main;
import org.hubdns.bench.engine.Progress;
import org.hubdns.bench.engine.RunResult;
import org.hubdns.bench.engine.RunSettings;
import org.hubdns.bench.report.AdminApi;
import org.hubdns.bench.report.Report;
import org.hubdns.bench.report.ReportBuilder;
import org.hubdns.bench.report.ReportFiles;
import org.hubdns.bench.report.SiteMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Load spread over three members while one is killed: the operator names its pid, or the
 * scenario starts three members itself and kills the third. The killed member's {@code --server}
 * is the one its process listens on (its sockets in {@code /proc}); the run's timeline is cut at
 * the kill, so the answers and timeouts of each member are counted from that instant. Reports
 * timeouts and answer changes before and after, per server.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Spread load over cluster members and kill one; report timeouts and answer changes.",
            "Example: scenario cluster --start-members --jar dns-server/target/hubdns.jar --name video.pk-hub.example "
                + "--ecs-random 1000",
            "     or: scenario cluster --server 127.0.0.1:5301 --server 127.0.0.1:5302 --server 127.0.0.1:5303 "
                + "--pid 12345 --name video.pk-hub.example"})
final class ClusterCommand implements Callable<Integer> {
    enum Signal { KILL, TERM }

    @Mixin
    LoadOptions load = new LoadOptions();

    @Option(names = "--pid", paramLabel = "PID", description = "the member to kill (one of the --server members)")
    Long pid;

    @Option(names = "--signal", paramLabel = "KILL|TERM", description = "how to stop it (default KILL)")
    Signal signal = Signal.KILL;

    @Option(names = "--start-members", description = "start three members on free 127.0.0.1 ports and kill the third")
    boolean startMembers;

    @Option(names = "--jar", paramLabel = "PATH",
            description = "hubdns.jar for --start-members (default dns-server/target/hubdns.jar)")
    Path jar = Path.of("dns-server", "target", "hubdns.jar");

    @Option(names = "--kill-after", paramLabel = "SECONDS", description = "measured load before the kill (default 5)")
    double killAfter = 5;

    @Option(names = "--after", paramLabel = "SECONDS", description = "load after the kill (default 10)")
    double after = 10;

    private final String[] args;
    private final PrintStream out;
    private final PrintStream err;

    ClusterCommand(String[] args, PrintStream out, PrintStream err) {
        this.args = args;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        if (load.hasCount()) {
            throw new BenchInputException("scenario cluster is bounded by --kill-after and --after; --count does "
                    + "not apply");
        }
        if (killAfter < 1 || killAfter > 600 || after < 1 || after > 600) {
            throw new BenchInputException("--kill-after and --after: 1-600 seconds");
        }
        if (startMembers == (pid != null)) {
            throw new BenchInputException("give either --pid PID (of one of the --server members) or "
                    + "--start-members (the scenario starts three members and kills one)");
        }
        if (startMembers && load.hasServers()) {
            throw new BenchInputException("--start-members picks its members' addresses itself; leave out --server");
        }
        ProcessHandle victim = null;
        Set<Integer> killed = new TreeSet<>();
        if (pid != null) {
            victim = checkPid(pid);
        }
        load.questions(); // a bad query flag fails before any member is started
        LocalMembers members = null;
        try {
            RunSettings base;
            SiteMap sites;
            if (startMembers) {
                members = LocalMembers.start(jar, out::println);
                List<InetSocketAddress> targets = new ArrayList<>();
                for (LocalMembers.Member m : members.members()) {
                    targets.add(m.dns());
                }
                base = load.settings(targets);
                String token = java.nio.file.Files.readString(members.dir.resolve("admin.token")).strip();
                AdminApi api = new AdminApi(java.net.URI.create("http://127.0.0.1:"
                        + members.members().get(0).httpPort()), token);
                sites = SiteMap.fromNodes(api.nodes(), "the started members' API");
                victim = members.members().get(LocalMembers.COUNT - 1).process().toHandle();
                killed.add(LocalMembers.COUNT - 1);
            } else {
                base = load.settings();
                if (base.servers().size() < 2) {
                    throw new BenchInputException("give the members as --server (two or more, one of them the "
                            + "member with --pid " + pid + ")");
                }
                killed.addAll(serversOf(pid, base.servers(), base.tcp()));
                sites = load.siteMap(load.adminApi());
            }
            if (load.reportDir() != null) {
                ReportFiles.checkWritable(load.reportDir());
            }
            return run(base, sites, victim, killed, members);
        } finally {
            if (members != null) {
                members.close();
                out.println("scenario: stopped the members it started (logs in " + members.dir + ")");
            }
        }
    }

    private int run(RunSettings base, SiteMap sites, ProcessHandle victim, Set<Integer> killed, LocalMembers members)
            throws Exception {
        RunSettings s = base.withDuration(base.warmupNanos(), (long) ((killAfter + after) * 1e9));
        Console console = new Console(out, load.quiet());
        Instant started = Instant.now();
        BackgroundRun bg = new BackgroundRun(s, console, p -> { });
        try (CtrlC ctrlC = new CtrlC(bg.control, s.timeoutNanos() / 1_000_000 + 10_000)) {
            Progress p = FailoverCommand.waitForMeasured(bg, killAfter, base.warmupNanos() / 1e9 + killAfter + 30);
            // the timeline's interval ends here, so every answer and timeout after it is counted as after the kill
            long killAt = bg.control.markNow().get(10, TimeUnit.SECONDS);
            boolean sent = signal == Signal.KILL ? victim.destroyForcibly() : victim.destroy();
            int n = s.servers().size();
            String what = "SIG" + signal + " to pid " + victim.pid() + (members != null ? " (member 3, " : " (")
                    + String.join(", ", killed.stream().map(i -> hostPort(s.servers().get(i))).toList()) + ")";
            double killSecond = round3((killAt - p.measureStart()) / 1e9);
            out.println("scenario: " + what + " at " + String.format(Locale.ROOT, "%.3f", killSecond) + " s"
                    + (sent ? "" : " (the signal could not be sent)"));
            RunResult r = bg.get((long) ((after + 30) * 1000) + s.timeoutNanos() / 1_000_000);
            Window before = Window.of(r.timeline(), 0, killSecond, n);
            Window afterKill = Window.of(r.timeline(), killSecond, Double.MAX_VALUE, n);
            // answers and timeouts after the kill: the run's totals less the timeline up to the kill (the
            // timeline leaves out a last sliver of the drain, where the victim's last timeouts fall)
            long[] answeredAfter = new long[n];
            long[] lostAfter = new long[n];
            long timeoutsAfter = 0;
            for (int i = 0; i < n; i++) {
                answeredAfter[i] = r.receivedBy()[i] - before.receivedBy()[i];
                lostAfter[i] = r.lostBy()[i] - before.lostBy()[i];
                timeoutsAfter += lostAfter[i];
            }
            List<Map<String, Object>> perServer = new ArrayList<>();
            long survivorsLost = 0;
            for (int i = 0; i < n; i++) {
                boolean dead = killed.contains(i);
                if (!dead) {
                    survivorsLost += lostAfter[i];
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("server", hostPort(s.servers().get(i)));
                m.put("answeredBefore", before.receivedBy()[i]);
                m.put("lostBefore", before.lostBy()[i]);
                m.put("answeredAfter", answeredAfter[i]);
                m.put("lostAfter", lostAfter[i]);
                m.put("killed", dead);
                perServer.add(m);
            }
            Map<String, Object> sc = new LinkedHashMap<>();
            sc.put("name", "cluster");
            sc.put("killed", what);
            sc.put("killAtSecond", FailoverCommand.round(killSecond));
            sc.put("timeoutsBefore", before.lost());
            sc.put("timeoutsAfter", timeoutsAfter);
            sc.put("timeoutsAfterOnSurvivors", survivorsLost);
            sc.put("answerChangesBefore", before.answerChanges());
            sc.put("answerChangesAfter", afterKill.answerChanges());
            sc.put("errorsAfter", afterKill.errors());
            sc.put("servers", perServer);
            sc.put("events", List.of(Map.of("second", FailoverCommand.round(killSecond), "what", "kill")));
            Report report = ReportBuilder.build(Main.commandLine(args), s, r, sites, load.questions().description(),
                    started, sc);
            console.summary(report);
            out.println(String.format(Locale.ROOT, "  %-13s %s at %.1f s; timeouts before %d, after %d (%d on the "
                    + "surviving members); answer changes before %d, after %d; not NOERROR after %d", "cluster", what,
                    killSecond, before.lost(), timeoutsAfter, survivorsLost, before.answerChanges(),
                    afterKill.answerChanges(), afterKill.errors()));
            if (load.reportDir() != null) {
                ReportFiles.write(load.reportDir(), report);
                out.println("  report        " + load.reportDir().resolve(ReportFiles.JSON) + " and "
                        + load.reportDir().resolve(ReportFiles.HTML));
            }
            return Main.OK;
        }
    }

    /**
     * The indexes of the {@code --server} addresses the process listens on (UDP, or TCP with
     * {@code --tcp}): the member the kill takes out. One at least, else the pid is not one of them.
     */
    static Set<Integer> serversOf(long pid, List<InetSocketAddress> servers, boolean tcp) throws BenchInputException {
        Set<InetSocketAddress> bound;
        try {
            bound = ProcessSockets.listening(pid, tcp);
        } catch (IOException | RuntimeException e) {
            throw new BenchInputException("--pid " + pid + ": cannot see which addresses it listens on (" + e
                    + "); the scenario reads /proc/" + pid + "/fd and /proc/" + pid + "/net (Linux), so run it as "
                    + "the member's user or as root");
        }
        Set<Integer> out = new TreeSet<>();
        for (int i = 0; i < servers.size(); i++) {
            for (InetSocketAddress b : bound) {
                if (ProcessSockets.serves(b, servers.get(i))) {
                    out.add(i);
                }
            }
        }
        if (out.isEmpty()) {
            throw new BenchInputException("--pid " + pid + " listens on none of the --server addresses ("
                    + String.join(", ", servers.stream().map(ClusterCommand::hostPort).toList()) + "; it listens on "
                    + (bound.isEmpty() ? "nothing" : String.join(", ", bound.stream().map(ClusterCommand::hostPort)
                            .distinct().toList())) + "): give the pid of one of the members under load");
        }
        return out;
    }

    /**
     * The pid must be a live process other than this one or its parent; which member it is (and that
     * it is one) is told by its sockets, see {@link #serversOf}. (Not by its command line: Java reads
     * only the first 4 KiB of it, and a member's classpath is often longer.)
     */
    private static ProcessHandle checkPid(long pid) throws BenchInputException {
        ProcessHandle self = ProcessHandle.current();
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            throw new BenchInputException("--pid " + pid + ": no such process");
        }
        if (pid == self.pid() || self.parent().map(pp -> pp.pid() == pid).orElse(false)) {
            throw new BenchInputException("--pid " + pid + " is this benchmark or its shell, not a member");
        }
        return h.get();
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
