package org.hubdns.cluster.store;

/**
 * One member of the cluster as others outside this package see it (the dashboard's member list,
 * the health checker's probers), so that Hazelcast's own types stay in this package.
 *
 * @param id the member's UUID, the key of its published member info and of its health verdicts
 * @param host its cluster address, as Hazelcast reports it
 * @param port its cluster port
 * @param local whether it is this member
 */
public record ClusterMember(String id, String host, int port, boolean local) {
    /** {@code host:port}. */
    public String address() {
        return host + ":" + port;
    }
}
