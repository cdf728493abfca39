package org.hubdns.testsupport;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * DNSViz (Debian {@code dnsviz}) on one authoritative server: {@code dnsviz probe -A} with the zone
 * as its own ancestor and {@code -x ZONE+:NS1=127.0.0.1:PORT,NS2=...} (the "+" stops it from asking
 * the parent zones, and each of the zone's own NS names is given the server's address: dnsviz
 * otherwise resolves NS names from the root servers, which must not happen in a test), then {@code dnsviz grok -t ANCHOR} with the zone's key as
 * the trusted key. The grok JSON is read for every {@code errors} and {@code warnings} entry and
 * for the statuses it gave (SECURE, BOGUS, EXPIRED...).
 *
 * <p>Debian 12's dnsviz 0.9.4 looks for {@code pygraphviz.release}, which its pygraphviz 1.7 no
 * longer has, and grok then refuses to run ("pygraphviz is required, but not installed"); the
 * runner starts dnsviz through a two-line shim that supplies the version from
 * {@code pygraphviz.__version__}.
 */
public final class DnsViz {
    /** What grok found: each error and warning as "where: CODE: description", the counts of statuses. */
    public record Grok(List<String> errors, List<String> warnings, Map<String, Integer> statuses, String zoneStatus,
            String json) {
        @Override
        public String toString() {
            return "zone " + zoneStatus + ", statuses " + statuses + "\nerrors:\n  " + String.join("\n  ", errors)
                    + "\nwarnings:\n  " + String.join("\n  ", warnings);
        }
    }

    private static final String SHIM = """
            import sys, types, runpy
            import pygraphviz
            if not hasattr(pygraphviz, 'release'):
                m = types.ModuleType('pygraphviz.release')
                m.version = pygraphviz.__version__
                sys.modules['pygraphviz.release'] = m
                pygraphviz.release = m
            sys.argv = ['dnsviz'] + sys.argv[1:]
            runpy.run_path('/usr/bin/dnsviz', run_name='__main__')
            """;

    private DnsViz() {
    }

    /** Probes {@code names} (the zone's apex first) at 127.0.0.1:{@code port} and groks them with {@code anchor}. */
    public static Grok probeAndGrok(Path dir, int port, TrustAnchor anchor, List<String> names) throws Exception {
        DebianTool.require("dnsviz", "dnsviz");
        DebianTool python = DebianTool.require("python3", "python3");
        Files.createDirectories(dir);
        Path shim = Files.writeString(dir.resolve("dnsviz-shim.py"), SHIM);
        String zone = anchor.zoneText();
        Path probe = dir.resolve("probe.json");
        List<String> servers = nameServers(port, anchor.zone()).stream().map(ns -> ns + "=127.0.0.1:" + port).toList();
        List<String> args = new ArrayList<>(List.of(shim.toString(), "probe", "-A", "-a", zone, "-x",
                zone + "+:" + String.join(",", servers), "-o", probe.toString(), zone));
        args.addAll(names);
        DebianTool.Run p = python.run(dir, Duration.ofSeconds(120), args);
        if (p.exit() != 0 || !Files.exists(probe)) {
            fail("dnsviz probe failed:%n%s", p);
        }
        Path tk = anchor.writeZoneFile(dir.resolve("trusted-keys.txt"));
        Path grok = dir.resolve("grok.json");
        DebianTool.Run g = python.run(dir, Duration.ofSeconds(120), List.of(shim.toString(), "grok", "-P", "-t",
                tk.toString(), "-r", probe.toString(), "-o", grok.toString()));
        if (g.exit() != 0 || !Files.exists(grok)) {
            fail("dnsviz grok failed:%n%s", g);
        }
        String json = Files.readString(grok);
        return read(json, zone + ".");
    }

    /** The zone's NS names as the server gives them (at least one, or the test fails). */
    static List<String> nameServers(int port, org.xbill.DNS.Name zone) throws Exception {
        org.xbill.DNS.SimpleResolver r = new org.xbill.DNS.SimpleResolver(
                new java.net.InetSocketAddress("127.0.0.1", port));
        r.setTCP(true);
        r.setTimeout(Duration.ofSeconds(5));
        org.xbill.DNS.Message m = r.send(org.xbill.DNS.Message.newQuery(org.xbill.DNS.Record.newRecord(zone,
                org.xbill.DNS.Type.NS, org.xbill.DNS.DClass.IN)));
        List<String> ns = m.getSection(org.xbill.DNS.Section.ANSWER).stream()
                .filter(org.xbill.DNS.NSRecord.class::isInstance)
                .map(x -> ((org.xbill.DNS.NSRecord) x).getTarget().toString(true)).sorted().toList();
        if (ns.isEmpty()) {
            fail("no NS for %s at 127.0.0.1:%d, which dnsviz needs to stay on loopback:%n%s", zone, port, m);
        }
        return ns;
    }

    /** Reads grok's JSON (pure: the harness's table test feeds it saved output). */
    static Grok read(String json, String zoneKey) throws Exception {
        JsonNode root = new ObjectMapper().readTree(json);
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, Integer> statuses = new TreeMap<>();
        walk(root, "", errors, warnings, statuses);
        String zoneStatus = root.path(zoneKey).path("zone").path("status").asText("(none)");
        return new Grok(errors, warnings, statuses, zoneStatus, json);
    }

    private static void walk(JsonNode n, String where, List<String> errors, List<String> warnings,
            Map<String, Integer> statuses) {
        if (n.isObject()) {
            String here = n.has("id") ? n.path("id").asText() : where;
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                switch (e.getKey()) {
                    case "errors" -> e.getValue().forEach(x -> errors.add(describe(here, x)));
                    case "warnings" -> e.getValue().forEach(x -> warnings.add(describe(here, x)));
                    case "status" -> statuses.merge(e.getValue().asText(), 1, Integer::sum);
                    default -> walk(e.getValue(), here.isEmpty() ? e.getKey() : here, errors, warnings, statuses);
                }
            }
        } else if (n.isArray()) {
            n.forEach(x -> walk(x, where, errors, warnings, statuses));
        }
    }

    private static String describe(String where, JsonNode x) {
        return where + ": " + x.path("code").asText() + ": " + x.path("description").asText();
    }
}
