package org.hubdns.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that runs {@code hubdns ARGS} as a separate process from this build's classes,
 * the way the launcher runs the jar: for tests of what only a process shows (exit codes, signals,
 * start-up, kill -9, ExaBGP running {@code hubdns bgp-feed}).
 */
public final class HubDnsCommand {
    /** What Hazelcast needs opened on JDK 17 (the launcher and the systemd unit pass the same). */
    private static final List<String> HAZELCAST_OPENS = List.of("--add-modules", "java.se",
            "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.management/sun.management=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

    private HubDnsCommand() {
    }

    /**
     * {@code java ... org.hubdns.server.Main args}. C1 only and the serial collector: the process lives
     * for seconds, so the C2 compiler and a parallel collector would cost more CPU than they save.
     *
     * @param maxHeap {@code -Xmx} value (e.g. "256m"), or null for the JVM's default
     * @param operatorLog whether to log as the jar does (logback.xml, INFO to stdout) rather than as
     *     the tests do (logback-test.xml on the classpath, WARN)
     */
    public static List<String> of(String maxHeap, boolean operatorLog, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        if (maxHeap != null) {
            cmd.add("-Xmx" + maxHeap);
        }
        cmd.addAll(HAZELCAST_OPENS);
        if (operatorLog) {
            cmd.add("-Dlogback.configurationFile=logback.xml");
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.hubdns.server.Main");
        cmd.addAll(args);
        return cmd;
    }
}
