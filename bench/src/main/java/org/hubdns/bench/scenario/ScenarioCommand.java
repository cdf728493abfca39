package org.hubdns.bench.scenario;

import java.io.PrintStream;
import picocli.CommandLine.Command;

/** {@code scenario failover} and {@code scenario cluster}. */
@Command(name = "scenario", mixinStandardHelpOptions = true,
        description = "Load with an event in the middle: a node drained or stopped, a cluster member killed.")
public final class ScenarioCommand implements Runnable {
    public ScenarioCommand(String[] args, PrintStream out, PrintStream err) {
    }

    @Override
    public void run() {
    }
}
