package org.hubdns.testsupport;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An exchange on loopback made of real BGP software from Debian: BIRD 2 as the route server
 * ({@code rs client}, ADD-PATH towards the feed), ExaBGP "members" announcing static routes (and
 * more through a command file, as an operator would with {@code exabgpcli}), and an ExaBGP feed
 * session whose {@code process} runs a command, usually {@code hubdns bgp-feed}. The traps this works
 * around are in the fixture script cluster-config/src/test/resources/mrt/make-fixtures.sh.
 *
 * <p>BGP listens on a free port in 17900-17949 on 127.0.0.1; members are 127.0.0.2 and up, the
 * feed 127.0.0.9. CI installs the tools (.ci/run); without them a test using this fails and says
 * what to install.
 */
public final class BgpLab implements AutoCloseable {
    /** An exchange member: an ExaBGP speaker with static routes ("PREFIX next-hop ADDR [as-path [ ... ]]"). */
    public record Member(String name, String address, long as, List<String> routes) {
    }

    public static final String FEED_ADDRESS = "127.0.0.9";
    public static final long FEED_AS = 64999;
    public static final long ROUTE_SERVER_AS = 64512;

    private final Path dir;
    private final int port;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final List<Process> processes = new ArrayList<>();
    private Process feed;

    private BgpLab(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Fails the test, saying what to install, when exabgp or BIRD 2 is missing. */
    public static void requireTools() {
        List<String> missing = new ArrayList<>();
        for (String tool : new String[] {"exabgp", "bird", "birdc"}) {
            if (which(tool) == null) {
                missing.add(tool);
            }
        }
        if (!missing.isEmpty()) {
            fail("this test runs real BGP software and " + missing + " is missing: apt-get install exabgp bird2 "
                    + "(.ci/run installs them with gobgpd and bgpdump)");
        }
    }

    static String which(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            for (String base : new String[] {d, "/usr/sbin", "/sbin"}) {
                Path p = Path.of(base, tool);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        return null;
    }

    /** Starts BIRD as the route server for these members and the members themselves. */
    public static BgpLab start(Path dir, List<Member> members) throws Exception {
        requireTools();
        BgpLab lab = new BgpLab(dir, freePort());
        for (Member m : members) {
            lab.members.put(m.name(), m);
        }
        lab.startBird();
        for (Member m : members) {
            lab.startMember(m);
        }
        return lab;
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    private static int freePort() throws IOException {
        for (int p = 17900; p < 17950; p++) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), p));
                return p;
            } catch (IOException e) {
                // taken: try the next
            }
        }
        throw new IOException("no free BGP port in 17900-17949 on 127.0.0.1");
    }

    private void startBird() throws Exception {
        StringBuilder c = new StringBuilder();
        c.append("log \"").append(dir.resolve("bird.log")).append("\" all;\n")
                .append("router id 127.0.0.1;\n")
                .append("protocol device {}\n")
                // loopback next hops must resolve, or every session fails with "Invalid next hop"
                .append("protocol static { ipv4; route 127.0.0.0/8 via \"lo\"; }\n")
                .append("template bgp rsc {\n")
                .append("  local 127.0.0.1 port ").append(port).append(" as ").append(ROUTE_SERVER_AS).append(";\n")
                .append("  rs client; passive on; multihop;\n")
                .append("  ipv4 { import all; export all; gateway recursive; add paths rx; };\n")
                .append("  ipv6 { import all; export all; gateway recursive; add paths rx; next hop address 2001:db8:ffff::1; };\n")
                .append("}\n");
        for (Member m : members.values()) {
            c.append("protocol bgp ").append(m.name()).append(" from rsc { neighbor ").append(m.address()).append(" port ")
                    .append(port).append(" as ").append(m.as()).append("; }\n");
        }
        c.append("protocol bgp feed from rsc {\n  neighbor ").append(FEED_ADDRESS).append(" port ").append(port).append(" as ")
                .append(FEED_AS).append(";\n")
                .append("  ipv4 { import none; export all; add paths tx; };\n")
                .append("  ipv6 { import none; export all; add paths tx; next hop address 2001:db8:ffff::1; };\n}\n");
        Files.writeString(dir.resolve("bird.conf"), c);
        processes.add(new ProcessBuilder(which("bird"), "-f", "-c", dir.resolve("bird.conf").toString(), "-s",
                dir.resolve("bird.ctl").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("bird.out").toFile()).start());
        Await.until(Duration.ofSeconds(10), "BIRD's control socket", () -> Files.exists(dir.resolve("bird.ctl")));
    }

    private ProcessBuilder exabgp(String name, String config) throws IOException {
        Path conf = dir.resolve(name + ".conf");
        Files.writeString(conf, config);
        ProcessBuilder pb = new ProcessBuilder(which("exabgp"), conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".out").toFile());
        pb.environment().put("exabgp.tcp.port", Integer.toString(port));
        pb.environment().put("exabgp.daemon.user", System.getProperty("user.name"));
        pb.environment().put("exabgp.log.destination", dir.resolve(name + ".log").toString());
        return pb;
    }

    private void startMember(Member m) throws IOException {
        Path commands = dir.resolve(m.name() + ".commands");
        Files.writeString(commands, "");
        StringBuilder c = new StringBuilder();
        // the member's process reads an operator's commands from a file, as exabgpcli would send them
        c.append("process commands { run /usr/bin/tail -n +1 -F ").append(commands).append("; encoder text; }\n")
                .append("neighbor 127.0.0.1 {\n")
                .append("  router-id ").append(m.address()).append("; local-address ").append(m.address())
                .append("; local-as ").append(m.as()).append("; peer-as ").append(ROUTE_SERVER_AS).append(";\n")
                .append("  family { ipv4 unicast; ipv6 unicast; }\n")
                .append("  api { processes [ commands ]; }\n")
                .append("  static {\n");
        for (String r : m.routes()) {
            c.append("    route ").append(r).append(";\n");
        }
        c.append("  }\n}\n");
        processes.add(exabgp(m.name(), c.toString()).start());
    }

    /**
     * Starts the feed session (127.0.0.9, ADD-PATH receive) whose ExaBGP runs {@code command} as its
     * process with {@code encoder json}; the command runs from a script in the lab's directory, its
     * standard error to feed-process.err and, with {@code captureStdout}, its standard output to
     * feed-process.stdout rather than to ExaBGP.
     */
    public void startFeed(List<String> command, boolean captureStdout) throws IOException {
        Path script = dir.resolve("feed-process.sh");
        // without exec when stdout is captured: the shell keeps ExaBGP's end of the pipe open, since
        // ExaBGP takes end of file on a process's standard output for its death (and respawns it)
        StringBuilder s = new StringBuilder(captureStdout ? "#!/bin/sh\n" : "#!/bin/sh\nexec");
        for (String a : command) {
            s.append(" '").append(a.replace("'", "'\\''")).append('\'');
        }
        s.append(" 2>>'").append(dir.resolve("feed-process.err")).append('\'');
        if (captureStdout) { // instead of ExaBGP, which would read it as commands
            s.append(" >'").append(dir.resolve("feed-process.stdout")).append('\'');
        }
        s.append('\n');
        Files.writeString(script, s);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        String config = "process feed { run " + script + "; encoder json; }\n"
                + "neighbor 127.0.0.1 {\n"
                + "  router-id " + FEED_ADDRESS + "; local-address " + FEED_ADDRESS + "; local-as " + FEED_AS
                + "; peer-as " + ROUTE_SERVER_AS + ";\n"
                + "  capability { add-path receive; }\n"
                + "  family { ipv4 unicast; ipv6 unicast; }\n"
                + "  api { processes [ feed ]; receive { parsed; update; } neighbor-changes; }\n"
                + "}\n";
        feed = exabgp("feed", config).start();
        processes.add(feed);
    }

    /** Stops the feed's ExaBGP (and with it the process it runs). */
    public void stopFeed() throws InterruptedException {
        if (feed != null) {
            stop(feed);
            feed = null;
        }
    }

    /** Has {@code member} announce ("announce route PREFIX next-hop ADDR ...") or withdraw a route now. */
    public void command(String member, String command) throws IOException {
        if (!members.containsKey(member)) {
            throw new IllegalArgumentException("no member " + member);
        }
        Files.writeString(dir.resolve(member + ".commands"), command + "\n", StandardOpenOption.APPEND);
    }

    /** Runs birdc against the route server, e.g. {@code birdc("disable", "m2")}. */
    public String birdc(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(which("birdc"), "-s", dir.resolve("bird.ctl").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    /** Waits until the route server's BGP protocol (a member's name, or "feed") is Established. */
    public void awaitEstablished(String protocol, Duration limit) throws Exception {
        Await.until(limit, protocol + " Established on the route server", () -> birdc("show", "protocols", protocol)
                .lines().anyMatch(l -> l.startsWith(protocol + " ") && l.contains("Established")));
    }

    /** What happened, for a failing test's message. */
    public String logs() {
        StringBuilder b = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".out") || f.toString().endsWith(".err") || f.toString().endsWith(".sh") || f.toString().endsWith(".stdout")).sorted().toList()) {
                List<String> lines = Files.readAllLines(p);
                b.append("== ").append(p.getFileName()).append('\n');
                lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> b.append(l).append('\n'));
            }
        } catch (IOException e) {
            b.append(e);
        }
        return b.toString();
    }

    private static void stop(Process p) throws InterruptedException {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        for (ProcessHandle c : children) {
            c.destroy();
        }
        for (ProcessHandle c : children) {
            try {
                c.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                c.destroyForcibly();
            }
        }
    }

    @Override
    public void close() throws Exception {
        for (int i = processes.size() - 1; i >= 0; i--) {
            stop(processes.get(i));
        }
    }
}
