package org.hubdns.cluster.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hubdns.cluster.coverage.Cidr;
import org.junit.jupiter.api.Test;

/**
 * Real table dumps, made by src/test/resources/mrt/make-fixtures.sh on loopback: BIRD 2 as the
 * exchange's route server (its {@code protocol mrt}; one member sends two ADD-PATH paths, so the
 * dump mixes RIB_IPV4_UNICAST and RIB_IPV4_UNICAST_ADDPATH records) and gobgpd's global-RIB dump,
 * both heard from ExaBGP members. What MrtReader reads must be what {@code bgpdump -m} printed.
 */
class MrtFixturesTest {

    /** One bgpdump -m line as peer|AS|prefix|path id|AS path, the fields a feed keeps. */
    static List<String> bgpdump(String resource) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : new String(bytes(resource), StandardCharsets.US_ASCII).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\\|", -1);
            boolean addPath = f[0].equals("TABLE_DUMP2_AP");
            String pathId = addPath ? f[6] : "0";
            String asPath = addPath ? f[7] : f[6];
            out.add(f[3] + "|" + f[4] + "|" + f[5] + "|" + pathId + "|" + asPath);
        }
        return out;
    }

    static byte[] bytes(String resource) throws IOException {
        try (InputStream in = MrtFixturesTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return in.readAllBytes();
        }
    }

    /** The reader's routes in the same form, checking that session and announcer are the dump's peer. */
    static List<String> read(byte[] mrt, MrtSummary[] summary) throws Exception {
        List<String> out = new ArrayList<>();
        RouteSink sink = new RouteSink() {
            @Override
            public void announce(String session, byte[] prefix, int prefixLength, long pathId, long announcerAs,
                    byte[] announcerAddress, long[] asPath) {
                String peer = Cidr.formatAddress(announcerAddress);
                assertThat(session).isEqualTo("AS" + announcerAs + "/" + peer);
                StringBuilder path = new StringBuilder();
                for (long as : asPath) {
                    path.append(path.length() == 0 ? "" : " ").append(as);
                }
                out.add(peer + "|" + announcerAs + "|" + Cidr.formatAddress(prefix) + "/" + prefixLength + "|" + pathId + "|"
                        + path);
            }

            @Override
            public void withdraw(String session, byte[] prefix, int prefixLength, long pathId) {
                throw new AssertionError("a dump withdraws nothing");
            }

            @Override
            public void sessionDown(String session) {
                throw new AssertionError("a dump brings no session down");
            }
        };
        summary[0] = MrtReader.read(MrtReader.decompressing(new ByteArrayInputStream(mrt)), sink);
        return out;
    }

    @Test
    void birdRouteServerDumpReadsAsBgpdumpPrintsIt() throws Exception {
        MrtSummary[] s = new MrtSummary[1];
        List<String> routes = read(bytes("/mrt/bird-rs.mrt"), s);
        assertThat(routes).containsExactlyElementsOf(bgpdump("/mrt/bird-rs.bgpdump.txt"));
        assertThat(routes).contains("127.0.0.4|9541|182.176.0.0/15|1|9541", "127.0.0.4|9541|182.176.0.0/15|2|9541 45595",
                "127.0.0.4|9541|2400:adc0::/32|0|9541", "127.0.0.2|64500|203.0.113.0/24|0|64500 9541");
        assertThat(s[0].routesV4()).isEqualTo(6);
        assertThat(s[0].routesV6()).isEqualTo(1);
        assertThat(s[0].peers()).isEqualTo(3);
        assertThat(s[0].skipped()).isZero();
    }

    @Test
    void gobgpDumpReadsAsBgpdumpPrintsIt() throws Exception {
        MrtSummary[] s = new MrtSummary[1];
        List<String> routes = read(bytes("/mrt/gobgp-rib.mrt"), s);
        assertThat(routes).containsExactlyElementsOf(bgpdump("/mrt/gobgp-rib.bgpdump.txt"));
        assertThat(s[0].routes()).isEqualTo(7);
    }

    @Test
    void everyCutOfARealDumpIsRefusedWithItsRecordAndOffset() throws Exception {
        byte[] mrt = bytes("/mrt/bird-rs.mrt");
        List<Integer> starts = new ArrayList<>();
        for (int at = 0; at < mrt.length; ) {
            starts.add(at);
            at += 12 + (int) MrtReader.u32(mrt, at + 8);
        }
        for (int cut = 1; cut < mrt.length; cut++) {
            if (starts.contains(cut)) {
                continue; // a cut between records is a shorter, valid dump
            }
            int record = 0;
            while (record + 1 < starts.size() && starts.get(record + 1) < cut) {
                record++;
            }
            String where = "record " + (record + 1) + " at byte " + starts.get(record) + ": the input ends inside the record";
            byte[] truncated = Arrays.copyOf(mrt, cut);
            assertThatThrownBy(() -> MrtReader.read(new ByteArrayInputStream(truncated), new RecordingSink()), "cut at " + cut)
                    .isInstanceOf(MrtFormatException.class).hasMessageStartingWith(where);
        }
    }
}
