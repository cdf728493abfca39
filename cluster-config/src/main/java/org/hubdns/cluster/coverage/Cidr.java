package org.hubdns.cluster.coverage;

import java.util.Arrays;
import java.util.Objects;

/**
 * An address prefix: 4 or 16 address bytes and a prefix length, with every host bit zero.
 *
 * <p>Parsing is deliberately strict and purely textual: operators' data and the API's {@code ?ip=}
 * parameter must never trigger a DNS lookup, so nothing here goes near {@code InetAddress}. IPv4 is
 * a dotted quad without leading zeros (they read as octal in some tools, so "010.0.0.1" would be
 * ambiguous); IPv6 is any RFC 4291 text form (including an embedded dotted quad), without zone id or
 * brackets. {@link #toString()} is the canonical form: dotted quad, or RFC 5952 for IPv6.
 *
 * <p>The array is copied in and out, so instances are immutable despite the array component.
 */
public record Cidr(byte[] address, int prefix) {

    public Cidr {
        Objects.requireNonNull(address, "address");
        if (address.length != 4 && address.length != 16) {
            throw new IllegalArgumentException("address must be 4 or 16 bytes, got " + address.length);
        }
        int max = address.length * 8;
        if (prefix < 0 || prefix > max) {
            throw new IllegalArgumentException("prefix length " + prefix + " out of range 0-" + max);
        }
        address = address.clone();
        byte[] masked = mask(address, prefix);
        if (!Arrays.equals(masked, address)) {
            throw new IllegalArgumentException("host bits set beyond /" + prefix + " in "
                    + formatAddress(address) + "/" + prefix + "; the canonical form is " + format(masked, prefix));
        }
    }

    /** The prefix covering {@code address} with the host bits cleared (handy for error messages and tests). */
    public static Cidr of(byte[] address, int prefix) {
        Objects.requireNonNull(address, "address");
        if (address.length != 4 && address.length != 16) {
            throw new IllegalArgumentException("address must be 4 or 16 bytes, got " + address.length);
        }
        if (prefix < 0 || prefix > address.length * 8) {
            throw new IllegalArgumentException("prefix length " + prefix + " out of range 0-" + address.length * 8);
        }
        return new Cidr(mask(address, prefix), prefix);
    }

    /**
     * Parses "addr/len". Rejects hostnames, missing or malformed lengths, lengths out of range and
     * set host bits (naming the canonical form, so the operator can fix "10.0.0.1/8" at a glance).
     */
    public static Cidr parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("CIDR is missing");
        }
        int slash = text.indexOf('/');
        if (slash < 0 || slash != text.lastIndexOf('/')) {
            throw new IllegalArgumentException("invalid CIDR '" + text + "': expected address/prefix-length");
        }
        String lenText = text.substring(slash + 1);
        byte[] address;
        try {
            address = parseAddress(text.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid CIDR '" + text + "': " + e.getMessage(), e);
        }
        int max = address.length * 8;
        int prefix = parsePrefixLength(lenText);
        if (prefix < 0 || prefix > max) {
            throw new IllegalArgumentException("invalid CIDR '" + text + "': prefix length '" + lenText
                    + "' must be a number from 0 to " + max);
        }
        byte[] masked = mask(address, prefix);
        if (!Arrays.equals(masked, address)) {
            throw new IllegalArgumentException("invalid CIDR '" + text + "': host bits are set beyond /" + prefix
                    + "; the canonical form is " + format(masked, prefix));
        }
        return new Cidr(address, prefix);
    }

    /**
     * Parses an IPv4 or IPv6 address literal into 4 or 16 bytes. Anything that is not a literal
     * (a hostname, a bracketed or zoned address, surrounding spaces) is rejected, never resolved.
     */
    public static byte[] parseAddress(String literal) {
        if (literal == null || literal.isEmpty()) {
            throw new IllegalArgumentException("IP address is missing");
        }
        if (literal.indexOf(':') >= 0) {
            return parseIpv6(literal);
        }
        byte[] out = new byte[4];
        parseIpv4(literal, 0, literal.length(), out, 0, literal);
        return out;
    }

    /** Canonical text of a 4- or 16-byte address: dotted quad, or RFC 5952 (lower case, longest zero run as "::"). */
    public static String formatAddress(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
        }
        if (address.length != 16) {
            throw new IllegalArgumentException("address must be 4 or 16 bytes, got " + address.length);
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (address[2 * i] & 0xff) << 8 | (address[2 * i + 1] & 0xff);
        }
        if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff) {
            // RFC 5952 section 5: IPv4-mapped addresses keep the dotted quad, which is how people read them.
            return "::ffff:" + (address[12] & 0xff) + "." + (address[13] & 0xff) + "." + (address[14] & 0xff) + "."
                    + (address[15] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1; // a single zero group is never compressed (RFC 5952 4.2.2)
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) { // strictly longer: on a tie the first run wins (4.2.3)
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    /** A copy: the record must stay immutable. */
    @Override
    public byte[] address() {
        return address.clone();
    }

    public boolean isIpv4() {
        return address.length == 4;
    }

    /** Whether {@code addr} (4 or 16 bytes) lies inside this prefix; an address of the other family never does. */
    public boolean contains(byte[] addr) {
        if (addr.length != address.length) {
            return false;
        }
        int full = prefix >>> 3;
        for (int i = 0; i < full; i++) {
            if (addr[i] != address[i]) {
                return false;
            }
        }
        int rest = prefix & 7;
        return rest == 0 || ((addr[full] ^ address[full]) & (0xFF << (8 - rest)) & 0xFF) == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.address, address);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(address) + prefix;
    }

    @Override
    public String toString() {
        return format(address, prefix);
    }

    static String format(byte[] address, int prefix) {
        return formatAddress(address) + "/" + prefix;
    }

    static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int bit = prefix; bit < out.length * 8; bit++) {
            out[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
        }
        return out;
    }

    /** Digits only, no sign, no leading zero: "/08" or "/+8" are typos worth reporting. Returns -1 when malformed. */
    private static int parsePrefixLength(String s) {
        if (s.isEmpty() || s.length() > 3 || (s.length() > 1 && s.charAt(0) == '0')) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static void parseIpv4(String s, int from, int to, byte[] out, int off, String whole) {
        int part = 0;
        int i = from;
        while (true) {
            int start = i;
            int v = 0;
            // ASCII digits only: Character.isDigit would accept e.g. Arabic-Indic digits.
            while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 3) {
                v = v * 10 + (s.charAt(i) - '0');
                i++;
            }
            int len = i - start;
            if (len == 0 || v > 255 || (len > 1 && s.charAt(start) == '0')) {
                throw new IllegalArgumentException("not an IP address literal: '" + whole + "'");
            }
            out[off + part] = (byte) v;
            part++;
            if (part == 4) {
                if (i != to) {
                    throw new IllegalArgumentException("not an IP address literal: '" + whole + "'");
                }
                return;
            }
            if (i >= to || s.charAt(i) != '.') {
                throw new IllegalArgumentException("not an IP address literal: '" + whole + "'");
            }
            i++;
        }
    }

    private static byte[] parseIpv6(String s) {
        if (s.length() > 45) {
            throw new IllegalArgumentException("not an IPv6 address literal: '" + s + "'");
        }
        int dc = s.indexOf("::");
        if (dc >= 0 && s.indexOf("::", dc + 1) >= 0) {
            throw new IllegalArgumentException("not an IPv6 address literal (more than one '::'): '" + s + "'");
        }
        int[] groups = new int[8];
        if (dc < 0) {
            int n = parseGroups(s, 0, s.length(), true, groups, 0, s);
            if (n != 8) {
                throw new IllegalArgumentException("not an IPv6 address literal (needs 8 groups or '::'): '" + s + "'");
            }
        } else {
            int[] tail = new int[8];
            int h = parseGroups(s, 0, dc, false, groups, 0, s);
            int t = parseGroups(s, dc + 2, s.length(), true, tail, 0, s);
            if (h + t > 7) { // "::" stands for at least one zero group
                throw new IllegalArgumentException("not an IPv6 address literal (too many groups): '" + s + "'");
            }
            System.arraycopy(tail, 0, groups, 8 - t, t);
        }
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[2 * i] = (byte) (groups[i] >>> 8);
            out[2 * i + 1] = (byte) groups[i];
        }
        return out;
    }

    /** Parses colon-separated groups in s[from, to) into dst; an empty range is zero groups. Returns the group count. */
    private static int parseGroups(String s, int from, int to, boolean dottedTailAllowed, int[] dst, int off, String whole) {
        if (from == to) {
            return 0;
        }
        int n = off;
        int i = from;
        while (true) {
            int end = s.indexOf(':', i);
            if (end < 0 || end > to) {
                end = to;
            }
            boolean last = end == to;
            if (last && dottedTailAllowed && s.lastIndexOf('.', to - 1) >= i) {
                if (n + 2 > 8) {
                    throw new IllegalArgumentException("not an IPv6 address literal (too many groups): '" + whole + "'");
                }
                byte[] v4 = new byte[4];
                parseIpv4(s, i, to, v4, 0, whole);
                dst[n++] = (v4[0] & 0xff) << 8 | (v4[1] & 0xff);
                dst[n++] = (v4[2] & 0xff) << 8 | (v4[3] & 0xff);
                return n - off;
            }
            if (end - i < 1 || end - i > 4 || n >= 8) {
                throw new IllegalArgumentException("not an IPv6 address literal: '" + whole + "'");
            }
            int v = 0;
            for (int k = i; k < end; k++) {
                int d = hexDigit(s.charAt(k));
                if (d < 0) {
                    throw new IllegalArgumentException("not an IP address literal: '" + whole + "'");
                }
                v = v << 4 | d;
            }
            dst[n++] = v;
            if (last) {
                return n - off;
            }
            i = end + 1;
        }
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
