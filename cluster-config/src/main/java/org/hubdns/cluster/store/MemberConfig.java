package org.hubdns.cluster.store;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * How this process is configured as a Hazelcast member: TCP-IP join to {@code --members} (itself
 * included), bound to one interface, failure detection in seconds, one synchronous backup per
 * partition, and a merge policy per kind of map after a split: versioned registry values by
 * {@link VersionMergePolicy}, live state by whichever copy, dataset chunks by the first copy.
 */
final class MemberConfig {
    /** What each member publishes about itself (its HTTP address, its GeoIP database). */
    static final String MEMBER_MAP = "members";
    /** Members that said, as they stopped, that they were leaving (kept 30 minutes): their leave is no loss. */
    static final String LEAVING_MAP = "members-leaving";
    /** Maps of live state that their writers publish again (config patterns: "*" ends a prefix). */
    private static final List<String> LIVE_MAPS = List.of(MEMBER_MAP, LEAVING_MAP, "health-*", "node-load",
            "token-last-used");

    private MemberConfig() {
    }

    /** The configuration of this member, from the command line's cluster settings. */
    static Config of(ClusterSettings s) {
        Config c = new Config();
        c.setClusterName(s.clusterName());
        c.setInstanceName("hubdns-" + s.bind().getHostAddress() + "-" + s.port() + "-" + System.nanoTime());
        c.setProperty("hazelcast.logging.type", "slf4j");
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.shutdownhook.enabled", "false");
        c.setProperty("hazelcast.socket.bind.any", "false");
        // a killed member must leave the member list (and its partitions be promoted) within seconds
        c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        c.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
        c.setProperty("hazelcast.wait.seconds.before.join", "1");
        c.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        c.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        c.setProperty("hazelcast.partition.count", "71");
        c.setProperty("hazelcast.prefer.ipv4.stack", Boolean.toString(s.bind() instanceof java.net.Inet4Address));
        c.getJetConfig().setEnabled(false);
        // hubdns exports its own cluster metrics; Hazelcast's collector (every 5 s, for Management
        // Center and JMX, neither used) was a third of an idle member's CPU: 0.5 % of a core
        c.getMetricsConfig().setEnabled(false);
        NetworkConfig net = c.getNetworkConfig();
        net.setPort(s.port()).setPortAutoIncrement(false);
        net.getInterfaces().setEnabled(true).addInterface(s.bind().getHostAddress());
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        List<String> members = new ArrayList<>(s.members());
        members.add(memberAddress(s.bind(), s.port()));
        join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2).setMembers(members);
        MapConfig defaults = c.getMapConfig("default").setBackupCount(1).setAsyncBackupCount(0);
        defaults.getMergePolicyConfig().setPolicy(VersionMergePolicy.class.getName());
        // live state that its writers publish again (members' info, the health checker's verdicts,
        // heartbeats and load reports) holds no versioned values: after a split, either copy will do
        for (String live : LIVE_MAPS) {
            MapConfig m = new MapConfig(live).setBackupCount(1);
            m.getMergePolicyConfig().setPolicy(com.hazelcast.spi.merge.PassThroughMergePolicy.class.getName());
            c.addMapConfig(m);
        }
        Datasets.configure(c);
        FeedLog.configure(c);
        AuditLog.configure(c);
        return c;
    }

    /**
     * How the join list names a member: an IPv6 address in brackets, or Hazelcast reads its last
     * group as the port and logs "Cannot resolve hostname" on every join attempt.
     */
    static String memberAddress(InetAddress a, int port) {
        return a instanceof java.net.Inet6Address ? "[" + a.getHostAddress() + "]:" + port : a.getHostAddress() + ":" + port;
    }

    /**
     * Whether {@code name} is a map of live state that other packages may use ({@link Registry#liveMap}):
     * configured as live state, and not the member maps, which the registry itself keeps.
     */
    static boolean isLiveState(String name) {
        return !name.equals(MEMBER_MAP) && !name.equals(LEAVING_MAP) && LIVE_MAPS.stream().anyMatch(p -> p.endsWith("*")
                ? name.startsWith(p.substring(0, p.length() - 1)) : p.equals(name));
    }
}
