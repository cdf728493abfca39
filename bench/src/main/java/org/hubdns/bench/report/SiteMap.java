package org.hubdns.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hubdns.bench.BenchInputException;
import org.hubdns.bench.wire.EcsList;

/**
 * Which site each cache-node address belongs to, so the report can say where the answers sent
 * users. Built from the operator API's node list or from a file: that same list saved as JSON
 * ({@code curl .../v1/nodes > nodes.json}), a JSON object {@code {"10.10.1.1": "isb"}}, or text
 * lines {@code ADDRESS SITE} (or {@code ADDRESS,SITE}).
 */
public record SiteMap(Map<String, String> sites, String source) {
    public static final SiteMap NONE = new SiteMap(Map.of(), "none");
    public static final String UNMAPPED = "(unmapped)";

    public SiteMap {
        sites = Map.copyOf(sites);
    }

    public static SiteMap fromNodes(List<AdminApi.Node> nodes, String source) {
        Map<String, String> m = new LinkedHashMap<>();
        for (AdminApi.Node n : nodes) {
            for (String a : n.addresses()) {
                m.put(canonical(a), n.site());
            }
        }
        return new SiteMap(m, source);
    }

    public static SiteMap read(Path file) throws BenchInputException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BenchInputException("--sites " + file + ": no such file");
        } catch (IOException e) {
            throw new BenchInputException("--sites " + file + ": cannot read it (" + e.getMessage() + ")");
        }
        String t = text.strip();
        Map<String, String> m = new LinkedHashMap<>();
        if (t.startsWith("[") || t.startsWith("{")) {
            JsonNode root;
            try {
                root = new ObjectMapper().readTree(t);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new BenchInputException("--sites " + file + ": not valid JSON (" + e.getOriginalMessage()
                        + "); expected the list GET /v1/nodes returns, or {\"ADDRESS\": \"SITE\", ...}");
            }
            if (root.isArray()) {
                for (JsonNode n : root) {
                    String site = n.path("site").asText(null);
                    if (site == null || !n.path("addresses").isArray()) {
                        throw new BenchInputException("--sites " + file + ": a node without 'site' or 'addresses'; "
                                + "expected the list GET /v1/nodes returns");
                    }
                    for (JsonNode a : n.path("addresses")) {
                        m.put(address(a.asText(), file + ""), site);
                    }
                }
            } else {
                var it = root.fields();
                while (it.hasNext()) {
                    var e = it.next();
                    m.put(address(e.getKey(), file + ""), e.getValue().asText());
                }
            }
        } else {
            int no = 0;
            for (String line : text.split("\r?\n")) {
                no++;
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                String[] f = l.split("[,\\s]+");
                if (f.length != 2) {
                    throw new BenchInputException("--sites " + file + ":" + no + ": expected 'ADDRESS SITE' (e.g. "
                            + "'10.10.1.1 isb'), got '" + l + "'");
                }
                m.put(address(f[0], file + ":" + no), f[1]);
            }
        }
        if (m.isEmpty()) {
            throw new BenchInputException("--sites " + file + ": no addresses in it");
        }
        return new SiteMap(m, "file " + file);
    }

    private static String address(String a, String where) throws BenchInputException {
        if (EcsList.parseLiteral(a) == null) {
            throw new BenchInputException("--sites " + where + ": '" + a + "' is not an IP address");
        }
        return canonical(a);
    }

    /** The address in the form the report counts it in (IPv6 compressed the way Java prints it). */
    static String canonical(String a) {
        byte[] b = EcsList.parseLiteral(a);
        if (b == null) {
            return a;
        }
        try {
            return InetAddress.getByAddress(b).getHostAddress();
        } catch (UnknownHostException e) {
            return a;
        }
    }

    public String siteOf(String address) {
        return sites.getOrDefault(address, UNMAPPED);
    }

    public boolean isEmpty() {
        return sites.isEmpty();
    }
}
