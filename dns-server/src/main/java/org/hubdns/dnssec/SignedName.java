package org.hubdns.dnssec;

import org.xbill.DNS.Type;

/**
 * One name of a signed zone (with data, an empty non-terminal, or a platform hostname) with its
 * DO=1 answers pre-encoded at snapshot build: each RRset with its RRSIGs (owned by the query
 * name), the NODATA proof, and for a delegation the referral with its DS or NSEC proof.
 */
final class SignedName {
    final byte[] key;
    final int[] labelStarts;
    final SignedZone zone;
    /** The delegation at or above this name (below the apex), or null. */
    SignedName cut;
    /** {@code *.name}, when it exists. */
    SignedName wildcard;
    int[] types = new int[0];
    Section[] answers = new Section[0];
    Section any = Section.EMPTY;
    /** Authority of a NODATA answer here: SOA, the NSEC proving the type absent, their RRSIGs. */
    Section noData;
    /** For a delegation: NS and the DS (or the NSEC proving none) with RRSIGs; glue goes in additional. */
    Section referral;
    Section glue = Section.EMPTY;
    /** A DS query at a delegation (the parent side answers it). */
    Section dsAnswer;
    /** This name's place in the zone's NSEC chain (-1: an empty non-terminal, which has no NSEC). */
    int chainIndex = -1;
    /** The index in the zone's chain of the NSEC covering {@code *.name} (for NXDOMAIN below it). */
    int wildcardCover;
    /** The platform's steering and signatures, for a platform hostname. */
    DynamicSignatures dynamic;

    SignedName(byte[] key, SignedZone zone) {
        this.key = key;
        this.labelStarts = Wire.labelStarts(key);
        this.zone = zone;
    }

    Section answer(int qtype) {
        if (qtype == Type.ANY) {
            return any.count() == 0 ? null : any;
        }
        for (int i = 0; i < types.length; i++) {
            if (types[i] == qtype) {
                return answers[i];
            }
        }
        return null;
    }

    Section cname() {
        return answer(Type.CNAME);
    }
}
