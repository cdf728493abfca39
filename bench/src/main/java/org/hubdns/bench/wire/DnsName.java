package org.hubdns.bench.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Presentation-format domain names to wire format (RFC 1035 5.1 escapes: {@code \.} and {@code \DDD}). */
public final class DnsName {
    private DnsName() {
    }

    /**
     * @throws IllegalArgumentException with a message fit for the operator when the name cannot be
     *     encoded (empty label, label over 63 bytes, name over 255 bytes, bad escape)
     */
    public static byte[] toWire(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty name");
        }
        if (name.equals(".")) {
            return new byte[] {0};
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(name.length() + 2);
        ByteArrayOutputStream label = new ByteArrayOutputStream(63);
        byte[] in = name.getBytes(StandardCharsets.UTF_8);
        int i = 0;
        boolean endedWithDot = false;
        while (i < in.length) {
            byte b = in[i];
            endedWithDot = false;
            if (b == '\\') {
                if (i + 1 >= in.length) {
                    throw new IllegalArgumentException("name '" + name + "' ends with a lone backslash");
                }
                byte c = in[i + 1];
                if (c >= '0' && c <= '9') {
                    int v = parseDecimal(in, i + 1, name);
                    label.write(v);
                    i += 4;
                } else {
                    label.write(c);
                    i += 2;
                }
                continue;
            }
            if (b == '.') {
                endLabel(out, label, name);
                endedWithDot = true;
                i++;
                continue;
            }
            label.write(b);
            i++;
        }
        if (!endedWithDot) {
            endLabel(out, label, name);
        }
        out.write(0);
        if (out.size() > 255) {
            throw new IllegalArgumentException("name '" + name + "' is longer than 255 bytes in wire format");
        }
        return out.toByteArray();
    }

    private static int parseDecimal(byte[] in, int at, String name) {
        if (at + 3 > in.length) {
            throw new IllegalArgumentException("name '" + name + "': \\DDD needs three digits");
        }
        int v = 0;
        for (int k = 0; k < 3; k++) {
            byte d = in[at + k];
            if (d < '0' || d > '9') {
                throw new IllegalArgumentException("name '" + name + "': \\DDD needs three digits");
            }
            v = v * 10 + (d - '0');
        }
        if (v > 255) {
            throw new IllegalArgumentException("name '" + name + "': \\" + v + " is above 255");
        }
        return v;
    }

    private static void endLabel(ByteArrayOutputStream out, ByteArrayOutputStream label, String name) {
        if (label.size() == 0) {
            throw new IllegalArgumentException("name '" + name + "' has an empty label (two dots in a row?)");
        }
        if (label.size() > 63) {
            throw new IllegalArgumentException("name '" + name + "' has a label longer than 63 bytes");
        }
        out.write(label.size());
        out.writeBytes(label.toByteArray());
        label.reset();
    }
}
