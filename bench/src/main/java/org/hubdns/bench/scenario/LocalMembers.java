package org.hubdns.bench.scenario;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hubdns.bench.BenchInputException;

/**
 * Three hubdns members started by the cluster scenario on 127.0.0.1 with free ports, their own
 * data dirs under one temporary directory and one admin token file; the first seeds the demo.
 * Their output goes to {@code member-N.log} there. Only these processes are ever stopped.
 */
final class LocalMembers implements AutoCloseable {
    static final int COUNT = 3;
    private static final long READY_SECONDS = 90;

    record Member(int index, Process process, InetSocketAddress dns, int httpPort, Path log) {
    }

    private final List<Member> members = new ArrayList<>();
    final Path dir;

    private LocalMembers(Path dir) {
        this.dir = dir;
    }

    static LocalMembers start(Path jar, PrintStreamLike out) throws BenchInputException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new BenchInputException("--jar " + jar + ": no such file; build it with 'mvn -B -q package "
                    + "-DskipTests' (it is dns-server/target/hubdns.jar)");
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("hubdns-bench-cluster");
            // the members' admin token: for their owner only, like the admin.token hubdns writes itself
            Path token = Files.createFile(dir.resolve("admin.token"), java.nio.file.attribute.PosixFilePermissions
                    .asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(token, HexFormat.of().formatHex(SecureRandom.getInstanceStrong().generateSeed(24))
                    + "\n");
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new BenchInputException("cannot prepare a temporary directory for the members: " + e.getMessage());
        }
        LocalMembers m = new LocalMembers(dir);
        try {
            int[] cluster = new int[COUNT];
            int[] dns = new int[COUNT];
            int[] http = new int[COUNT];
            for (int i = 0; i < COUNT; i++) {
                cluster[i] = freeTcpPort();
                dns[i] = freeDnsPort();
                http[i] = freeTcpPort();
            }
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            for (int i = 0; i < COUNT; i++) {
                List<String> others = new ArrayList<>();
                for (int j = 0; j < COUNT; j++) {
                    if (j != i) {
                        others.add("127.0.0.1:" + cluster[j]);
                    }
                }
                List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-jar", jar.toString(), "serve",
                        "--bind", "127.0.0.1", "--data-dir", dir.resolve("d" + (i + 1)).toString(),
                        "--cluster-port", "" + cluster[i], "--members", String.join(",", others), "--dns-port",
                        "" + dns[i], "--http-port", "" + http[i], "--admin-token-file",
                        dir.resolve("admin.token").toString(), "--threads", "1"));
                if (i == 0) {
                    cmd.add("--demo");
                }
                Path log = dir.resolve("member-" + (i + 1) + ".log");
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                m.members.add(new Member(i + 1, p, new InetSocketAddress(InetAddress.getLoopbackAddress(), dns[i]),
                        http[i], log));
                out.println("scenario: started member " + (i + 1) + " (pid " + p.pid() + ", dns 127.0.0.1:" + dns[i]
                        + ", http " + http[i] + ", cluster " + cluster[i] + ")");
            }
            for (Member mb : m.members) {
                awaitReady(mb);
            }
            return m;
        } catch (IOException e) {
            m.close();
            throw new BenchInputException("cannot start the members: " + e.getMessage());
        } catch (BenchInputException | InterruptedException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Prints a line (the console, or a test's buffer). */
    interface PrintStreamLike {
        void println(String s);
    }

    private static void awaitReady(Member m) throws BenchInputException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS);
        while (System.nanoTime() - deadline < 0) {
            if (!m.process().isAlive()) {
                throw new BenchInputException("member " + m.index() + " exited with " + m.process().exitValue()
                        + " before it was ready; see " + m.log());
            }
            try {
                for (String line : Files.readAllLines(m.log(), StandardCharsets.UTF_8)) {
                    if (line.contains("ready in")) {
                        return;
                    }
                }
            } catch (IOException e) {
                // not written yet
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new BenchInputException("member " + m.index() + " was not ready after " + READY_SECONDS + " s; see "
                + m.log());
    }

    List<Member> members() {
        return members;
    }

    static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A port free for both TCP and UDP (DNS needs both). */
    static int freeDnsPort() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p = freeTcpPort();
            try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), p))) {
                return p;
            } catch (IOException e) {
                // taken for UDP: try another
            }
        }
        throw new IOException("no port free for both TCP and UDP on 127.0.0.1");
    }

    /** Stops every member still running (SIGTERM, then SIGKILL after 20 s). */
    @Override
    public void close() {
        for (Member m : members) {
            m.process().destroy();
        }
        for (Member m : members) {
            try {
                if (!m.process().waitFor(20, TimeUnit.SECONDS)) {
                    m.process().destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                m.process().destroyForcibly();
            }
        }
    }
}
