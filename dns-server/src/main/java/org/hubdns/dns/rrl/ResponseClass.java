package org.hubdns.dns.rrl;

/**
 * What kind of response a client network is sent; each kind is counted on its own, so that a flood
 * of one kind (say NXDOMAIN for random names) does not limit another (the network's real answers).
 */
public enum ResponseClass {
    /** NOERROR with answers; counted per query name as well. */
    POSITIVE,
    NXDOMAIN,
    /** NOERROR, no answer, not a referral. */
    NODATA,
    /** NOERROR, no answer, NS in authority, AA clear: a delegation. */
    REFERRAL,
    /** FORMERR, SERVFAIL, NOTIMP, REFUSED, BADVERS and the rest. */
    ERROR,
    /** Answers to ANY and truncated answers: the ones an attacker would pick for their size. */
    LARGE;

    private static final int NOERROR = 0;
    private static final int NXDOMAIN_RCODE = 3;
    private static final int TYPE_ANY = 255;

    /** The class of a response from its rcode, shape and question type (the caller reads its header). */
    public static ResponseClass of(int rcode, int qtype, boolean truncated, boolean authoritative, int answers,
            int authority) {
        if (truncated || (qtype == TYPE_ANY && rcode == NOERROR)) {
            return LARGE;
        }
        if (rcode == NXDOMAIN_RCODE) {
            return NXDOMAIN;
        }
        if (rcode != NOERROR) {
            return ERROR;
        }
        if (answers > 0) {
            return POSITIVE;
        }
        return authority > 0 && !authoritative ? REFERRAL : NODATA;
    }
}
