package org.hubdns.server.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Sites as Linux network namespaces, made by a test and removed by {@link #close} even when it fails:
 * one namespace per site holding its member and its cache nodes (extra addresses on the site's
 * {@code eth0}), all joined by veth links to a bridge in a namespace of its own, and one link from
 * the bridge to this (the test's) namespace, so the test reaches every member and node.
 *
 * <pre>
 *   test ns: 198.18.N.254 ── bridge ns (br0) ──┬── site 1 ns: 198.18.N.1 (member), .11 .12 (nodes)
 *                                             ├── site 2 ns: 198.18.N.2, .21 .22
 *                                             └── site 3 ns: 198.18.N.3, .31 .32
 * </pre>
 *
 * Addresses are from the benchmarking block 198.18.0.0/15 (RFC 2544): not globally routable, so the
 * members need no {@code --cluster-allow-public}, and never a network this machine uses. A site is cut
 * off by an nftables table inside its own namespace that drops every packet on {@code eth0} except
 * to and from the test's address (the test still sees each side); healing deletes that table.
 * Needs root, {@code ip} (iproute2) and {@code nft} (nftables); without the right to create network
 * namespaces the test is skipped, saying so.
 */
final class SiteLab implements AutoCloseable {
    static final String CUT_TABLE = "hubdns_cut";

    /** One site: its namespace, its member's address, its cache nodes' addresses. */
    record Site(int index, String ns, String address, List<String> nodes) {
        /** The command prefix that runs a program inside this site's namespace. */
        List<String> exec() {
            return List.of("ip", "netns", "exec", ns);
        }
    }

    private final String prefix;
    private final String net;
    private final List<Site> sites = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    private final List<Path> mounts = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final Thread onExit = new Thread(this::close, "site-lab-cleanup");

    private SiteLab(String prefix, String net) {
        this.prefix = prefix;
        this.net = net;
    }

    /** Makes {@code count} sites with {@code nodesPerSite} node addresses each, or skips the test where it cannot. */
    static SiteLab create(int count, int nodesPerSite) throws IOException, InterruptedException {
        if (!new java.io.File("/proc/self/ns/net").exists()) {
            Assumptions.abort("no network namespaces on this system (no /proc/self/ns/net): the cross-site test "
                    + "needs Linux");
        }
        Result ip = run(List.of("ip", "-V"), false);
        if (ip.code != 0) {
            throw new AssertionError("the cross-site test needs iproute2's 'ip' (apt-get install iproute2): "
                    + ip.output);
        }
        String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        SiteLab lab = new SiteLab("hd" + id, "198.18." + freeOctet());
        Runtime.getRuntime().addShutdownHook(lab.onExit);
        try {
            lab.build(count, nodesPerSite);
        } catch (Throwable e) { // an abort or a missing tool too: nothing made may stay behind
            lab.close();
            throw e;
        }
        return lab;
    }

    /** A third octet of 198.18.0.0/16 no interface of this machine uses (several runs may share a host). */
    private static int freeOctet() throws IOException, InterruptedException {
        String used = run(List.of("ip", "-4", "addr", "show"), true).output;
        for (int i = 0; i < 50; i++) {
            int n = ThreadLocalRandom.current().nextInt(100, 250);
            if (!used.contains("198.18." + n + ".")) {
                return n;
            }
        }
        throw new AssertionError("no free 198.18.x.0/24 for the site lab:\n" + used);
    }

    private void build(int count, int nodesPerSite) throws IOException, InterruptedException {
        String bridge = prefix + "-br";
        Result first = run(List.of("ip", "netns", "add", bridge), false);
        if (first.code != 0) {
            Assumptions.abort("cannot create network namespaces here (" + first.output.strip() + "): the cross-site "
                    + "test needs root (or CAP_SYS_ADMIN and CAP_NET_ADMIN); run it as root");
        }
        namespaces.add(bridge);
        Result nft = run(List.of("nft", "--version"), false);
        if (nft.code != 0) {
            throw new AssertionError("the cross-site test needs nftables' 'nft' to cut a site off "
                    + "(apt-get install nftables; .ci/run installs it): " + nft.output);
        }
        sh("ip", "-n", bridge, "link", "add", "br0", "type", "bridge");
        sh("ip", "-n", bridge, "link", "set", "br0", "up");
        // this namespace's end: the test talks to every site through it
        sh("ip", "link", "add", prefix + "h", "type", "veth", "peer", "name", prefix + "bh");
        sh("ip", "link", "set", prefix + "bh", "netns", bridge);
        sh("ip", "-n", bridge, "link", "set", prefix + "bh", "master", "br0", "up");
        sh("ip", "addr", "add", host() + "/24", "dev", prefix + "h");
        sh("ip", "link", "set", prefix + "h", "up");
        for (int i = 1; i <= count; i++) {
            String ns = prefix + "-s" + i;
            sh("ip", "netns", "add", ns);
            namespaces.add(ns);
            sh("ip", "-n", ns, "link", "set", "lo", "up");
            sh("ip", "link", "add", prefix + "s" + i, "type", "veth", "peer", "name", prefix + "b" + i);
            sh("ip", "link", "set", prefix + "s" + i, "netns", ns);
            sh("ip", "link", "set", prefix + "b" + i, "netns", bridge);
            sh("ip", "-n", bridge, "link", "set", prefix + "b" + i, "master", "br0", "up");
            sh("ip", "-n", ns, "link", "set", prefix + "s" + i, "name", "eth0");
            String address = net + "." + i;
            sh("ip", "-n", ns, "addr", "add", address + "/24", "dev", "eth0");
            List<String> nodes = new ArrayList<>();
            for (int k = 1; k <= nodesPerSite; k++) {
                String node = net + "." + (10 * i + k);
                sh("ip", "-n", ns, "addr", "add", node + "/24", "dev", "eth0");
                nodes.add(node);
            }
            sh("ip", "-n", ns, "link", "set", "eth0", "up");
            sites.add(new Site(i, ns, address, List.copyOf(nodes)));
        }
    }

    /** The test's own address on the lab's network. */
    String host() {
        return net + ".254";
    }

    /** The lab's network, for --probe-allow and a partner's allowSpecial. */
    String cidr() {
        return net + ".0/24";
    }

    Site site(int index) {
        return sites.get(index - 1);
    }

    List<Site> sites() {
        return List.copyOf(sites);
    }

    /** Drops every packet between {@code s} and the other sites (its own traffic and the test's still pass). */
    void cut(Site s) throws IOException, InterruptedException {
        String rules = "table inet " + CUT_TABLE + " {\n"
                + "  chain in { type filter hook input priority -10; policy accept;\n"
                + "    iifname \"eth0\" ip saddr != " + host() + " drop\n  }\n"
                + "  chain out { type filter hook output priority -10; policy accept;\n"
                + "    oifname \"eth0\" ip daddr != " + host() + " drop\n  }\n"
                + "}\n";
        Path file = Files.createTempFile("site-cut", ".nft");
        try {
            Files.writeString(file, rules);
            sh(concat(s.exec(), List.of("nft", "-f", file.toString())));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    void heal(Site s) throws IOException, InterruptedException {
        sh(concat(s.exec(), List.of("nft", "delete", "table", "inet", CUT_TABLE)));
    }

    /** A tmpfs of {@code mib} MiB at {@code dir} (a disk that fills up), unmounted by {@link #close}. */
    void mountTmpfs(Path dir, int mib) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        sh("mount", "-t", "tmpfs", "-o", "size=" + mib + "m,mode=0700", "tmpfs", dir.toString());
        mounts.add(dir);
    }

    /** Starts {@code command} inside {@code s}'s namespace; it is killed by {@link #close} if still running. */
    Process start(Site s, List<String> command, Path dir) throws IOException {
        Process p = new ProcessBuilder(concat(s.exec(), command)).directory(dir.toFile()).redirectErrorStream(true)
                .start();
        track(p);
        return p;
    }

    /** A process the lab kills before it removes the namespaces (it may hold a mount). */
    void track(Process p) {
        synchronized (processes) {
            processes.add(p);
        }
    }

    /** Kills what it started, unmounts, and deletes every namespace (their links and nft rules go with them). */
    @Override
    public void close() {
        synchronized (processes) {
            for (Process p : processes) {
                p.destroyForcibly();
            }
            for (Process p : processes) {
                try {
                    p.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            processes.clear();
        }
        try {
            for (Path m : mounts) {
                run(List.of("umount", "-l", m.toString()), false);
            }
            mounts.clear();
            for (String ns : namespaces) {
                run(List.of("ip", "netns", "del", ns), false);
            }
            namespaces.clear();
            run(List.of("ip", "link", "del", prefix + "h"), false); // gone with its peer already, normally
        } catch (IOException | InterruptedException e) {
            System.err.println("site lab " + prefix + ": cleanup incomplete (" + e + "): remove namespaces "
                    + prefix + "-* with 'ip netns del'");
        }
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException exiting) {
            // called from the hook itself
        }
    }

    /** What the namespaces and links are called: for a leak check. */
    String prefix() {
        return prefix;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static void sh(String... command) throws IOException, InterruptedException {
        sh(List.of(command));
    }

    private static void sh(List<String> command) throws IOException, InterruptedException {
        run(command, true);
    }

    record Result(int code, String output) {
    }

    static Result run(List<String> command, boolean check) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            if (check) {
                throw e;
            }
            return new Result(127, e.getMessage());
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        Result r = new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        if (check && r.code != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + r.code + "): " + r.output.strip());
        }
        return r;
    }
}
