package org.hubdns.server;

import org.hubdns.bgpfeed.BgpFeedCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar hubdns.jar serve [options]}: the entry point; see {@link ServeCommand} and {@link BgpFeedCommand}. */
@Command(name = "hubdns", mixinStandardHelpOptions = true, version = "hubdns 0.1.0",
        description = "Clustered authoritative DNS that steers users to healthy in-country cache nodes.",
        subcommands = {ServeCommand.class, BgpFeedCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Parses and runs; returns the exit code (0 ok, 1 failed at run time, 2 bad usage). */
    public static int run(String[] args) {
        if (args.length > 0 && args[0].equals("bgp-feed")) {
            System.setOut(System.err); // under ExaBGP, standard output is its command channel: write nothing there
        }
        CommandLine cmd = new CommandLine(new Main());
        CommandLine serve = cmd.getSubcommands().get("serve");
        try {
            YamlDefaults.install(serve, args);
        } catch (YamlDefaults.ConfigException e) {
            System.err.println("hubdns: error: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        return cmd.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
