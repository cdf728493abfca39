package org.hubdns.dnssec;

/**
 * Where a key is in its life (RFC 7583 3.1, simplified for a combined signing key): published in
 * the DNSKEY RRset but not yet signing, signing (and in CDS/CDNSKEY), retired (still published and
 * still signing the DNSKEY RRset so that a parent's old DS keeps validating, signing nothing else),
 * and removed.
 */
public enum KeyState {
    PUBLISHED, ACTIVE, RETIRED, REMOVED;

    /** In the DNSKEY RRset. */
    public boolean published() {
        return this != REMOVED;
    }

    /** Signs the zone's data (every RRset but the apex key sets). */
    public boolean signsData() {
        return this == ACTIVE;
    }

    /** Signs the DNSKEY, CDS and CDNSKEY RRsets. */
    public boolean signsKeys() {
        return this == ACTIVE || this == RETIRED;
    }

    public String text() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
