package org.hubdns.cluster.store;

/** Told when a member joins or leaves the cluster (on a cluster event thread: hand the work on). */
public interface MemberListener {
    void joined(ClusterMember member);

    void left(ClusterMember member);
}
