package org.hubdns.cluster.coverage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import org.hubdns.cluster.coverage.CoverageSet.Match;
import org.junit.jupiter.api.Test;

class CoverageSetTest {

    private static byte[] ip(String literal) {
        return Cidr.parseAddress(literal);
    }

    private static CoverageSet set(String... cidrAndSite) {
        CoverageSetBuilder b = new CoverageSetBuilder();
        for (int i = 0; i < cidrAndSite.length; i += 2) {
            b.add(cidrAndSite[i], cidrAndSite[i + 1]);
        }
        return b.build();
    }

    @Test
    void longestPrefixWins() {
        CoverageSet s = set("10.0.0.0/8", "khi", "10.1.0.0/16", "lhe", "10.1.2.0/24", "isb", "10.1.2.128/25", "pew");
        assertThat(s.match(ip("10.9.9.9"))).isEqualTo(new Match("10.0.0.0/8", "khi"));
        assertThat(s.match(ip("10.1.9.9"))).isEqualTo(new Match("10.1.0.0/16", "lhe"));
        assertThat(s.match(ip("10.1.2.3"))).isEqualTo(new Match("10.1.2.0/24", "isb"));
        assertThat(s.match(ip("10.1.2.200"))).isEqualTo(new Match("10.1.2.128/25", "pew"));
        assertThat(s.match(ip("11.0.0.1"))).isNull();
        assertThat(s.matchSiteIndex(ip("10.1.2.3"), 4)).isEqualTo(s.sites().indexOf("isb"));
        assertThat(s.matchSiteIndex(ip("11.0.0.1"), 4)).isEqualTo(-1);
        assertThat(s.matchPrefixLength(ip("10.1.2.3"), 4)).isEqualTo(24);
        assertThat(s.matchPrefixLength(ip("11.0.0.1"), 4)).isEqualTo(-1);
        assertThat(s.sites()).containsExactly("isb", "khi", "lhe", "pew");
        assertThat(s.size()).isEqualTo(4);
    }

    @Test
    void highAddressesCompareUnsigned() {
        CoverageSet s = set("128.0.0.0/1", "hi", "0.0.0.0/1", "lo", "255.255.255.255/32", "top", "200.0.0.0/8", "mid");
        assertThat(s.match(ip("255.255.255.255")).site()).isEqualTo("top");
        assertThat(s.match(ip("200.1.1.1")).site()).isEqualTo("mid");
        assertThat(s.match(ip("127.255.255.255")).site()).isEqualTo("lo");
        assertThat(s.match(ip("128.0.0.0")).cidr()).isEqualTo("128.0.0.0/1");
    }

    @Test
    void ipv6() {
        CoverageSet s = set("2001:db8::/32", "khi", "2001:db8:1::/48", "lhe", "2001:db8:1:2::/64", "isb",
                "2001:db8:1:2::8000:0/97", "pew", "2001:db8:1:2::1/128", "one", "ffff::/16", "top");
        assertThat(s.match(ip("2001:db8:ffff::1"))).isEqualTo(new Match("2001:db8::/32", "khi"));
        assertThat(s.match(ip("2001:db8:1:ffff::1"))).isEqualTo(new Match("2001:db8:1::/48", "lhe"));
        assertThat(s.match(ip("2001:db8:1:2::2"))).isEqualTo(new Match("2001:db8:1:2::/64", "isb"));
        assertThat(s.match(ip("2001:db8:1:2::8000:1"))).isEqualTo(new Match("2001:db8:1:2::8000:0/97", "pew"));
        assertThat(s.match(ip("2001:db8:1:2::1"))).isEqualTo(new Match("2001:db8:1:2::1/128", "one"));
        assertThat(s.match(ip("ffff:1::"))).isEqualTo(new Match("ffff::/16", "top"));
        assertThat(s.match(ip("2001:db9::"))).isNull();
        assertThat(s.matchPrefixLength(ip("2001:db8:1:2::1"), 16)).isEqualTo(128);
        assertThat(s.match(ip("10.0.0.1"))).isNull(); // families do not mix
    }

    @Test
    void ipv4MappedMatchesAsIpv4() {
        CoverageSet s = set("10.0.0.0/8", "khi", "::/0", "v6-default", "::ffff:192.0.2.0/120", "lhe");
        assertThat(s.match(ip("::ffff:10.1.2.3"))).isEqualTo(new Match("10.0.0.0/8", "khi"));
        // Written as a mapped prefix, stored and reported as IPv4:
        assertThat(s.match(ip("192.0.2.7"))).isEqualTo(new Match("192.0.2.0/24", "lhe"));
        assertThat(s.match(ip("::ffff:192.0.2.7"))).isEqualTo(new Match("192.0.2.0/24", "lhe"));
        // Documented: IPv6 prefixes do not cover mapped addresses.
        assertThat(s.match(ip("::ffff:11.0.0.1"))).isNull();
        assertThat(s.match(ip("::fffe:11.0.0.1")).site()).isEqualTo("v6-default");
        byte[] buffer = Arrays.copyOf(ip("::ffff:10.1.2.3"), 64); // a reused, larger buffer
        assertThat(s.site(s.matchSiteIndex(buffer, 16))).isEqualTo("khi");
        assertThat(s.matchPrefixLength(buffer, 16)).isEqualTo(8);
        assertThat(s.ipv4Size()).isEqualTo(2);
        assertThat(s.ipv6Size()).isEqualTo(1);
    }

    @Test
    void defaultRoutes() {
        CoverageSet s = set("0.0.0.0/0", "any4", "::/0", "any6", "10.0.0.0/8", "khi");
        assertThat(s.match(ip("1.2.3.4"))).isEqualTo(new Match("0.0.0.0/0", "any4"));
        assertThat(s.match(ip("10.2.3.4")).site()).isEqualTo("khi");
        assertThat(s.match(ip("2001:db8::1"))).isEqualTo(new Match("::/0", "any6"));
    }

    @Test
    void emptyAndBadAddresses() {
        assertThat(CoverageSet.EMPTY.match(ip("1.2.3.4"))).isNull();
        assertThat(CoverageSet.EMPTY.match(ip("::1"))).isNull();
        assertThat(CoverageSet.EMPTY.size()).isZero();
        assertThat(CoverageSet.EMPTY.sites()).isEmpty();
        assertThat(new CoverageSetBuilder().build()).isEqualTo(CoverageSet.EMPTY);
        assertThat(CoverageSet.decode(CoverageSet.EMPTY.encode())).isEqualTo(CoverageSet.EMPTY);
        assertThatThrownBy(() -> CoverageSet.EMPTY.match(new byte[5])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CoverageSet.EMPTY.matchSiteIndex(new byte[4], 16)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CoverageSet.EMPTY.matchSiteIndex(null, 4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void duplicatesLastWins() {
        CoverageSet s = set("10.0.0.0/8", "khi", "2001:db8::/32", "lhe", "10.0.0.0/8", "isb", "2001:db8::/32", "pew",
                "::ffff:10.0.0.0/104", "mux");
        assertThat(s.size()).isEqualTo(2);
        assertThat(s.match(ip("10.0.0.1")).site()).isEqualTo("mux");
        assertThat(s.match(ip("2001:db8::1")).site()).isEqualTo("pew");
        assertThat(s.sites()).containsExactly("mux", "pew"); // replaced sites are gone
    }

    @Test
    void checkFindsPrefixesWithTwoSitesAndCountsRepeats() {
        CoverageSetBuilder b = new CoverageSetBuilder();
        b.add("10.0.0.0/8", "khi", 1).add("2001:db8::/32", "lhe", 2).add("10.0.0.0/8", "khi", 3)
                .add("11.0.0.0/8", "isb", 4).add("2001:db8::/32", "pew", 5).add("::ffff:10.0.0.0/104", "mux", 6)
                .add("11.0.0.0/8", "isb", 7);
        CoverageSetBuilder.Check c = b.check(10);
        assertThat(c.ipv4()).isEqualTo(2);
        assertThat(c.ipv6()).isEqualTo(1);
        assertThat(c.count()).isEqualTo(3);
        assertThat(c.repeats()).isEqualTo(2); // same prefix, same site as its first entry; another site is a clash
        assertThat(c.clashCount()).isEqualTo(2);
        // in the order of the line that clashed; each names the first entry of the prefix
        assertThat(c.clashes()).containsExactly(
                new CoverageSetBuilder.Clash("2001:db8::/32", "lhe", 2, "pew", 5),
                new CoverageSetBuilder.Clash("10.0.0.0/8", "khi", 1, "mux", 6));
        assertThat(b.check(1).clashes()).hasSize(1);
        assertThat(b.check(1).clashCount()).isEqualTo(2);
        // build still keeps the last of each prefix (what a single edit relies on), after a check or not
        CoverageSet s = b.build();
        assertThat(s.match(ip("10.1.1.1")).site()).isEqualTo("mux");
        assertThat(s).isEqualTo(set("10.0.0.0/8", "khi", "2001:db8::/32", "lhe", "10.0.0.0/8", "khi", "11.0.0.0/8",
                "isb", "2001:db8::/32", "pew", "::ffff:10.0.0.0/104", "mux"));
        b.add("12.0.0.0/8", "isb", 8);
        assertThat(b.check(10).count()).as("a later add is seen").isEqualTo(4);

        CoverageSetBuilder clean = new CoverageSetBuilder().add("10.0.0.0/8", "khi", 1).add("10.0.0.0/9", "khi", 2);
        assertThat(clean.check(10).clashes()).isEmpty();
        assertThat(clean.check(10).repeats()).isZero();
    }

    @Test
    void forEachOfARangeListsThatSliceInOrder() {
        CoverageSet s = set("10.0.0.0/8", "khi", "2001:db8::/32", "lhe", "10.1.0.0/16", "isb", "2001:db8:1::/48", "pew",
                "192.0.2.0/24", "mux");
        List<String> all = new ArrayList<>();
        s.forEach((c, site) -> all.add(c + "," + site));
        for (int from = 0; from <= s.size(); from++) {
            for (int to = from; to <= s.size(); to++) {
                List<String> part = new ArrayList<>();
                s.forEach(from, to, (c, site) -> part.add(c + "," + site));
                assertThat(part).isEqualTo(all.subList(from, to));
            }
        }
        assertThatThrownBy(() -> s.forEach(0, 6, (c, site) -> { })).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void builderValidation() {
        CoverageSetBuilder b = new CoverageSetBuilder();
        assertThatThrownBy(() -> b.add("10.0.0.1/8", "khi")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10.0.0.1/8").hasMessageContaining("canonical form is 10.0.0.0/8");
        assertThatThrownBy(() -> b.add("10.0.0.0/33", "khi")).hasMessageContaining("10.0.0.0/33");
        assertThatThrownBy(() -> b.add("::/129", "khi")).hasMessageContaining("::/129");
        assertThatThrownBy(() -> b.add("example.com/32", "khi")).hasMessageContaining("example.com/32");
        assertThatThrownBy(() -> b.add("10.0.0.0", "khi")).hasMessageContaining("10.0.0.0");
        assertThatThrownBy(() -> b.add((String) null, "khi")).isInstanceOf(IllegalArgumentException.class);
        String tooLong = "a".repeat(64);
        for (String bad : new String[] {"", "Khi", "-khi", "k_hi", "khi.pk", " khi", tooLong}) {
            assertThatThrownBy(() -> b.add("10.0.0.0/8", bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
        assertThatThrownBy(() -> b.add("10.0.0.0/8", null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(b.size()).isZero();
        b.add("10.0.0.0/8", "a".repeat(63)).add("10.0.0.0/9", "0-site");
        assertThat(b.size()).isEqualTo(2);
    }

    @Test
    void withAddsAndReplaces() {
        CoverageSet s = set("10.0.0.0/8", "khi", "2001:db8::/32", "lhe");
        CoverageSet added = s.with("10.1.0.0/16", "isb");
        assertThat(added.size()).isEqualTo(3);
        assertThat(added.match(ip("10.1.0.1")).site()).isEqualTo("isb");
        assertThat(s.match(ip("10.1.0.1")).site()).isEqualTo("khi"); // the original is untouched
        CoverageSet replaced = added.with("2001:db8::/32", "pew");
        assertThat(replaced.size()).isEqualTo(3);
        assertThat(replaced.match(ip("2001:db8::1")).site()).isEqualTo("pew");
        assertThat(replaced.sites()).containsExactly("isb", "khi", "pew");
        assertThat(replaced).isEqualTo(set("2001:db8::/32", "pew", "10.1.0.0/16", "isb", "10.0.0.0/8", "khi"));
        assertThatThrownBy(() -> s.with("10.0.0.1/8", "khi")).hasMessageContaining("10.0.0.0/8");
        Map<String, String> listed = new LinkedHashMap<>();
        replaced.forEach(listed::put);
        assertThat(listed).containsExactly(Map.entry("10.0.0.0/8", "khi"), Map.entry("10.1.0.0/16", "isb"),
                Map.entry("2001:db8::/32", "pew"));
    }

    // ------------------------------------------------------------ randomized, against a reference

    /** The obvious implementation: a map from canonical CIDR to site, probed for every length. */
    private static final class Reference {
        final Map<String, String> entries = new HashMap<>();

        void add(String cidr, String site) {
            Cidr c = Cidr.parse(cidr);
            byte[] a = c.address();
            if (a.length == 16 && c.prefix() >= 96 && isMapped(a)) {
                c = new Cidr(Arrays.copyOfRange(a, 12, 16), c.prefix() - 96);
            }
            entries.put(c.toString(), site);
        }

        Match match(byte[] address) {
            byte[] a = address.length == 16 && isMapped(address) ? Arrays.copyOfRange(address, 12, 16) : address;
            int bits = a.length * 8;
            BigInteger v = new BigInteger(1, a);
            for (int l = bits; l >= 0; l--) {
                BigInteger masked = v.shiftRight(bits - l).shiftLeft(bits - l);
                byte[] raw = masked.toByteArray();
                byte[] fixed = new byte[a.length];
                int n = Math.min(raw.length, a.length);
                System.arraycopy(raw, raw.length - n, fixed, a.length - n, n);
                String key = Cidr.formatAddress(fixed) + "/" + l;
                String site = entries.get(key);
                if (site != null) {
                    return new Match(key, site);
                }
            }
            return null;
        }

        static boolean isMapped(byte[] a) {
            for (int i = 0; i < 10; i++) {
                if (a[i] != 0) {
                    return false;
                }
            }
            return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
        }
    }

    private static byte[] randomAddress(Random r, boolean v6) {
        byte[] a = new byte[v6 ? 16 : 4];
        r.nextBytes(a);
        // A few small regions, so that prefixes nest and queries hit them.
        if (v6) {
            a[0] = 0x20;
            a[1] = (byte) (r.nextInt(3));
            if (r.nextInt(10) == 0) {
                Arrays.fill(a, 0, 10, (byte) 0);
                a[10] = (byte) 0xff;
                a[11] = (byte) (r.nextBoolean() ? 0xff : 0xfe);
            }
        } else {
            a[0] = (byte) new int[] {10, 100, 172, 192, 203, 255}[r.nextInt(6)];
            if (r.nextBoolean()) {
                a[1] = (byte) r.nextInt(4);
            }
        }
        return a;
    }

    private static int randomLength(Random r, boolean v6) {
        int max = v6 ? 128 : 32;
        int pick = r.nextInt(20);
        if (pick == 0) {
            return r.nextInt(max + 1);
        }
        return v6 ? 16 + r.nextInt(113) : 8 + r.nextInt(25);
    }

    private static byte[] within(Random r, byte[] prefix, int length) {
        byte[] a = prefix.clone();
        byte[] noise = new byte[a.length];
        r.nextBytes(noise);
        for (int bit = length; bit < a.length * 8; bit++) {
            int m = 0x80 >>> (bit & 7);
            a[bit >>> 3] = (byte) ((a[bit >>> 3] & ~m) | (noise[bit >>> 3] & m));
        }
        return a;
    }

    @Test
    void randomSetMatchesReferenceAndRoundTrips() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        String[] sitePool = new String[40];
        for (int i = 0; i < sitePool.length; i++) {
            sitePool[i] = "site-" + i;
        }
        CoverageSetBuilder b = new CoverageSetBuilder();
        Reference ref = new Reference();
        List<Cidr> added = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            String cidr;
            if (!added.isEmpty() && r.nextInt(20) == 0) {
                cidr = added.get(r.nextInt(added.size())).toString(); // a repeat: last wins
            } else {
                boolean v6 = r.nextInt(3) == 0;
                Cidr c = Cidr.of(randomAddress(r, v6), randomLength(r, v6));
                added.add(c);
                cidr = c.toString();
            }
            String site = sitePool[r.nextInt(sitePool.length)];
            b.add(cidr, site);
            ref.add(cidr, site);
        }
        CoverageSet set = b.build();
        String why = "seed " + seed;
        assertThat(set.size()).as(why).isEqualTo(ref.entries.size());

        byte[] bytes = set.encode();
        CoverageSet decoded = CoverageSet.decode(bytes);
        assertThat(decoded).as(why).isEqualTo(set);
        assertThat(decoded.encode()).as(why).isEqualTo(bytes);

        Map<String, String> listed = new HashMap<>();
        decoded.forEach(listed::put);
        assertThat(listed).as(why).isEqualTo(ref.entries);

        for (int q = 0; q < 30_000; q++) {
            byte[] addr;
            if (r.nextBoolean()) {
                Cidr c = added.get(r.nextInt(added.size()));
                addr = within(r, c.address(), c.prefix());
            } else {
                addr = randomAddress(r, r.nextInt(3) == 0);
            }
            if (addr.length == 4 && r.nextInt(5) == 0) {
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(addr, 0, mapped, 12, 4);
                addr = mapped;
            }
            Match expected = ref.match(addr);
            String what = why + ", address " + Cidr.formatAddress(addr);
            assertThat(set.match(addr)).as(what).isEqualTo(expected);
            assertThat(decoded.match(addr)).as(what).isEqualTo(expected);
            int idx = decoded.matchSiteIndex(addr, addr.length);
            assertThat(idx < 0 ? null : decoded.site(idx)).as(what).isEqualTo(expected == null ? null : expected.site());
            int len = decoded.matchPrefixLength(addr, addr.length);
            assertThat(len).as(what).isEqualTo(expected == null ? -1
                    : Integer.parseInt(expected.cidr().substring(expected.cidr().indexOf('/') + 1)));
        }
    }

    // ------------------------------------------------------------ corrupt encodings

    private static CoverageSet sample() {
        return set("10.0.0.0/8", "khi", "10.1.0.0/16", "lhe", "0.0.0.0/0", "any", "192.0.2.0/24", "isb",
                "::/0", "any", "2001:db8::/32", "khi", "2001:db8::/48", "pew", "2001:db8::1/128", "one",
                "2001:db8::8000:0/97", "isb", "2001:db8:0:1::8000:0/97", "lhe", "2001:db8:0:1::c000:0/98", "lhe");
    }

    @Test
    void decodeRejectsTruncationAndGarbage() {
        byte[] good = sample().encode();
        assertThat(CoverageSet.decode(good)).isEqualTo(sample());
        for (int n = 0; n < good.length; n++) {
            byte[] cut = Arrays.copyOf(good, n);
            assertThatThrownBy(() -> CoverageSet.decode(cut)).as("truncated to %d", n)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> CoverageSet.decode(longer)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CoverageSet.decode(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CoverageSet.decode("not a coverage set".getBytes()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("magic");
        byte[] v2 = good.clone();
        v2[4] = 2;
        assertThatThrownBy(() -> CoverageSet.decode(v2)).hasMessageContaining("version 2");
        for (int i = 5; i < good.length; i++) {
            byte[] flipped = good.clone();
            flipped[i] ^= 0x10;
            assertThatThrownBy(() -> CoverageSet.decode(flipped)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** With a valid CRC, the structural checks alone must stop bad input: only IAE, or a canonical set. */
    @Test
    void decodeSurvivesMutationsBehindAValidCrc() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        byte[] good = sample().encode();
        for (int i = 5; i < good.length - 4; i++) {
            for (int v = 0; v < 256; v += 1 + r.nextInt(8)) {
                byte[] m = good.clone();
                m[i] = (byte) v;
                decodeOrReject(withCrc(m), "seed " + seed + ", byte " + i + " = " + v);
            }
        }
        for (int t = 0; t < 5_000; t++) {
            byte[] m = new byte[9 + r.nextInt(60)];
            r.nextBytes(m);
            System.arraycopy(good, 0, m, 0, 5);
            if (r.nextBoolean()) {
                m[5] = (byte) r.nextInt(3); // a plausible site count gets further in
            }
            decodeOrReject(withCrc(m), "seed " + seed + ", garbage " + t);
        }
    }

    private static void decodeOrReject(byte[] data, String why) {
        try {
            CoverageSet s = CoverageSet.decode(data);
            assertThat(s.encode()).as(why).isEqualTo(data);
        } catch (IllegalArgumentException expected) {
            // fine
        } catch (RuntimeException e) {
            fail(why + ": " + e, e);
        }
    }

    private static byte[] withCrc(byte[] m) {
        CRC32 crc = new CRC32();
        crc.update(m, 0, m.length - 4);
        int c = (int) crc.getValue();
        m[m.length - 4] = (byte) (c >>> 24);
        m[m.length - 3] = (byte) (c >>> 16);
        m[m.length - 2] = (byte) (c >>> 8);
        m[m.length - 1] = (byte) c;
        return m;
    }
}
