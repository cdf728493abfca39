package org.hubdns.cluster.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A million prefixes: builds within the test heap and answers correctly. No timing asserted. */
class CoverageSetScaleTest {

    private static final int V4 = 1_000_000;
    private static final int V6 = 20_000;
    // i -> /24 number is a bijection on 24 bits (odd multiplier, then xor), so the /24s are distinct
    // and any address's /24 maps back to the i that added it, if any: an exact reference for free.
    private static final int MUL = 0x9E3779 | 1;
    private static final int XOR = 0x5A5A5A;

    private static int inverse(int odd) {
        int inv = odd; // Newton's iteration doubles the correct low bits each round
        for (int k = 0; k < 5; k++) {
            inv *= 2 - odd * inv;
        }
        return inv;
    }

    @Test
    void millionPrefixes() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        String[] sites = new String[300];
        for (int i = 0; i < sites.length; i++) {
            sites[i] = "site-" + i;
        }
        long t0 = System.nanoTime();
        CoverageSetBuilder b = new CoverageSetBuilder();
        b.add("0.0.0.0/0", "default");
        for (int i = 0; i < V4; i++) {
            int net = ((i * MUL) & 0xFFFFFF) ^ XOR;
            b.add((net >>> 16) + "." + (net >>> 8 & 0xff) + "." + (net & 0xff) + ".0/24", sites[i % sites.length]);
        }
        Map<Long, String> v6 = new HashMap<>();
        for (int i = 0; i < V6; i++) {
            long hi = (0x2001L + r.nextInt(0xfff)) << 48 | (r.nextLong() & 0xFFFF_FFFF_0000L);
            String site = sites[r.nextInt(sites.length)];
            v6.put(hi, site);
            b.add(PrefixTable.format6(hi, 0, 48), site);
        }
        long tc = System.nanoTime();
        CoverageSetBuilder.Check check = b.check(10); // what an upload does before building
        long checkMs = (System.nanoTime() - tc) / 1_000_000;
        CoverageSet set = b.build();
        long t1 = System.nanoTime();
        String why = "seed " + seed;
        assertThat(check.count()).as(why).isEqualTo(set.size());
        assertThat(set.ipv4Size()).as(why).isEqualTo(V4 + 1);
        assertThat(set.ipv6Size()).as(why).isEqualTo(v6.size());

        int inv = inverse(MUL);
        byte[] a4 = new byte[4];
        for (int q = 0; q < 200_000; q++) {
            int addr = q % 2 == 0 ? (((r.nextInt(V4) * MUL) & 0xFFFFFF) ^ XOR) << 8 | r.nextInt(256) : r.nextInt();
            a4[0] = (byte) (addr >>> 24);
            a4[1] = (byte) (addr >>> 16);
            a4[2] = (byte) (addr >>> 8);
            a4[3] = (byte) addr;
            int i = (((addr >>> 8) ^ XOR) * inv) & 0xFFFFFF;
            String expected = i < V4 ? sites[i % sites.length] : "default";
            assertThat(set.site(set.matchSiteIndex(a4, 4))).as(why + " " + Cidr.formatAddress(a4)).isEqualTo(expected);
        }
        Long[] keys = v6.keySet().toArray(Long[]::new);
        byte[] a6 = new byte[16];
        for (int q = 0; q < 20_000; q++) {
            long hi = q % 2 == 0 ? keys[r.nextInt(keys.length)] | (r.nextLong() & 0xFFFF) : r.nextLong();
            long lo = r.nextLong();
            for (int k = 0; k < 8; k++) {
                a6[k] = (byte) (hi >>> (56 - 8 * k));
                a6[8 + k] = (byte) (lo >>> (56 - 8 * k));
            }
            CoverageSet.Match m = set.match(a6);
            String expected = v6.get(hi & 0xFFFF_FFFF_FFFF_0000L);
            assertThat(m == null ? null : m.site()).as(why + " " + Cidr.formatAddress(a6)).isEqualTo(expected);
        }
        long t2 = System.nanoTime();
        byte[] encoded = set.encode();
        long t3 = System.nanoTime();
        assertThat(CoverageSet.decode(encoded)).as(why).isEqualTo(set);
        long t4 = System.nanoTime();
        // the CSV export's work: every entry formatted, a slice at a time into one reused buffer
        StringBuilder slice = new StringBuilder();
        long[] chars = {0};
        for (int from = 0; from < set.size(); from += 2_000) {
            slice.setLength(0);
            set.forEach(from, Math.min(set.size(), from + 2_000), (c, site) -> slice.append(c).append(',')
                    .append(site).append('\n'));
            chars[0] += slice.length();
        }
        long t5 = System.nanoTime();
        long v4Bytes = 6L * set.ipv4Size();
        long v6Bytes = 10L * set.ipv6Size();
        System.out.printf("coverage: %d prefixes, %d bytes in arrays (%.2f B/prefix; IPv4 %.1f, IPv6 /48 %.1f), "
                        + "encoded %d bytes (%.2f B/prefix); build %d ms (of which check %d ms), 220k lookups %d ms, "
                        + "encode %d ms, decode %d ms, CSV export %d chars in %d ms%n",
                set.size(), set.estimatedBytes(), (double) set.estimatedBytes() / set.size(),
                (double) v4Bytes / set.ipv4Size(), (double) v6Bytes / set.ipv6Size(),
                encoded.length, (double) encoded.length / set.size(),
                (t1 - t0) / 1_000_000, checkMs, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, (t4 - t3) / 1_000_000,
                chars[0], (t5 - t4) / 1_000_000);
    }
}
