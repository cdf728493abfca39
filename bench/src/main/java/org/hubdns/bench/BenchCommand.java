package org.hubdns.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.hubdns.bench.engine.LoadRun;
import org.hubdns.bench.engine.RunControl;
import org.hubdns.bench.engine.RunResult;
import org.hubdns.bench.engine.RunSettings;
import org.hubdns.bench.report.AdminApi;
import org.hubdns.bench.report.Compare;
import org.hubdns.bench.report.Report;
import org.hubdns.bench.report.ReportBuilder;
import org.hubdns.bench.report.ReportFiles;
import org.hubdns.bench.report.SiteMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The plain load run, and {@code --compare}. */
@Command(name = "hubdns-bench", mixinStandardHelpOptions = true, sortOptions = false,
        version = "hubdns-bench 0.1.0",
        description = {"DNS load generator for hubdns: UDP or TCP, closed loop (--concurrency) or open loop (--rate), "
            + "ECS client networks, and a report of rate, latency, RCODEs and where the answers went.",
            "Only targets in 127.0.0.0/8 and ::1 unless --allow-remote. Every run ends: --duration (default 10 s) "
                + "or --count, after --warmup."},
        footer = {"", "Examples:",
            "  java -jar hubdns-bench.jar --server 127.0.0.1:5300 --name www.pk-hub.example --duration 10",
            "  java -jar hubdns-bench.jar --queries q.txt --ecs-random 50000 --admin-url http://127.0.0.1:8053 "
                + "--admin-token-file data/admin.token --report out/",
            "  java -jar hubdns-bench.jar --compare before/report.json after/report.json",
            "  java -jar hubdns-bench.jar scenario failover --help"})
final class BenchCommand implements Callable<Integer> {
    @Mixin
    LoadOptions load = new LoadOptions();

    @Option(names = "--compare", arity = "2", paramLabel = "REPORT.json",
            description = "print two reports' rate, latency and shares side by side (no load is sent)")
    List<Path> compare;

    @Spec
    CommandSpec spec;

    private final String[] args;
    private final PrintStream out;
    private final PrintStream err;

    BenchCommand(String[] args, PrintStream out, PrintStream err) {
        this.args = args;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        if (compare != null) {
            if (spec.commandLine().getParseResult().matchedOptions().size() > 1) {
                throw new BenchInputException("--compare takes two report.json files and no other option");
            }
            Compare.print(compare.get(0), compare.get(1), out);
            return Main.OK;
        }
        RunSettings settings = load.settings();
        LoadOptions.Questions q = load.questions();
        AdminApi api = load.adminApi();
        SiteMap sites = load.siteMap(api);
        if (load.report != null) {
            ReportFiles.checkWritable(load.report);
        }
        Instant started = Instant.now();
        Console console = new Console(out, load.quiet);
        RunControl control = new RunControl();
        try (CtrlC ctrlC = new CtrlC(control, settings.timeoutNanos() / 1_000_000 + 10_000)) {
            RunResult result = LoadRun.run(settings, console, control);
            Report report = ReportBuilder.build(Main.commandLine(args), settings, result, sites, q.description(),
                    started, null);
            console.summary(report);
            if (load.report != null) {
                ReportFiles.write(load.report, report);
                out.println("  report        " + load.report.resolve(ReportFiles.JSON) + " and "
                        + load.report.resolve(ReportFiles.HTML));
            }
            if (result.received() == 0) {
                err.println("hubdns-bench: no answer at all; is a DNS server listening on " + String.join(", ",
                        report.settings().servers()) + (settings.tcp() ? " (TCP)" : " (UDP gives no error when "
                        + "nothing listens)") + "? Check --server.");
                return Main.FAILED;
            }
            return Main.OK;
        }
    }
}
