package org.hubdns.bgpfeed;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * bgp-feed's log: standard error, one line per event. Not SLF4J, whose configuration writes to
 * standard output, which ExaBGP would read as commands.
 */
final class Log {
    private Log() {
    }

    static void info(String message) {
        line("INFO ", message);
    }

    static void warn(String message) {
        line("WARN ", message);
    }

    static void error(String message) {
        line("ERROR", message);
    }

    private static void line(String level, String message) {
        PrintStream err = System.err;
        synchronized (err) {
            err.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + level + " bgp-feed - " + message);
            err.flush();
        }
    }
}
