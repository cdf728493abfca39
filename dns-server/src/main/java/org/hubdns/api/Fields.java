package org.hubdns.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.hubdns.cluster.coverage.Cidr;
import org.hubdns.cluster.model.SpecialAddresses;

/**
 * Reads a JSON request object strictly: unknown fields and wrong types are 400, values out of range
 * 422, each naming the field (dotted for nested ones, e.g. {@code check.port}).
 */
public final class Fields {
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

    private final JsonObject json;
    private final String prefix;

    private Fields(JsonObject json, String prefix) {
        this.json = json;
        this.prefix = prefix;
    }

    public static Fields of(JsonObject json, String... allowed) {
        return new Fields(json, "").allow(allowed);
    }

    private Fields allow(String... allowed) {
        Set<String> ok = Set.of(allowed);
        for (String k : json.fieldNames()) {
            if (!ok.contains(k)) {
                throw ApiException.badRequest(prefix + k, "unknown field '" + prefix + k + "'; allowed here: "
                        + String.join(", ", allowed));
            }
        }
        return this;
    }

    public boolean has(String f) {
        return json.containsKey(f) && json.getValue(f) != null;
    }

    private String path(String f) {
        return prefix + f;
    }

    private RuntimeException type(String f, String what) {
        return ApiException.badRequest(path(f), "'" + path(f) + "' must be " + what);
    }

    public Fields object(String f, String... allowed) {
        Object v = json.getValue(f);
        if (!(v instanceof JsonObject o)) {
            throw type(f, "an object");
        }
        return new Fields(o, path(f) + ".").allow(allowed);
    }

    public String string(String f, int maxLength) {
        Object v = json.getValue(f);
        if (v == null) {
            throw ApiException.badRequest(path(f), "'" + path(f) + "' is required");
        }
        if (!(v instanceof String s)) {
            throw type(f, "a string");
        }
        if (s.isBlank() || s.length() > maxLength) {
            throw ApiException.invalid(path(f), "'" + path(f) + "' must be 1 to " + maxLength + " characters");
        }
        return s;
    }

    public String optString(String f, int maxLength) {
        return has(f) ? string(f, maxLength) : null;
    }

    public long integer(String f, long min, long max, Long absent) {
        Object v = json.getValue(f);
        if (v == null) {
            if (absent != null) {
                return absent;
            }
            throw ApiException.badRequest(path(f), "'" + path(f) + "' is required");
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                || v instanceof Double d && (d.isInfinite() || d.isNaN())) {
            throw type(f, "an integer");
        }
        long x = n.longValue();
        if (x < min || x > max) {
            throw ApiException.invalid(path(f), "'" + path(f) + "' must be between " + min + " and " + max
                    + ", not " + x);
        }
        return x;
    }

    public Boolean optBoolean(String f) {
        Object v = json.getValue(f);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Boolean b)) {
            throw type(f, "true or false");
        }
        return b;
    }

    public Integer optInteger(String f, int min, int max) {
        return has(f) ? (int) integer(f, min, max, null) : null;
    }

    public double number(String f, double min, double max) {
        Object v = json.getValue(f);
        if (v == null) {
            throw ApiException.badRequest(path(f), "'" + path(f) + "' is required");
        }
        if (!(v instanceof Number n) || Double.isNaN(n.doubleValue())) {
            throw type(f, "a number");
        }
        double x = n.doubleValue();
        if (x < min || x > max) {
            throw ApiException.invalid(path(f), "'" + path(f) + "' must be between " + min + " and " + max
                    + ", not " + x);
        }
        return x;
    }

    public List<String> strings(String f, int minCount, int maxCount, int maxLength) {
        Object v = json.getValue(f);
        if (v == null) {
            throw ApiException.badRequest(path(f), "'" + path(f) + "' is required");
        }
        if (!(v instanceof JsonArray a)) {
            throw type(f, "a list of strings");
        }
        if (a.size() < minCount || a.size() > maxCount) {
            throw ApiException.invalid(path(f), "'" + path(f) + "' must have " + minCount + " to " + maxCount
                    + " entries, not " + a.size());
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            if (!(a.getValue(i) instanceof String s)) {
                throw ApiException.badRequest(path(f) + "[" + i + "]", "'" + path(f) + "[" + i + "]' must be a string");
            }
            if (s.isBlank() || s.length() > maxLength) {
                throw ApiException.invalid(path(f) + "[" + i + "]", "'" + path(f) + "[" + i
                        + "]' must be 1 to " + maxLength + " characters");
            }
            if (out.contains(s)) {
                throw ApiException.invalid(path(f) + "[" + i + "]", "'" + s + "' is listed twice in '" + path(f) + "'");
            }
            out.add(s);
        }
        return out;
    }

    /** A resource name as used in paths (field {@code name}): lower-case letters, digits and '-', up to 63. */
    public static String name(String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw ApiException.badRequest("name", "'" + value + "' is not a valid " + what
                    + " name: use 1-63 lower-case letters, digits and '-', starting with a letter or digit");
        }
        return value;
    }

    /**
     * A host name in presentation form, lower-cased, without the trailing dot; 422 naming
     * {@code field} when it is not one.
     */
    public static String hostname(String field, String value) {
        String h = value.toLowerCase(java.util.Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.isEmpty() || h.length() > 253) {
            throw ApiException.invalid(field, "'" + value + "' is not a domain name");
        }
        for (String label : h.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                throw ApiException.invalid(field, "'" + value + "' is not a domain name (label '" + label + "')");
            }
        }
        return h;
    }

    /**
     * A unicast IPv4 or IPv6 literal in its one canonical form (dotted quad, or RFC 5952 lower-case
     * compressed IPv6), so that the same address is always the same string; never resolves names.
     * Refused with 422: zone ids, dotted quads with leading zeros ("01.2.3.4" reads as octal in some
     * tools), IPv4-mapped IPv6 (register the IPv4 address itself) and the addresses nobody can be
     * sent to (multicast, unspecified, broadcast, "this network", reserved; see {@link SpecialAddresses}).
     */
    public static String unicast(String field, String value) {
        byte[] b = literal(field, value);
        SpecialAddresses.Block special = SpecialAddresses.classify(b);
        if (special != null && special.use() == SpecialAddresses.Use.NEVER) {
            throw ApiException.invalid(field, "'" + value + "' is not a unicast address but " + special.describe()
                    + ": nobody can be sent there, so it cannot serve users");
        }
        return Cidr.formatAddress(b);
    }

    /** The 4 or 16 bytes of an address literal written in a form that cannot be misread. */
    private static byte[] literal(String field, String value) {
        if (value.indexOf('%') >= 0) {
            throw ApiException.invalid(field, "'" + value + "' has a zone id ('%...'): give the address alone");
        }
        byte[] b;
        try {
            b = Cidr.parseAddress(value);
        } catch (IllegalArgumentException e) {
            if (LEADING_ZERO.matcher(value).matches() && value.chars().filter(c -> c == '.').count() == 3) {
                throw ApiException.invalid(field, "'" + value + "' has a number with a leading zero, which some "
                        + "software reads as octal: write each of the four numbers in decimal without leading zeros");
            }
            throw ApiException.invalid(field, "'" + value + "' is not an IPv4 or IPv6 address");
        }
        if (b.length == 16 && isV4Mapped(b)) {
            String v4 = Cidr.formatAddress(java.util.Arrays.copyOfRange(b, 12, 16));
            throw ApiException.invalid(field, "'" + value + "' is an IPv4-mapped IPv6 address: register the IPv4 "
                    + "address " + v4 + " itself");
        }
        return b;
    }

    /** A dotted quad (alone or as the tail of IPv6) with a number written with a leading zero. */
    private static final Pattern LEADING_ZERO = Pattern.compile("(?:.*:)?(?:[0-9]+\\.){0,3}0[0-9]+(?:\\.[0-9]+){0,3}");

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
    }
}
