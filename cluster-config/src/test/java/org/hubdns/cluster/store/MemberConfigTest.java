package org.hubdns.cluster.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.spi.merge.PassThroughMergePolicy;
import com.hazelcast.spi.merge.PutIfAbsentMergePolicy;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The member's Hazelcast configuration, built in process (no member started). */
class MemberConfigTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static Config config() {
        return MemberConfig.of(new ClusterSettings("hub", LOOPBACK, 5781, List.of("127.0.0.2:5701"), Path.of("/tmp/x")));
    }

    @Test
    void joinsByTcpIpToTheGivenMembersAndItselfOnOneInterface() {
        Config c = config();
        assertThat(c.getClusterName()).isEqualTo("hub");
        assertThat(c.getNetworkConfig().getPort()).isEqualTo(5781);
        assertThat(c.getNetworkConfig().isPortAutoIncrement()).isFalse();
        assertThat(c.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
        assertThat(c.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
        assertThat(c.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
                .containsExactly("127.0.0.2:5701", "127.0.0.1:5781");
        assertThat(c.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("5");
    }

    @Test
    void anIpv6MemberIsListedInBrackets() throws Exception {
        Config c = MemberConfig.of(new ClusterSettings("hub", InetAddress.getByName("::1"), 5781, List.of(),
                Path.of("/tmp/x")));
        assertThat(c.getNetworkConfig().getJoin().getTcpIpConfig().getMembers()).containsExactly("[0:0:0:0:0:0:0:1]:5781");
    }

    @Test
    void eachKindOfMapMergesItsOwnWayAfterASplit() {
        Config c = config();
        // table: map name -> merge policy after a split
        Map<String, String> policy = Map.of(
                Kind.ZONES.mapName(), VersionMergePolicy.class.getName(),
                Kind.NODES.mapName(), VersionMergePolicy.class.getName(),
                "members", PassThroughMergePolicy.class.getName(),
                "members-leaving", PassThroughMergePolicy.class.getName(),
                "health-verdicts", PassThroughMergePolicy.class.getName(),
                "health-beats", PassThroughMergePolicy.class.getName(),
                "node-load", PassThroughMergePolicy.class.getName(),
                Datasets.CHUNK_MAP, PutIfAbsentMergePolicy.class.getName());
        policy.forEach((map, merge) -> {
            assertThat(c.findMapConfig(map).getMergePolicyConfig().getPolicy()).as(map).isEqualTo(merge);
            assertThat(c.findMapConfig(map).getBackupCount()).as(map).isEqualTo(1);
        });
    }

    @Test
    void onlyHealthAndLoadMapsAreLiveStateForOthers() {
        Map<String, Boolean> cases = Map.of("health-verdicts", true, "health-beats", true, "node-load", true,
                "members", false, "members-leaving", false, Kind.PARTNERS.mapName(), false, Datasets.CHUNK_MAP, false,
                "node-loads", false);
        cases.forEach((name, live) -> assertThat(MemberConfig.isLiveState(name)).as(name).isEqualTo(live));
    }
}
