/**
 * Coverage zones: the operator's map from client address prefixes (IPv4 and IPv6 CIDRs) to the
 * site that should serve them. {@link org.hubdns.cluster.coverage.CoverageSet} is the immutable
 * longest-prefix-match table (sized for a million prefixes in a few bytes each) with its versioned
 * binary encoding; {@link org.hubdns.cluster.coverage.CoverageSetBuilder} validates and collects
 * entries and finds prefixes given two sites; {@link org.hubdns.cluster.coverage.Cidr} parses and prints address literals strictly,
 * without ever resolving names. {@link org.hubdns.cluster.coverage.CoverageDataset} is the set as
 * cluster data: its dataset name, decoder and the current set of a registry view, read by the
 * snapshot builder and the registry service; the HTTP routes that write it are {@code org.hubdns.api.CoverageApi}.
 */
package org.hubdns.cluster.coverage;
