/**
 * Coverage zones: the operator's map from client address prefixes (IPv4 and IPv6 CIDRs) to the
 * site that should serve them. {@link org.hubdns.cluster.coverage.CoverageSet} is the immutable
 * longest-prefix-match table (sized for a million prefixes in a few bytes each) with its versioned
 * binary encoding; {@link org.hubdns.cluster.coverage.CoverageSetBuilder} validates and collects
 * entries and finds prefixes given two sites; {@link org.hubdns.cluster.coverage.Cidr} parses and prints address literals strictly,
 * without ever resolving names.
 */
package org.hubdns.cluster.coverage;
