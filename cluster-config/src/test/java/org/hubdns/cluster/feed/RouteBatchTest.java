package org.hubdns.cluster.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hubdns.cluster.coverage.Cidr;
import org.junit.jupiter.api.Test;

/** The binary form of a feed's log batches: what is written replays in order, and a broken batch is refused. */
class RouteBatchTest {
    /** Records each call as text. */
    static final class Recorder implements RouteSink {
        final List<String> calls = new ArrayList<>();

        @Override
        public void announce(String session, byte[] prefix, int prefixLength, long pathId, long announcerAs,
                byte[] announcerAddress, long[] asPath) {
            calls.add("A " + session + " " + Cidr.formatAddress(prefix) + "/" + prefixLength + " #" + pathId + " AS"
                    + announcerAs + " " + (announcerAddress == null ? "-" : Cidr.formatAddress(announcerAddress)) + " "
                    + Arrays.toString(asPath));
        }

        @Override
        public void withdraw(String session, byte[] prefix, int prefixLength, long pathId) {
            calls.add("W " + session + " " + Cidr.formatAddress(prefix) + "/" + prefixLength + " #" + pathId);
        }

        @Override
        public void sessionDown(String session) {
            calls.add("D " + session);
        }
    }

    static byte[] sample() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RouteBatch.Writer w = new RouteBatch.Writer(out, 1_700_000_000_123L);
        w.announce("AS64512/192.0.2.1", Cidr.parseAddress("39.32.0.0"), 11, 0, 17557, Cidr.parseAddress("198.51.100.1"),
                new long[] {17557});
        w.announce("AS64512/192.0.2.1", Cidr.parseAddress("2400:adc0::"), 32, 4_294_967_295L, 4_200_000_000L, null,
                new long[] {4_200_000_000L, 9541, 9541});
        w.withdraw("AS64512/192.0.2.1", Cidr.parseAddress("39.32.0.0"), 11, 0);
        w.announce("other", Cidr.parseAddress("58.65.128.0"), 17, 7, 0, null, new long[0]);
        w.sessionDown("AS64512/192.0.2.1");
        w.finish(3);
        assertThat(w.operations()).isEqualTo(5);
        return out.toByteArray();
    }

    @Test
    void replaysEveryOperationInOrder() {
        Recorder r = new Recorder();
        RouteBatch.Replayed done = RouteBatch.read(sample(), r);
        assertThat(r.calls).containsExactly(
                "A AS64512/192.0.2.1 39.32.0.0/11 #0 AS17557 198.51.100.1 [17557]",
                "A AS64512/192.0.2.1 2400:adc0::/32 #4294967295 AS4200000000 - [4200000000, 9541, 9541]",
                "W AS64512/192.0.2.1 39.32.0.0/11 #0",
                "A other 58.65.128.0/17 #7 AS0 - []",
                "D AS64512/192.0.2.1");
        assertThat(done.header().timeMillis()).isEqualTo(1_700_000_000_123L);
        assertThat(done.header().skipped()).isEqualTo(3);
        assertThat(done.announced()).isEqualTo(3);
        assertThat(done.withdrawn()).isEqualTo(1);
        assertThat(done.downs()).isEqualTo(1);
    }

    @Test
    void aHeartbeatIsABatchWithoutOperations() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new RouteBatch.Writer(out, 42).finish(0);
        RouteBatch.Replayed done = RouteBatch.read(out.toByteArray(), new Recorder());
        assertThat(done.operations()).isZero();
        assertThat(done.header().timeMillis()).isEqualTo(42);
    }

    @Test
    void aBrokenBatchIsRefused() {
        byte[] b = sample();
        assertThatThrownBy(() -> RouteBatch.read(Arrays.copyOf(b, b.length - 3), new Recorder()))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] other = b.clone();
        other[0] = 'X';
        assertThatThrownBy(() -> RouteBatch.read(other, new Recorder())).hasMessageContaining("not a route batch");
        byte[] newer = b.clone();
        newer[2] = 9;
        assertThatThrownBy(() -> RouteBatch.read(newer, new Recorder())).hasMessageContaining("version 9");
    }
}
