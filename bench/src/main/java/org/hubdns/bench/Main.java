package org.hubdns.bench;

import java.io.PrintStream;
import java.io.PrintWriter;
import org.hubdns.bench.scenario.ScenarioCommand;
import picocli.CommandLine;

/**
 * {@code java -jar hubdns-bench.jar}: exit 0 after a run with answers, 1 when the run got no answer
 * at all or a scenario's goal was not met, 2 for a bad flag or input file (the message says which
 * and what to do).
 */
public final class Main {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    /** Runs the command line with output to the given streams (the tests call this). */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        BenchCommand root = new BenchCommand(args, out, err);
        CommandLine cl = new CommandLine(root);
        ScenarioCommand scenarios = new ScenarioCommand(args, out, err);
        cl.addSubcommand("scenario", scenarios);
        scenarios.register(cl.getSubcommands().get("scenario"));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("hubdns-bench: " + ex.getMessage());
            err.println("Try 'java -jar hubdns-bench.jar --help'"
                    + (ex.getCommandLine() != cl ? " or '... " + ex.getCommandLine().getCommandName() + " --help'"
                            : "") + ".");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            if (ex instanceof BenchInputException) {
                err.println("hubdns-bench: " + ex.getMessage());
                return USAGE;
            }
            if (ex instanceof InterruptedException) {
                err.println("hubdns-bench: interrupted");
                return FAILED;
            }
            err.println("hubdns-bench: failed: " + ex);
            ex.printStackTrace(err);
            return FAILED;
        });
        return cl.execute(args);
    }

    /** The command as typed, shell-quoted where needed, for the report. */
    public static String commandLine(String[] args) {
        StringBuilder sb = new StringBuilder("java -jar hubdns-bench.jar");
        for (String a : args) {
            sb.append(' ');
            if (a.matches("[A-Za-z0-9_./:=,@%+\\-\\[\\]]+")) {
                sb.append(a);
            } else {
                sb.append('\'').append(a.replace("'", "'\\''")).append('\'');
            }
        }
        return sb.toString();
    }
}
