package org.hubdns.server.cluster;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hubdns.testsupport.HubDnsCommand;

/**
 * One {@code hubdns serve} member as a JVM of its own (this test JVM's classpath, Hazelcast's Java 17
 * flags, a small heap), with its output collected so a test can wait for "ready" and show the tail.
 */
final class MemberProcess {
    final int member;
    final Process process;
    private final List<String> lines = new ArrayList<>();

    private MemberProcess(int member, Process process) {
        this.member = member;
        this.process = process;
        read(process.getInputStream());
        read(process.getErrorStream());
    }

    /** Starts {@code hubdns serve serveArgs...} in {@code dir} with {@code env} added. */
    static MemberProcess start(int member, Path dir, List<String> serveArgs, Map<String, String> env)
            throws IOException {
        return start(member, dir, List.of(), serveArgs, env);
    }

    /**
     * As {@link #start(int, Path, List, Map)}, the command after {@code launcher} (such as
     * {@code ip netns exec NS}, which execs into java: the process is still the member's JVM).
     */
    static MemberProcess start(int member, Path dir, List<String> launcher, List<String> serveArgs,
            Map<String, String> env) throws IOException {
        List<String> args = new ArrayList<>();
        args.add("serve");
        args.addAll(serveArgs);
        if (!serveArgs.contains("--api-write-rate")) {
            // these tests write through the API from one address far faster than any partner would
            args.addAll(List.of("--api-write-rate", "0", "--api-read-rate", "0"));
        }
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(HubDnsCommand.of("256m", true, args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().remove(org.hubdns.api.AdminTokens.ENV); // only what the test gives
        pb.environment().putAll(env);
        return new MemberProcess(member, pb.start());
    }

    private void read(InputStream in) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (this) {
                        lines.add(line);
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                // gone
            }
        }, "member-" + member + "-out");
        t.setDaemon(true);
        t.start();
    }

    void awaitReady(Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        synchronized (this) {
            while (lines.stream().noneMatch(l -> l.contains("ready in "))) {
                long left = end - System.nanoTime();
                if (left <= 0 || !process.isAlive()) {
                    fail("member %d not ready (alive=%s):%n%s", member, process.isAlive(), String.join("\n", lines));
                }
                TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            }
        }
    }

    /** Everything the member printed so far (standard output and error), line by line. */
    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    synchronized String tail() {
        return "member " + member + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40),
                lines.size()));
    }
}
