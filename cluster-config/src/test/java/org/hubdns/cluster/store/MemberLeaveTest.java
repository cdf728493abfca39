package org.hubdns.cluster.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.cluster.store.Loopback.await;
import static org.hubdns.cluster.store.Loopback.freePort;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A member that stops (a restart, an upgrade) says so before it leaves, and the others log its
 * leave at INFO; one that is killed is reported lost at WARN, which is what an operator must see.
 * Three real members in this JVM.
 */
class MemberLeaveTest {
    private static final InetAddress LOOPBACK = Loopback.ADDRESS;

    @TempDir
    Path dir;

    @Test
    void aStoppedMemberLeavesAtInfoAndAKilledOneIsReportedLostAtWarn() throws Exception {
        String cluster = "t-" + UUID.randomUUID();
        int[] ports = {freePort(), freePort(), freePort()};
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        Logger log = (Logger) LoggerFactory.getLogger(Registry.class);
        Level was = log.getLevel();
        log.setLevel(Level.INFO);
        log.addAppender(seen);
        Registry stopped = null;
        Registry killed = null;
        try (Registry first = start(cluster, ports, 0)) {
            stopped = start(cluster, ports, 1);
            Registry second = stopped;
            // partitions settled, so that its notice may sit on either member and migrate as it leaves
            await("two members, partitions backed up", () -> first.members() == 2 && first.clusterSafe()
                    && second.clusterSafe());
            stopped.close();
            String stoppedAt = "127.0.0.1]:" + ports[1];
            await("the stop logged", () -> lines(seen, stoppedAt).size() > 0);

            killed = start(cluster, ports, 2);
            Registry third = killed;
            await("two members again", () -> first.members() == 2 && first.clusterSafe() && third.clusterSafe());
            killed.terminate();
            String killedAt = "127.0.0.1]:" + ports[2];
            await("the loss logged", () -> lines(seen, killedAt).size() > 0);

            assertThat(lines(seen, stoppedAt)).as("what the first member said of the one that stopped")
                    .containsExactly("INFO member [127.0.0.1]:" + ports[1] + " stopped and left; 1 member(s)");
            assertThat(lines(seen, killedAt)).as("what the first member said of the one that was killed")
                    .containsExactly("WARN member [127.0.0.1]:" + ports[2] + " lost: it left without stopping "
                            + "(killed, crashed, or cut off from this member); 1 member(s)");
        } finally {
            if (stopped != null) {
                stopped.close(); // a second close does nothing
            }
            if (killed != null) {
                killed.close(); // its data dir store; the member is gone already
            }
            log.detachAppender(seen);
            log.setLevel(was);
        }
    }

    /** The log lines about a member leaving that name {@code address}, as "LEVEL message". */
    private static List<String> lines(ListAppender<ILoggingEvent> seen, String address) {
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : new ArrayList<>(seen.list)) {
            String m = e.getFormattedMessage();
            if (m.startsWith("member ") && m.contains(address + " ") && !m.contains("joined")) {
                out.add(e.getLevel() + " " + m);
            }
        }
        return out;
    }

    private Registry start(String cluster, int[] ports, int i) throws Exception {
        List<String> others = new ArrayList<>();
        for (int j = 0; j < ports.length; j++) {
            if (j != i) {
                others.add("127.0.0.1:" + ports[j]);
            }
        }
        return Registry.start(new ClusterSettings(cluster, LOOPBACK, ports[i], others, dir.resolve("m" + i)), Map.of());
    }
}
