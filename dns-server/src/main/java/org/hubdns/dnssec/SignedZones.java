package org.hubdns.dnssec;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Every signed zone of a snapshot, for DO=1 queries: an open-addressing table from lower-cased wire
 * names to {@link SignedName}, probed straight from the query buffer (no allocation), and each
 * zone's NSEC chain. Immutable once published; {@link #NONE} when no zone is signed.
 */
public final class SignedZones {
    public static final SignedZones NONE = new SignedZones(List.of(), List.of(), java.util.Map.of(),
            Dnssec.Timings.DEFAULT);

    private final byte[][] keys;
    private final SignedName[] names;
    private final int mask;
    private final List<SignedZone> zones;
    private final java.util.Map<String, Dnssec.Report> reports;
    private final Dnssec.Timings timings;

    SignedZones(Collection<SignedName> entries, List<SignedZone> zones, java.util.Map<String, Dnssec.Report> reports,
            Dnssec.Timings timings) {
        this.reports = reports;
        this.timings = timings;
        int capacity = Integer.highestOneBit(Math.max(16, entries.size() * 2 - 1)) << 1;
        keys = new byte[capacity][];
        names = new SignedName[capacity];
        mask = capacity - 1;
        for (SignedName n : entries) {
            int i = hash(n.key, 0, n.key.length) & mask;
            while (keys[i] != null) {
                i = (i + 1) & mask;
            }
            keys[i] = n.key;
            names[i] = n;
        }
        this.zones = List.copyOf(zones);
    }

    /** What the build did per signed zone (signing time, soonest expiry, next refresh), by apex. */
    public java.util.Map<String, Dnssec.Report> reports() {
        return reports;
    }

    /** The member's signature and rollover timings. */
    public Dnssec.Timings timings() {
        return timings;
    }

    public boolean isEmpty() {
        return zones.isEmpty();
    }

    /**
     * {@code zones} with each signed zone's DNSKEY, CDS and CDNSKEY added as records, for the tree that
     * answers queries without DO: those sets are the zone's data whatever the DO bit (RFC 4035 3.1.1:
     * DO governs only whether RRSIG and NSEC come along), so {@code dig DNSKEY} without +dnssec gets
     * them, as from Knot or BIND. Unsigned zones are returned as they are.
     */
    public List<org.hubdns.dns.zone.ZoneContent> withKeyRecords(List<org.hubdns.dns.zone.ZoneContent> zones) {
        if (this.zones.isEmpty()) {
            return zones;
        }
        List<org.hubdns.dns.zone.ZoneContent> out = new java.util.ArrayList<>(zones.size());
        for (org.hubdns.dns.zone.ZoneContent z : zones) {
            SignedZone signed = null;
            for (SignedZone s : this.zones) {
                if (s.apex.equals(z.apex().toString())) {
                    signed = s;
                }
            }
            if (signed == null || signed.keyRecords.isEmpty()) {
                out.add(z);
                continue;
            }
            List<org.xbill.DNS.Record> records = new java.util.ArrayList<>(z.records());
            records.addAll(signed.keyRecords);
            out.add(new org.hubdns.dns.zone.ZoneContent(z.apex(), z.soa(), records, z.source()));
        }
        return out;
    }

    /** The apexes of the signed zones. */
    public List<String> apexes() {
        return zones.stream().map(z -> z.apex).toList();
    }

    /** The soonest signature expiry of a zone in this snapshot (epoch ms), or -1 when not signed. */
    public long soonestExpiry(String apex) {
        for (SignedZone z : zones) {
            if (z.apex.equals(apex)) {
                return z.soonestExpiry;
            }
        }
        return -1;
    }

    SignedName get(byte[] buf, int from, int to) {
        int i = hash(buf, from, to) & mask;
        int len = to - from;
        byte[] k;
        while ((k = keys[i]) != null) {
            if (k.length == len && Arrays.equals(k, 0, len, buf, from, to)) {
                return names[i];
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    private static int hash(byte[] b, int from, int to) {
        int h = 0x811C9DC5;
        for (int i = from; i < to; i++) {
            h = (h ^ b[i]) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }
}
