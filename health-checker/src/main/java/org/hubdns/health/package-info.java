/**
 * health-checker: the health and the load of every cache node as this member sees them, which is
 * more than checking. Each node with an {@code http} or {@code tcp} check is probed by k members
 * ({@code --probers-per-node}, rendezvous hashing over the live members); each prober publishes its
 * verdict (rise/fall) to the {@code health-verdicts} map and a heartbeat to {@code health-beats};
 * every member computes a node's health as the majority of its current probers' counting verdicts
 * (the rule and the vote: {@link org.hubdns.health.HealthVote}, pure, no cluster). The partners'
 * load reports ({@code POST /v1/nodes/{id}/load}, kept in {@code node-load} for three intervals)
 * live here too: health and load are both per-node live state that the cluster carries and that
 * steering reads together, as one {@link org.hubdns.cluster.model.NodeState} per node through
 * {@link org.hubdns.cluster.model.NodeStates}. The checker tells the DNS snapshot when steering
 * would change. It uses the cluster only through the store package's narrow types
 * ({@code LiveMap}, {@code MemberListener}, {@code ClusterMember}, {@code Registry.ask}/{@code answer}):
 * no Hazelcast type appears here. After a split ({@code Registry.onMerged}) a member merged back
 * republishes its verdicts under its new member id and reads all live state again. Configured by {@code --probe-allow}, {@code --probe-min-interval},
 * {@code --probers-per-node} and {@code --probe-source}. Exposes {@link org.hubdns.health.ProbeStats}
 * (probes by outcome, total latency, health changes) and the recent health changes for metrics.
 */
package org.hubdns.health;
