/**
 * Health of cache nodes. Each node with an {@code http} or {@code tcp} check is probed by k members
 * ({@code --probers-per-node}, rendezvous hashing over the live members); each prober publishes its
 * verdict (rise/fall) to the {@code health-verdicts} map and a heartbeat to {@code health-beats};
 * every member computes a node's health as the majority of its current probers' counting verdicts
 * (the rule and the vote: {@link org.hubdns.health.HealthVote}, pure, no cluster),
 * adds the partners' load reports ({@code node-load}), and tells the DNS snapshot when steering
 * would change. Configured by {@code --probe-allow}, {@code --probe-min-interval},
 * {@code --probers-per-node} and {@code --probe-source}. Exposes {@link org.hubdns.health.ProbeStats}
 * (probes by outcome, total latency, health changes) and the recent health changes for metrics.
 */
package org.hubdns.health;
