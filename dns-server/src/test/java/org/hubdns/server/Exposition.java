package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed Prometheus text exposition (format 0.0.4): each family's type, and each sample's value by
 * its name and labels written in sorted order, e.g. {@code hubdns_ecs_queries_total{family="ipv4"}}.
 */
public final class Exposition {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

    public final Map<String, String> types = new HashMap<>();
    public final Map<String, Double> samples = new HashMap<>();

    /** GET /metrics of the member whose HTTP port is {@code httpPort}: 200, parsed. */
    public static Exposition scrape(int httpPort) throws Exception {
        java.net.http.HttpResponse<String> r = HTTP.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                        .timeout(java.time.Duration.ofSeconds(10)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return parse(r.body());
    }

    /** The sum of every sample whose key starts with {@code prefix} (a family's name, or name and "{"). */
    public double sum(String prefix) {
        return samples.entrySet().stream().filter(s -> s.getKey().startsWith(prefix))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    public static Exposition parse(String text) {
        Exposition e = new Exposition();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] p = line.split(" ");
                e.types.put(p[2], p[3]);
            } else if (!line.startsWith("#") && !line.isBlank()) {
                Matcher m = SAMPLE.matcher(line);
                assertThat(m.matches()).as("a sample line: " + line).isTrue();
                Map<String, String> labels = new TreeMap<>();
                if (m.group(3) != null) {
                    Matcher l = LABEL.matcher(m.group(3));
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2));
                    }
                }
                e.samples.put(key(m.group(1), labels), Double.parseDouble(m.group(4).replace("+Inf", "Infinity")));
            }
        }
        return e;
    }

    /** The sample's key: name, then labels as given in pairs (sorted here). */
    public static String key(String name, String... labelPairs) {
        Map<String, String> labels = new TreeMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            labels.put(labelPairs[i], labelPairs[i + 1]);
        }
        return key(name, labels);
    }

    private static String key(String name, Map<String, String> labels) {
        if (labels.isEmpty()) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name).append('{');
        labels.forEach((k, v) -> sb.append(k).append("=\"").append(v).append("\","));
        sb.setLength(sb.length() - 1);
        return sb.append('}').toString();
    }

    /** The sample's value; fails when it is absent. */
    public double value(String name, String... labelPairs) {
        String k = key(name, labelPairs);
        assertThat(samples).as("sample " + k).containsKey(k);
        return samples.get(k);
    }
}
