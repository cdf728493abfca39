package org.hubdns.dns.answer;

/**
 * The pre-encoded sections of one response (everything after the question), with the byte offset
 * and the section counts at each RRset boundary, so that a response cut for a small UDP payload
 * (RFC 1035 4.2.1, RFC 2181 9) always ends on a whole RRset.
 *
 * <p>Name compression pointers inside {@link #body} assume the question name starts at offset 12
 * and has the wire length the template was rendered for.
 */
public final class Template {
    private final int rcode;
    private final boolean authoritative;
    private final byte[] body;
    private final int[] rrsetEnds;
    private final int[] answerCounts;
    private final int[] authorityCounts;
    private final int[] additionalCounts;
    private final int requiredRrsets;

    Template(int rcode, boolean authoritative, byte[] body, int[] rrsetEnds, int[] answerCounts,
            int[] authorityCounts, int[] additionalCounts, int requiredRrsets) {
        this.requiredRrsets = requiredRrsets;
        this.rcode = rcode;
        this.authoritative = authoritative;
        this.body = body;
        this.rrsetEnds = rrsetEnds;
        this.answerCounts = answerCounts;
        this.authorityCounts = authorityCounts;
        this.additionalCounts = additionalCounts;
    }

    public int rcode() {
        return rcode;
    }

    public boolean authoritative() {
        return authoritative;
    }

    public byte[] body() {
        return body;
    }

    public int length() {
        return body.length;
    }

    /** How many whole RRsets fit in {@code room} bytes (all of them when the whole body fits). */
    public int rrsetsFitting(int room) {
        int n = rrsetEnds.length;
        if (n == 0 || rrsetEnds[n - 1] <= room) {
            return n;
        }
        int k = 0;
        while (k < n && rrsetEnds[k] <= room) {
            k++;
        }
        return k;
    }

    public int rrsetCount() {
        return rrsetEnds.length;
    }

    /** How many leading RRsets a response must hold not to be truncated (TC); the rest are optional additions. */
    public int requiredRrsetCount() {
        return requiredRrsets;
    }

    /** Bytes of the body up to and including RRset number {@code k} (1-based count). */
    public int bytesFor(int rrsets) {
        return rrsets == 0 ? 0 : rrsetEnds[rrsets - 1];
    }

    public int answerCount(int rrsets) {
        return rrsets == 0 ? 0 : answerCounts[rrsets - 1];
    }

    public int authorityCount(int rrsets) {
        return rrsets == 0 ? 0 : authorityCounts[rrsets - 1];
    }

    public int additionalCount(int rrsets) {
        return rrsets == 0 ? 0 : additionalCounts[rrsets - 1];
    }
}
