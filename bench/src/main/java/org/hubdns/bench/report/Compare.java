package org.hubdns.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.hubdns.bench.BenchInputException;

/** {@code --compare a.json b.json}: the two runs side by side, with the change from the first to the second. */
public final class Compare {
    private Compare() {
    }

    public static void print(Path a, Path b, PrintStream out) throws BenchInputException {
        JsonNode x = read(a);
        JsonNode y = read(b);
        out.println(String.format(Locale.ROOT, "%-16s %16s %16s %12s", "", label(a), label(b), "change"));
        line(out, "qps", x.path("qps"), y.path("qps"), "%,.1f");
        line(out, "sent", x.path("sent"), y.path("sent"), "%,.0f");
        line(out, "received", x.path("received"), y.path("received"), "%,.0f");
        line(out, "lost", x.path("lost"), y.path("lost"), "%,.0f");
        line(out, "lost %", x.path("lostPercent"), y.path("lostPercent"), "%.4f");
        for (String p : new String[] {"p50", "p90", "p99", "p999", "max"}) {
            line(out, p + " ms", x.path("latencyMs").path(p), y.path("latencyMs").path(p), "%.3f");
        }
        Set<String> sites = new LinkedHashSet<>();
        x.path("sites").fieldNames().forEachRemaining(sites::add);
        y.path("sites").fieldNames().forEachRemaining(sites::add);
        for (String s : sites) {
            double sx = share(x, "sites", s);
            double sy = share(y, "sites", s);
            out.println(String.format(Locale.ROOT, "%-16s %15.1f%% %15.1f%% %+11.1fpp", "site " + s, sx, sy, sy - sx));
        }
        Set<String> rcodes = new LinkedHashSet<>();
        x.path("rcodes").fieldNames().forEachRemaining(rcodes::add);
        y.path("rcodes").fieldNames().forEachRemaining(rcodes::add);
        for (String s : rcodes) {
            double sx = share(x, "rcodes", s);
            double sy = share(y, "rcodes", s);
            out.println(String.format(Locale.ROOT, "%-16s %15.2f%% %15.2f%% %+11.2fpp", "rcode " + s, sx, sy, sy - sx));
        }
        String cx = x.path("command").asText("");
        String cy = y.path("command").asText("");
        out.println();
        out.println("A: " + cx);
        out.println("B: " + cy);
    }

    private static double share(JsonNode r, String field, String key) {
        long total = r.path("received").asLong();
        return total == 0 ? 0 : 100.0 * r.path(field).path(key).asLong() / total;
    }

    private static void line(PrintStream out, String name, JsonNode a, JsonNode b, String fmt) {
        String va = a.isNumber() ? String.format(Locale.ROOT, fmt, a.asDouble()) : "-";
        String vb = b.isNumber() ? String.format(Locale.ROOT, fmt, b.asDouble()) : "-";
        String change = "";
        if (a.isNumber() && b.isNumber()) {
            double da = a.asDouble();
            double db = b.asDouble();
            change = da == 0 ? (db == 0 ? "0.0%" : "new") : String.format(Locale.ROOT, "%+.1f%%", (db - da) / da * 100);
        }
        out.println(String.format(Locale.ROOT, "%-16s %16s %16s %12s", name, va, vb, change));
    }

    private static String label(Path p) {
        String s = p.getFileName().toString();
        Path parent = p.toAbsolutePath().getParent();
        if (s.equals(ReportFiles.JSON) && parent != null && parent.getFileName() != null) {
            s = parent.getFileName() + "/";
        }
        return s.length() > 16 ? s.substring(0, 15) + "~" : s;
    }

    static JsonNode read(Path p) throws BenchInputException {
        try {
            JsonNode n = new ObjectMapper().readTree(Files.readString(p));
            if (n == null || !n.isObject() || !n.has("qps") || !n.has("latencyMs")) {
                throw new BenchInputException("--compare " + p + ": not a hubdns-bench report.json (no qps or "
                        + "latencyMs field)");
            }
            return n;
        } catch (NoSuchFileException e) {
            throw new BenchInputException("--compare " + p + ": no such file");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BenchInputException("--compare " + p + ": not valid JSON (" + e.getOriginalMessage()
                    + "); give two report.json files written by --report");
        } catch (IOException e) {
            throw new BenchInputException("--compare " + p + ": cannot read it (" + e.getMessage() + ")");
        }
    }

}
