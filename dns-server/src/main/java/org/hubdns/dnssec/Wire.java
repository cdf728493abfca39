package org.hubdns.dnssec;

import java.io.ByteArrayOutputStream;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;

/** Encoding records once at snapshot build, and comparing names in canonical order without allocating. */
final class Wire {
    /** The owner written as a pointer to the question name (offset 12): answers at the query name. */
    static final byte[] AT_QNAME = {(byte) 0xC0, 12};

    private Wire() {
    }

    /** Appends {@code r} owned by {@code owner} (wire bytes, or {@link #AT_QNAME}). */
    static void rr(ByteArrayOutputStream b, byte[] owner, Record r) {
        rr(b, owner, r.getType(), r.getTTL(), r.rdataToWireCanonical());
    }

    static void rr(ByteArrayOutputStream b, byte[] owner, int type, long ttl, byte[] rdata) {
        b.writeBytes(owner);
        b.write(type >>> 8);
        b.write(type);
        b.write(0);
        b.write(1);
        b.write((int) (ttl >>> 24));
        b.write((int) (ttl >>> 16));
        b.write((int) (ttl >>> 8));
        b.write((int) ttl);
        b.write(rdata.length >>> 8);
        b.write(rdata.length);
        b.writeBytes(rdata);
    }

    /** RRSIG rdata as sent: the signature covers the RRset, not this encoding. */
    static byte[] sigRdata(RRSIGRecord sig) {
        return sig.rdataToWireCanonical();
    }

    static byte[] owner(Name n) {
        return n.toWire();
    }

    /** Lower-cased wire form: the lookup key, as the query path lower-cases the question. */
    static byte[] key(Name n) {
        byte[] w = n.toWire();
        for (int i = 0; i < w.length; i++) {
            if (w[i] >= 'A' && w[i] <= 'Z') {
                w[i] = (byte) (w[i] + 32);
            }
        }
        return w;
    }

    /** The start of each label of a lower-cased wire name, the root's last; returns the count. */
    static int[] labelStarts(byte[] w) {
        int n = 0;
        for (int p = 0; ; p += (w[p] & 0xFF) + 1) {
            n++;
            if (w[p] == 0) {
                break;
            }
        }
        int[] starts = new int[n];
        int i = 0;
        for (int p = 0; ; p += (w[p] & 0xFF) + 1) {
            starts[i++] = p;
            if (w[p] == 0) {
                break;
            }
        }
        return starts;
    }

    /**
     * RFC 4034 6.1 canonical order of two lower-cased wire names given with their label starts
     * (root included as the last): compared label by label from the right, each label as unsigned
     * bytes, a shorter label (and a name with fewer labels) first.
     */
    static int compare(byte[] a, int[] as, int an, byte[] b, int[] bs, int bn) {
        int i = an - 2;
        int j = bn - 2;
        while (i >= 0 && j >= 0) {
            int pa = as[i];
            int pb = bs[j];
            int la = a[pa] & 0xFF;
            int lb = b[pb] & 0xFF;
            int m = Math.min(la, lb);
            for (int k = 1; k <= m; k++) {
                int c = (a[pa + k] & 0xFF) - (b[pb + k] & 0xFF);
                if (c != 0) {
                    return c;
                }
            }
            if (la != lb) {
                return la - lb;
            }
            i--;
            j--;
        }
        return (i + 1) - (j + 1);
    }
}
