package org.hubdns.dnssec;

/**
 * One signed zone's NSEC chain for the query path: the chain's names in canonical order (lower-cased
 * wire, label starts) and each name's NSEC with its RRSIG pre-encoded, plus the SOA with its RRSIG
 * that every negative answer carries.
 */
final class SignedZone {
    final String apex;
    /** The apex's DNSKEY, CDS and CDNSKEY records, which are zone data for queries without DO too. */
    java.util.List<org.xbill.DNS.Record> keyRecords = java.util.List.of();
    byte[][] chain;
    int[][] chainLabels;
    Section[] nsec;
    Section soa;
    /** The soonest signature expiry of this build (epoch ms). */
    long soonestExpiry = Long.MAX_VALUE;

    SignedZone(String apex) {
        this.apex = apex;
    }

    /** The index of the NSEC whose owner is the greatest chain name below or equal to the name. */
    int covering(byte[] name, int[] starts, int labels) {
        int lo = 0;
        int hi = chain.length - 1;
        int found = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Wire.compare(chain[mid], chainLabels[mid], chainLabels[mid].length, name, starts, labels);
            if (c <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}
