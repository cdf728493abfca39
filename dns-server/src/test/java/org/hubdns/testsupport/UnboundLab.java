package org.hubdns.testsupport;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real Unbound (Debian {@code unbound}) as the validating resolver in front of an authoritative
 * server on loopback: {@code module-config: "subnetcache validator iterator"}, the zone's key as
 * its only trust anchor, a stub-zone to the server's port, and EDNS Client Subnet sent to it and
 * forwarded from the test's queries ({@code client-subnet-always-forward}), so a client's subnet
 * reaches the server as it would through a public resolver. Without an anchor the zone is
 * {@code domain-insecure} (for proving the ECS path against an unsigned zone).
 *
 * <p>It listens on a free port of 127.0.0.1 and sends only from 127.0.0.1 ({@code outgoing-interface}),
 * with no root hints: nothing leaves loopback. {@link #close()} stops it; its directory keeps the
 * config and log for a failing test's message ({@link #log()}).
 */
public final class UnboundLab implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Process process;

    private UnboundLab(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /**
     * Starts Unbound for {@code zone} served at 127.0.0.1:{@code authPort}, trusting {@code anchor}
     * (null: the zone is left unvalidated), with {@code extra} lines added to its {@code server:} clause
     * (e.g. {@code "cache-max-ttl: 0"}); waits until it answers.
     */
    public static UnboundLab start(Path dir, String zone, int authPort, TrustAnchor anchor, String... extra)
            throws Exception {
        DebianTool unbound = DebianTool.require("unbound", "unbound");
        Files.createDirectories(dir);
        int port = FreePorts.dns();
        String z = zone.endsWith(".") ? zone.substring(0, zone.length() - 1) : zone;
        StringBuilder c = new StringBuilder();
        c.append("server:\n")
                .append("  interface: 127.0.0.1\n  port: ").append(port).append('\n')
                .append("  do-ip6: no\n  do-daemonize: no\n  username: \"\"\n  chroot: \"\"\n")
                .append("  directory: \"").append(dir).append("\"\n")
                .append("  pidfile: \"").append(dir.resolve("unbound.pid")).append("\"\n")
                .append("  logfile: \"").append(dir.resolve("unbound.log")).append("\"\n")
                .append("  use-syslog: no\n  verbosity: 1\n  val-log-level: 2\n  log-servfail: yes\n")
                .append("  num-threads: 1\n  so-reuseport: no\n")
                .append("  access-control: 127.0.0.0/8 allow\n")
                // the authoritative server is on loopback, and nothing else may be asked
                .append("  do-not-query-localhost: no\n  outgoing-interface: 127.0.0.1\n  root-hints: \"\"\n")
                .append("  qname-minimisation: no\n")
                .append("  module-config: \"subnetcache validator iterator\"\n")
                .append("  send-client-subnet: 127.0.0.1\n  client-subnet-always-forward: yes\n")
                .append("  max-client-subnet-ipv4: 24\n  max-client-subnet-ipv6: 56\n");
        if (anchor != null) {
            Path file = anchor.writeZoneFile(dir.resolve("anchor.key"));
            c.append("  trust-anchor-file: \"").append(file).append("\"\n")
                    .append("  harden-dnssec-stripped: yes\n");
        } else {
            c.append("  domain-insecure: \"").append(z).append("\"\n");
        }
        for (String line : extra) {
            c.append("  ").append(line).append('\n');
        }
        c.append("remote-control:\n  control-enable: no\n")
                .append("stub-zone:\n  name: \"").append(z).append("\"\n  stub-addr: 127.0.0.1@").append(authPort)
                .append('\n');
        Path conf = Files.writeString(dir.resolve("unbound.conf"), c);
        DebianTool.Run check = DebianTool.require("unbound-checkconf", "unbound").run(dir, Duration.ofSeconds(10),
                List.of(conf.toString()));
        if (check.exit() != 0) {
            fail("the lab's Unbound configuration is refused:%n%s%n%s", check, c);
        }
        Process p = unbound.process(dir, List.of("-d", "-c", conf.toString()))
                .redirectOutput(dir.resolve("unbound.out").toFile()).start();
        UnboundLab lab = new UnboundLab(dir, port, p);
        try {
            Await.until(Duration.ofSeconds(10), "Unbound answering on 127.0.0.1:" + port, () -> {
                if (!p.isAlive()) {
                    fail("Unbound exited (%d):%n%s%n%s", p.exitValue(), DebianTool.tail(dir.resolve("unbound.out"), 20),
                            lab.log());
                }
                try {
                    lab.resolver().send(Message.newQuery(Record.newRecord(Name.fromString("version.bind."), Type.TXT,
                            DClass.CH)));
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (Throwable t) {
            lab.close();
            throw t;
        }
        return lab;
    }

    public int port() {
        return port;
    }

    private SimpleResolver resolver() {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        r.setTimeout(Duration.ofSeconds(8));
        r.setEDNS(-1);
        return r;
    }

    /**
     * Asks {@code name} {@code type} as a stub behind a resolver would: RD, EDNS with DO, and
     * {@code clientSubnet} ("182.185.1.0/24", or null for none) as ECS; over TCP, so a big signed
     * answer is never cut.
     */
    public Message ask(String name, int type, String clientSubnet) throws IOException {
        List<EDNSOption> options = new ArrayList<>();
        if (clientSubnet != null) {
            int slash = clientSubnet.indexOf('/');
            options.add(new ClientSubnetOption(Integer.parseInt(clientSubnet.substring(slash + 1)),
                    InetAddress.getByName(clientSubnet.substring(0, slash))));
        }
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name.endsWith(".") ? name : name + "."), type,
                DClass.IN));
        q.addRecord(new org.xbill.DNS.OPTRecord(1232, 0, 0, ExtendedFlags.DO, options), org.xbill.DNS.Section.ADDITIONAL);
        SimpleResolver r = resolver();
        r.setTCP(true);
        return r.send(q);
    }

    /** True when the response has the AD bit: Unbound validated it as secure. */
    public static boolean authenticated(Message m) {
        return m.getHeader().getFlag(Flags.AD);
    }

    /** The end of Unbound's log (validation failures are logged at val-log-level 2). */
    public String log() {
        return "== unbound.log\n" + DebianTool.tail(dir.resolve("unbound.log"), 40);
    }

    @Override
    public void close() throws InterruptedException {
        DebianTool.stop(process);
    }
}
