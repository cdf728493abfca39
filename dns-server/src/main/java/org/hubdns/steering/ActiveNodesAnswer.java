package org.hubdns.steering;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.NodeState;
import org.hubdns.cluster.model.Platform;
import org.hubdns.dns.answer.AnswerSink;
import org.hubdns.dns.answer.ClientSubnet;
import org.hubdns.dns.answer.DynamicAnswers;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * A platform hostname's answer before steering: the platform's active, not-down nodes (heaviest
 * first, at most {@code answers} addresses per family), else its fallback. Built off the hot path;
 * answering only copies prepared arrays into the sink.
 */
public final class ActiveNodesAnswer implements DynamicAnswers {
    private final byte[][] v4;
    private final byte[][] v6;
    private final byte[][] fallbackV4;
    private final byte[][] fallbackV6;
    private final Name fallbackCname;
    private final long ttl;

    public ActiveNodesAnswer(Platform platform, List<CacheNode> nodes, java.util.Map<String, NodeState> states) {
        List<CacheNode> usable = new ArrayList<>();
        for (CacheNode n : nodes) {
            NodeState st = states.get(n.id());
            if (n.active() && (st == null || !"down".equals(st.health()))) {
                usable.add(n);
            }
        }
        usable.sort(Comparator.comparingInt(CacheNode::weight).reversed().thenComparing(CacheNode::id));
        List<String> addresses = new ArrayList<>();
        usable.forEach(n -> addresses.addAll(n.addresses()));
        this.ttl = platform.ttl();
        this.v4 = pick(addresses, 4, platform.answers());
        this.v6 = pick(addresses, 16, platform.answers());
        List<String> fb = platform.fallback().addresses() == null ? List.of() : platform.fallback().addresses();
        this.fallbackV4 = pick(fb, 4, Integer.MAX_VALUE);
        this.fallbackV6 = pick(fb, 16, Integer.MAX_VALUE);
        Name cname = null;
        if (platform.fallback().cname() != null) {
            try {
                cname = Name.fromString(platform.fallback().cname());
            } catch (TextParseException e) {
                throw new IllegalArgumentException("platform " + platform.name() + ": bad fallback cname", e);
            }
        }
        this.fallbackCname = cname;
    }

    private static byte[][] pick(List<String> addresses, int length, int max) {
        List<byte[]> out = new ArrayList<>();
        for (String a : addresses) {
            byte[] b = io.netty.util.NetUtil.createByteArrayFromIpAddressString(a);
            if (b != null && b.length == length && out.size() < max) {
                out.add(b);
            }
        }
        return out.toArray(new byte[0][]);
    }

    @Override
    public int answer(int qtype, ClientSubnet client, AnswerSink sink) {
        byte[][] local = qtype == org.xbill.DNS.Type.AAAA ? v6 : v4;
        if (local.length == 0 && v4.length + v6.length == 0) {
            if (fallbackCname != null) {
                sink.alias(fallbackCname, ttl);
                return 0;
            }
            local = qtype == org.xbill.DNS.Type.AAAA ? fallbackV6 : fallbackV4;
        }
        if (local.length == 0) {
            return USE_ZONE_DATA;
        }
        for (byte[] a : local) {
            sink.address(a, ttl);
        }
        return 0;
    }
}
