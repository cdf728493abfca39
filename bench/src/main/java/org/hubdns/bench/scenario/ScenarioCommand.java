package org.hubdns.bench.scenario;

import java.io.PrintStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code scenario failover} and {@code scenario cluster}: load with an event in the middle. */
@Command(name = "scenario", mixinStandardHelpOptions = true,
        description = "Load with an event in the middle: a node drained or stopped (failover), a member killed "
                + "(cluster). Both are bounded and loopback-only unless --allow-remote.")
public final class ScenarioCommand implements Runnable {
    @Spec
    CommandSpec spec;

    private final String[] args;
    private final PrintStream out;
    private final PrintStream err;

    public ScenarioCommand(String[] args, PrintStream out, PrintStream err) {
        this.args = args;
        this.out = out;
        this.err = err;
    }

    /** Adds the scenarios under this command (done by Main, which owns the output streams). */
    public void register(CommandLine self) {
        self.addSubcommand("failover", new FailoverCommand(args, out, err));
        self.addSubcommand("cluster", new ClusterCommand(args, out, err));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "which scenario? give 'failover' or 'cluster'");
    }
}
