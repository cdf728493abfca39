package org.hubdns.geo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small MaxMind DB 2.0 files (an IPv6 search tree with IPv4 at ::a.b.c.d, record size 24)
 * with the City layout, written from the published format spec so tests need no 65 MB download.
 */
public final class MmdbWriter {
    private record U16(int v) {}
    private record U32(long v) {}
    private record U64(long v) {}
    private record Entry(byte[] bits, int prefix, Map<String, Object> data) {}

    /** A trie node; a child is null (no data), another Node, or an Integer index into the entries. */
    private static final class Node {
        final Object[] child = new Object[2];
        int number;
    }

    private final List<Entry> entries = new ArrayList<>();
    private String databaseType = "GeoLite2-City";
    private long buildEpoch = 1_789_732_800L; // 2026-09-18T12:00:00Z

    public MmdbWriter databaseType(String type) { this.databaseType = type; return this; }

    public MmdbWriter buildEpoch(long seconds) { this.buildEpoch = seconds; return this; }

    public MmdbWriter add(String cidr, double lat, double lon, String countryIso, String subdivisionIso, String cityName) {
        return add(cidr, lat, lon, countryIso, subdivisionIso, cityName, -1);
    }

    /** As GeoLite2 writes it: {@code location.accuracy_radius} in km (a uint16); negative leaves it out. */
    public MmdbWriter add(String cidr, double lat, double lon, String countryIso, String subdivisionIso, String cityName,
            int accuracyRadiusKm) {
        String[] parts = cidr.split("/");
        byte[] ip;
        try {
            ip = InetAddress.getByName(parts[0]).getAddress(); // literals only, never resolved
        } catch (IOException e) {
            throw new IllegalArgumentException(cidr, e);
        }
        byte[] bits = new byte[16];
        System.arraycopy(ip, 0, bits, 16 - ip.length, ip.length);
        Map<String, Object> data = new LinkedHashMap<>();
        if (cityName != null) data.put("city", Map.of("names", Map.of("en", cityName)));
        if (countryIso != null) data.put("country", Map.of("iso_code", countryIso));
        Map<String, Object> location = new LinkedHashMap<>(Map.of("latitude", lat, "longitude", lon));
        if (accuracyRadiusKm >= 0) location.put("accuracy_radius", new U16(accuracyRadiusKm));
        data.put("location", location);
        if (subdivisionIso != null) data.put("subdivisions", List.of(Map.of("iso_code", subdivisionIso)));
        entries.add(new Entry(bits, Integer.parseInt(parts[1]) + (ip.length == 4 ? 96 : 0), data));
        return this;
    }

    public byte[] build() {
        // Shorter prefixes first, so a nested network splits its parent's leaf instead of being overwritten.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) order.add(i);
        order.sort(Comparator.comparingInt(i -> entries.get(i).prefix()));
        Node root = new Node();
        for (int i : order) {
            Entry e = entries.get(i);
            Node n = root;
            for (int depth = 0; depth < e.prefix(); depth++) {
                int bit = (e.bits()[depth >> 3] >> (7 - (depth & 7))) & 1;
                if (depth == e.prefix() - 1) {
                    n.child[bit] = i;
                } else {
                    Object c = n.child[bit];
                    if (!(c instanceof Node)) {
                        Node split = new Node();
                        split.child[0] = c;
                        split.child[1] = c;
                        n.child[bit] = split;
                    }
                    n = (Node) n.child[bit];
                }
            }
        }
        List<Node> nodes = new ArrayList<>();
        number(root, nodes);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int[] offsets = new int[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            offsets[i] = data.size();
            encode(data, entries.get(i).data());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Node n : nodes) {
            for (Object c : n.child) {
                long v = c == null ? nodes.size()
                        : c instanceof Node child ? child.number
                        : nodes.size() + 16L + offsets[(Integer) c];
                out.write((int) (v >> 16));
                out.write((int) (v >> 8));
                out.write((int) v);
            }
        }
        out.writeBytes(new byte[16]);
        out.writeBytes(data.toByteArray());
        out.writeBytes(new byte[] {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF});
        out.writeBytes("MaxMind.com".getBytes(StandardCharsets.US_ASCII));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("binary_format_major_version", new U16(2));
        meta.put("binary_format_minor_version", new U16(0));
        meta.put("build_epoch", new U64(buildEpoch));
        meta.put("database_type", databaseType);
        meta.put("description", Map.of("en", "hubdns test fixture"));
        meta.put("ip_version", new U16(6));
        meta.put("languages", List.of("en"));
        meta.put("node_count", new U32(nodes.size()));
        meta.put("record_size", new U16(24));
        encode(out, meta);
        return out.toByteArray();
    }

    public void write(Path file) throws IOException {
        Files.write(file, build());
    }

    private static void number(Node n, List<Node> nodes) {
        n.number = nodes.size();
        nodes.add(n);
        for (Object c : n.child) if (c instanceof Node child) number(child, nodes);
    }

    private static void encode(ByteArrayOutputStream out, Object v) {
        if (v instanceof String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            control(out, 2, b.length);
            out.writeBytes(b);
        } else if (v instanceof Double d) {
            control(out, 3, 8);
            unsigned(out, Double.doubleToLongBits(d), 8);
        } else if (v instanceof U16 u) {
            unsignedValue(out, 5, u.v());
        } else if (v instanceof U32 u) {
            unsignedValue(out, 6, u.v());
        } else if (v instanceof U64 u) {
            unsignedValue(out, 9, u.v());
        } else if (v instanceof Map<?, ?> m) {
            control(out, 7, m.size());
            m.forEach((k, val) -> { encode(out, k); encode(out, val); });
        } else if (v instanceof List<?> l) {
            control(out, 11, l.size());
            l.forEach(e -> encode(out, e));
        } else {
            throw new IllegalArgumentException("cannot encode " + v);
        }
    }

    /** Unsigned integers are stored big-endian without leading zero bytes, their length as the size. */
    private static void unsignedValue(ByteArrayOutputStream out, int type, long v) {
        int n = (64 - Long.numberOfLeadingZeros(v) + 7) / 8;
        control(out, type, n);
        unsigned(out, v, n);
    }

    private static void unsigned(ByteArrayOutputStream out, long v, int bytes) {
        for (int i = bytes - 1; i >= 0; i--) out.write((int) (v >>> (8 * i)));
    }

    /** Type in the top 3 bits (0 plus a following byte of type-7 when extended), then the size, spilling into 1-3 bytes. */
    private static void control(ByteArrayOutputStream out, int type, int size) {
        int sizeBits = size < 29 ? size : size < 285 ? 29 : size < 65_821 ? 30 : 31;
        out.write((type <= 7 ? type : 0) << 5 | sizeBits);
        if (type > 7) out.write(type - 7);
        if (sizeBits == 29) out.write(size - 29);
        else if (sizeBits == 30) unsigned(out, size - 285, 2);
        else if (sizeBits == 31) unsigned(out, size - 65_821, 3);
    }
}
