package org.hubdns.testsupport;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Knot DNS (Debian {@code knot}) serving one zone on a free 127.0.0.1 port, for the validation
 * harness's own tests: a known-good signer ({@link #signing}: Knot's automatic signing with one
 * CSK) or a server of a zone signed elsewhere ({@link #serving}, e.g. by {@code ldns-signzone} with
 * signatures already expired), so that {@link Delv}, {@link UnboundLab} and {@link DnsViz} are seen
 * to pass and to fail before they judge hubdns.
 */
public final class KnotLab implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Process process;

    private KnotLab(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Knot signs {@code zoneText} itself, one CSK of {@code algorithm} (knot's name: ecdsap256sha256, ed25519). */
    public static KnotLab signing(Path dir, String zone, String zoneText, String algorithm) throws Exception {
        return start(dir, zone, zoneText, "    dnssec-signing: on\n    dnssec-policy: csk\n",
                "policy:\n  - id: csk\n    algorithm: " + algorithm + "\n    single-type-signing: on\n    nsec3: off\n");
    }

    /** Knot serves {@code zoneText} as it is (already signed, or not). */
    public static KnotLab serving(Path dir, String zone, String zoneText) throws Exception {
        return start(dir, zone, zoneText, "", "");
    }

    private static KnotLab start(Path dir, String zone, String zoneText, String zoneOptions, String policy)
            throws Exception {
        DebianTool knotd = DebianTool.require("knotd", "knot");
        Files.createDirectories(dir);
        int port = FreePorts.dns();
        String z = zone.endsWith(".") ? zone : zone + ".";
        Files.writeString(dir.resolve("zone.db"), zoneText);
        String conf = "server:\n    listen: 127.0.0.1@" + port + "\n    rundir: " + dir + "\n"
                + "database:\n    storage: " + dir + "\n"
                + "log:\n  - target: stderr\n    any: info\n"
                + policy
                + "template:\n  - id: default\n    storage: " + dir + "\n"
                + "zone:\n  - domain: " + z + "\n    file: zone.db\n    zonefile-sync: -1\n" + zoneOptions;
        Path file = Files.writeString(dir.resolve("knot.conf"), conf);
        Process p = knotd.process(dir, List.of("-c", file.toString())).redirectOutput(dir.resolve("knot.log").toFile())
                .start();
        KnotLab lab = new KnotLab(dir, port, p);
        try {
            Await.until(Duration.ofSeconds(15), "Knot serving " + z + " on 127.0.0.1:" + port, () -> {
                if (!p.isAlive()) {
                    fail("knotd exited (%d):%n%s", p.exitValue(), DebianTool.tail(dir.resolve("knot.log"), 30));
                }
                try {
                    SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
                    r.setTimeout(Duration.ofMillis(500));
                    Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString(z), Type.SOA, DClass.IN)));
                    return m.getRcode() == Rcode.NOERROR && !m.getSection(org.xbill.DNS.Section.ANSWER).isEmpty();
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

    public String log() {
        return DebianTool.tail(dir.resolve("knot.log"), 30);
    }

    @Override
    public void close() throws InterruptedException {
        DebianTool.stop(process);
    }
}
