package org.hubdns.bench.wire;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.SplittableRandom;
import org.hubdns.bench.BenchInputException;

/**
 * The client networks a run speaks for: each one pre-encoded as a whole OPT record (UDP size
 * 1232) carrying an EDNS Client Subnet option (RFC 7871, scope 0, address cut to the source
 * prefix), stored back to back in one array so that a query only copies bytes.
 */
public final class EcsList {
    public static final int UDP_PAYLOAD = 1232;
    public static final int MAX_ENTRIES = 10_000_000;
    /** The OPT's first flag byte (its TTL is extended RCODE, version, then the 16 flag bits). */
    static final int OPT_FLAGS = 7;
    /** DO is the top bit of the OPT's flags (RFC 3225 section 3). */
    static final int DO_BIT = 0x80;

    /** An OPT record (UDP size {@link #UDP_PAYLOAD}) with the DO bit and no option: DNSSEC OK without ECS. */
    public static byte[] dnssecOkOpt() {
        return new byte[] {0, 0, (byte) RrTypes.OPT, (byte) (UDP_PAYLOAD >> 8), (byte) UDP_PAYLOAD, 0, 0,
            (byte) DO_BIT, 0, 0, 0};
    }

    private final byte[] data;
    private final int[] offsets;
    private final String source;

    private EcsList(byte[] data, int[] offsets, String source) {
        this.data = data;
        this.offsets = offsets;
        this.source = source;
    }

    public int size() {
        return offsets.length - 1;
    }

    public byte[] data() {
        return data;
    }

    public int offset(int i) {
        return offsets[i];
    }

    public int length(int i) {
        return offsets[i + 1] - offsets[i];
    }

    /**
     * The same networks with the DO bit (RFC 3225) set in each OPT record, for a run that asks for
     * signed answers; the source says so.
     */
    public EcsList withDnssecOk() {
        byte[] d = data.clone();
        for (int i = 0; i < size(); i++) {
            d[offsets[i] + OPT_FLAGS] |= (byte) DO_BIT;
        }
        return new EcsList(d, offsets, source);
    }

    /** Where the networks came from, for the report ({@code file ...} or {@code random N seed S}). */
    public String source() {
        return source;
    }

    /** One CIDR (IPv4 or IPv6) per line; {@code #} comments and blank lines skipped. */
    public static EcsList read(Path file) throws BenchInputException {
        Builder b = new Builder();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                int hash = line.indexOf('#');
                String t = (hash >= 0 ? line.substring(0, hash) : line).strip();
                if (t.isEmpty()) {
                    continue;
                }
                if (b.count >= MAX_ENTRIES) {
                    throw new BenchInputException(file + ": more than " + MAX_ENTRIES + " networks; use fewer");
                }
                try {
                    b.addCidr(t);
                } catch (IllegalArgumentException e) {
                    throw new BenchInputException(file + ":" + no + ": " + e.getMessage());
                }
            }
        } catch (NoSuchFileException e) {
            throw new BenchInputException("--ecs-file " + file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new BenchInputException("--ecs-file " + file + ": not a text file; expected one CIDR per line, "
                    + "e.g. 182.185.1.0/24");
        } catch (IOException e) {
            throw new BenchInputException("--ecs-file " + file + ": cannot read it (" + e.getMessage() + ")");
        }
        if (b.count == 0) {
            throw new BenchInputException("--ecs-file " + file + ": no networks in it; expected one CIDR per line, "
                    + "e.g. 182.185.1.0/24");
        }
        return b.build("file " + file);
    }

    /** {@code n} distinct public IPv4 /24s drawn with {@code seed} (the same seed gives the same list). */
    public static EcsList random(int n, long seed) throws BenchInputException {
        if (n < 1 || n > MAX_ENTRIES) {
            throw new BenchInputException("--ecs-random " + n + ": give between 1 and " + MAX_ENTRIES + " networks");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        BitSet taken = new BitSet(1 << 24);
        Builder b = new Builder();
        // about 86% of all /24s are public, so this ends after about n / 0.86 draws
        while (b.count < n) {
            int net = rnd.nextInt() >>> 8;
            if (taken.get(net) || !isPublic(net << 8)) {
                continue;
            }
            taken.set(net);
            int a = net << 8;
            b.add(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), 0}, 24);
        }
        return b.build("random " + n + " /24s, seed " + seed);
    }

    /** False for the special-purpose IPv4 blocks of RFC 6890 and multicast/reserved space. */
    static boolean isPublic(int a) {
        int o1 = a >>> 24;
        int o2 = (a >>> 16) & 0xff;
        int o3 = (a >>> 8) & 0xff;
        return !(o1 == 0 || o1 == 10 || o1 == 127 || o1 >= 224
                || (o1 == 100 && o2 >= 64 && o2 < 128)
                || (o1 == 169 && o2 == 254)
                || (o1 == 172 && o2 >= 16 && o2 < 32)
                || (o1 == 192 && o2 == 0 && (o3 == 0 || o3 == 2))
                || (o1 == 192 && o2 == 88 && o3 == 99)
                || (o1 == 192 && o2 == 168)
                || (o1 == 198 && (o2 == 18 || o2 == 19))
                || (o1 == 198 && o2 == 51 && o3 == 100)
                || (o1 == 203 && o2 == 0 && o3 == 113));
    }

    /** Parses an IPv4 dotted quad without any name lookup, or returns null. */
    public static byte[] parseIpv4(String s) {
        String[] p = s.split("\\.", -1);
        if (p.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (p[i].isEmpty() || p[i].length() > 3 || !p[i].chars().allMatch(Character::isDigit)) {
                return null;
            }
            int v = Integer.parseInt(p[i]);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    /** Parses an IPv4 or IPv6 literal without any name lookup, or returns null. */
    public static byte[] parseLiteral(String s) {
        byte[] v4 = parseIpv4(s);
        if (v4 != null) {
            return v4;
        }
        String t = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        if (t.indexOf(':') < 0 || !t.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return null;
        }
        try {
            // with a ':' in it and nothing but hex digits, this is parsed as a literal, never looked up
            InetAddress a = InetAddress.getByName(t);
            return a instanceof Inet6Address ? a.getAddress() : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static final class Builder {
        private byte[] data = new byte[1024];
        private int[] offsets = new int[65];
        private int size;
        private int count;

        void addCidr(String cidr) {
            int slash = cidr.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("expected a CIDR such as 182.185.1.0/24 or 2001:db8::/48, got '"
                        + cidr + "'");
            }
            byte[] addr = parseLiteral(cidr.substring(0, slash));
            if (addr == null) {
                throw new IllegalArgumentException("'" + cidr.substring(0, slash) + "' is not an IPv4 or IPv6 address");
            }
            int prefix;
            try {
                prefix = Integer.parseInt(cidr.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > addr.length * 8) {
                throw new IllegalArgumentException("prefix length in '" + cidr + "' must be 0-" + addr.length * 8);
            }
            add(addr, prefix);
        }

        void add(byte[] addr, int prefix) {
            int family = addr.length == 4 ? 1 : 2;
            int addrBytes = (prefix + 7) / 8;
            int optLen = 4 + addrBytes;
            int rdLen = 4 + optLen;
            int total = 11 + rdLen;
            ensure(total);
            int p = size;
            data[p] = 0; // root owner name
            data[p + 1] = 0;
            data[p + 2] = (byte) RrTypes.OPT;
            data[p + 3] = (byte) (UDP_PAYLOAD >> 8);
            data[p + 4] = (byte) UDP_PAYLOAD;
            // TTL (extended RCODE, version, flags) all zero: bytes p+5..p+8
            data[p + 9] = (byte) (rdLen >> 8);
            data[p + 10] = (byte) rdLen;
            data[p + 11] = 0;
            data[p + 12] = 8; // option code: ECS
            data[p + 13] = (byte) (optLen >> 8);
            data[p + 14] = (byte) optLen;
            data[p + 15] = 0;
            data[p + 16] = (byte) family;
            data[p + 17] = (byte) prefix;
            data[p + 18] = 0; // scope: always 0 in a query
            for (int i = 0; i < addrBytes; i++) {
                int b = addr[i] & 0xff;
                int keep = prefix - i * 8;
                if (keep < 8) {
                    b &= 0xff << (8 - keep); // RFC 7871: bits beyond the source prefix must be zero
                }
                data[p + 19 + i] = (byte) b;
            }
            size += total;
            count++;
            if (count + 1 > offsets.length) {
                offsets = java.util.Arrays.copyOf(offsets, offsets.length * 2);
            }
            offsets[count] = size;
        }

        private void ensure(int more) {
            if (size + more > data.length) {
                data = java.util.Arrays.copyOf(data, Math.max(data.length * 2, size + more));
            }
        }

        EcsList build(String source) {
            return new EcsList(java.util.Arrays.copyOf(data, size), java.util.Arrays.copyOf(offsets, count + 1), source);
        }
    }
}
