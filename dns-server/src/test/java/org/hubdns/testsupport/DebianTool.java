package org.hubdns.testsupport;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A command-line tool from a Debian package that a test runs as a real peer (delv, unbound, dnsviz,
 * knotd): found in the system directories only, run with a PATH of those directories (so that a
 * Python tool runs on Debian's Python and its modules, not on a python3 earlier in the caller's
 * PATH), bounded in time, its output kept for the failure message.
 */
public record DebianTool(String name, String debianPackage, Path path) {
    /** Debian's own directories, in the order its PATH has them. */
    static final List<String> SYSTEM_PATH = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin",
            "/sbin", "/bin");

    /** What one run printed (standard output and error together) and how it ended. */
    public record Run(List<String> command, int exit, String output) {
        @Override
        public String toString() {
            return "$ " + String.join(" ", command) + "\n(exit " + exit + ")\n" + output;
        }
    }

    /** The tool, or a failed test saying what to install (.ci/run installs it on CI). */
    public static DebianTool require(String name, String debianPackage) {
        for (String d : SYSTEM_PATH) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return new DebianTool(name, debianPackage, p);
            }
        }
        return fail("this test runs the real " + name + " and it is not installed: apt-get install " + debianPackage
                + " (.ci/run installs it)");
    }

    /** A process of this tool with the system PATH, {@code dir} as working directory. */
    public ProcessBuilder process(Path dir, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(path.toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("PATH", String.join(":", SYSTEM_PATH));
        pb.environment().remove("PYTHONPATH");
        pb.environment().remove("PYTHONHOME");
        return pb;
    }

    /** Runs the tool to its end (killed after {@code limit}, which fails the test). */
    public Run run(Path dir, Duration limit, List<String> args) throws IOException, InterruptedException {
        return run(process(dir, args), limit);
    }

    static Run run(ProcessBuilder pb, Duration limit) throws IOException, InterruptedException {
        Process p = pb.start();
        p.getOutputStream().close();
        // read while it runs: a full pipe would stall the tool
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output not read: " + e + ")";
            }
        });
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            return fail("%s did not finish within %s; it printed:%n%s", pb.command(), limit,
                    out.getNow("(nothing yet)"));
        }
        try {
            return new Run(pb.command(), p.exitValue(), out.get(5, TimeUnit.SECONDS));
        } catch (Exception e) {
            return new Run(pb.command(), p.exitValue(), "(output not read: " + e + ")");
        }
    }

    /** Stops a long-running tool: SIGTERM, then SIGKILL after 5 s; its children too. */
    static void stop(Process p) throws InterruptedException {
        if (p == null) {
            return;
        }
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    /** The last {@code n} lines of a log file, for a failure message. */
    static String tail(Path file, int n) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException e) {
            return "(" + file + " not readable: " + e.getMessage() + ")";
        }
    }
}
