/**
 * The shared registry and its durability. {@link org.hubdns.cluster.store.Registry} joins the
 * embedded Hazelcast cluster (TCP-IP join from {@code --members}, bound to {@code --bind} and
 * {@code --cluster-port}, one synchronous backup per partition), keeps one IMap per
 * {@link org.hubdns.cluster.store.Kind} of versioned values ({@link org.hubdns.cluster.store.Stored},
 * tombstones included), commits every write to this member's {@link org.hubdns.cluster.store.LocalStore}
 * before acknowledging it, and copies every other member's writes there from entry events. At start
 * it merges the data dir into the cluster key by key (last writer wins; zones by SOA serial), so a
 * full restart loses nothing and an old data dir resurrects nothing. After a split, a half that lost
 * partitions refills them from its data dir, the halves merge by {@link org.hubdns.cluster.store.VersionMergePolicy}
 * (the later version wins), and the smaller half's members then copy the whole registry. A write is
 * refused ({@link org.hubdns.cluster.store.DataDirFull}) before it reaches the cluster when the data
 * dir is nearly full; a store that failed on a full disk anyway is reopened by the first write that
 * finds room (or within 10 s by the member itself), and the cluster's registry copied back into it. Large values (coverage zones,
 * the GeoIP database, a coverage feed's table dump, which is streamed through files and never held
 * whole) travel as chunked datasets ({@link org.hubdns.cluster.store.Datasets}: chunking, checksum,
 * loading on each member). Coverage feeds' live updates travel as ordered logs
 * ({@link org.hubdns.cluster.store.FeedLog}: sequence by putIfAbsent, kept in every data dir). The
 * audit trail ({@link org.hubdns.cluster.store.AuditLog}) is a map of immutable entries under
 * time-ordered ids, copied into every data dir and put back from there after a full restart, the
 * newest 100,000 kept; {@code Registry.onWrite} tells the API of each write it accepts, on the
 * writing thread, so it can name who made it. {@link org.hubdns.cluster.store.RegistryMirror} turns the
 * events into immutable {@link org.hubdns.cluster.store.RegistryView}s, at most every 20 ms, off the
 * event loops. Hazelcast is reached only here: what other packages need of the cluster are narrow
 * types: {@link org.hubdns.cluster.store.LiveMap} (a map of live state with change listeners, for
 * the health checker's verdicts, heartbeats and load reports), membership as
 * {@link org.hubdns.cluster.store.ClusterMember} records and {@link org.hubdns.cluster.store.MemberListener},
 * and {@code Registry.ask}/{@code answer} (a question run on one chosen member, answered by what
 * that member registered: the per-prober detail), each listener closed through a
 * {@link org.hubdns.cluster.store.Subscription}.
 * Keeps no metrics of its own: {@code hubdns_cluster_members} is read from its
 * {@code RegistryView} at scrape time.
 */
package org.hubdns.cluster.store;
