package org.hubdns.cluster.model;

import java.util.Map;

/** Where the API and the snapshot read nodes' health and load from (the health checker on this member). */
@FunctionalInterface
public interface NodeStates {
    /** Every probed or load-reporting node's state by node id; a node absent here is unknown (or up without checks). */
    Map<String, NodeState> current();

    NodeStates NONE = Map::of;

    /** The state of {@code node}: its entry, else up for a node without checks, else unknown. */
    default NodeState of(CacheNode node) {
        NodeState s = current().get(node.id());
        if (!node.check().probed()) {
            return s == null ? NodeState.UP : new NodeState(Health.UP, s.load(), s.loadReportedAtMillis());
        }
        return s == null ? NodeState.UNKNOWN : s;
    }
}
