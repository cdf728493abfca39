package org.hubdns.cluster.model;

/**
 * A zone as the cluster keeps it: master-format text with its apex, SOA serial and where it came
 * from ({@code demo}, a member's zone file, or {@code api}). The DNS server parses and compiles it.
 */
public record StoredZone(String name, long serial, String source, String text) {
}
