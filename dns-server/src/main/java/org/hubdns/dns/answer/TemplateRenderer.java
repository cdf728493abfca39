package org.hubdns.dns.answer;

import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Compression;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Encodes an {@link AnswerSpec} once, off the query path, into a {@link Template}.
 *
 * <p>The question name is laid down first at offset 12 so that every owner and RDATA name can be
 * compressed against it. When the real query name is unknown (wildcards, negative answers,
 * referrals below a cut) a stand-in of the same wire length ending in the known suffix is used:
 * the pointers into the suffix then hold for every query name of that length.
 */
final class TemplateRenderer {
    private static final byte[] HEADER = new byte[12];
    private static final int MAX_NAME = 255;

    private TemplateRenderer() {
    }

    static Template render(AnswerSpec spec, Name qname) {
        DNSOutput out = new DNSOutput(512);
        Compression compression = new Compression();
        out.writeByteArray(HEADER);
        qname.toWire(out, compression);
        out.writeU16(Type.A);
        out.writeU16(1);
        int base = out.current();
        int required = spec.answer().size() + spec.authority().size() + spec.additional().size();
        int total = required + spec.optional().size();
        int[] ends = new int[total];
        int[] an = new int[total];
        int[] ns = new int[total];
        int[] ar = new int[total];
        int[] counts = new int[3];
        int i = 0;
        List<List<RRset>> sections = List.of(spec.answer(), spec.authority(), spec.additional(), spec.optional());
        for (int section = 0; section < 4; section++) {
            int s = Math.min(section, 2);
            for (RRset rrset : sections.get(section)) {
                Name owner = rrset.getName().equals(spec.subject()) ? qname : rrset.getName();
                for (Record r : rrset.rrs(false)) {
                    encode(out, compression, r, owner);
                    counts[s]++;
                }
                ends[i] = out.current() - base;
                an[i] = counts[0];
                ns[i] = counts[1];
                ar[i] = counts[2];
                i++;
            }
        }
        byte[] all = out.toByteArray();
        return new Template(spec.rcode(), spec.authoritative(), Arrays.copyOfRange(all, base, all.length), ends,
                an, ns, ar, required);
    }

    /**
     * A name of exactly {@code wireLength} bytes that ends in {@code suffix}; its own labels are
     * 0xFF bytes, which no zone name will compress against by accident.
     */
    static Name standIn(Name suffix, int wireLength) {
        int prefix = wireLength - suffix.length();
        if (prefix == 0) {
            return suffix;
        }
        if (prefix < 2 || wireLength > MAX_NAME) {
            throw new IllegalArgumentException("no name of length " + wireLength + " ends in " + suffix);
        }
        byte[] wire = new byte[wireLength];
        int pos = 0;
        int left = prefix;
        while (left > 0) {
            int label = Math.min(63, left - 1);
            if (left - (label + 1) == 1) {
                label--;
            }
            wire[pos++] = (byte) label;
            Arrays.fill(wire, pos, pos + label, (byte) 0xFF);
            pos += label;
            left -= label + 1;
        }
        byte[] tail = suffix.toWire();
        System.arraycopy(tail, 0, wire, pos, tail.length);
        try {
            return new Name(wire);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * dnsjava's own compressing record encoder is package-private, so the RFC 1035 types whose
     * RDATA names may be compressed (RFC 3597 section 4) are written here; every other type is
     * written uncompressed, as RFC 3597 requires.
     */
    private static void encode(DNSOutput out, Compression c, Record r, Name owner) {
        owner.toWire(out, c);
        out.writeU16(r.getType());
        out.writeU16(r.getDClass());
        out.writeU32(r.getTTL());
        int lengthAt = out.current();
        out.writeU16(0);
        int start = out.current();
        if (r instanceof NSRecord ns) {
            ns.getTarget().toWire(out, c);
        } else if (r instanceof CNAMERecord cname) {
            cname.getTarget().toWire(out, c);
        } else if (r instanceof PTRRecord ptr) {
            ptr.getTarget().toWire(out, c);
        } else if (r instanceof MXRecord mx) {
            out.writeU16(mx.getPriority());
            mx.getTarget().toWire(out, c);
        } else if (r instanceof SOARecord soa) {
            soa.getHost().toWire(out, c);
            soa.getAdmin().toWire(out, c);
            out.writeU32(soa.getSerial());
            out.writeU32(soa.getRefresh());
            out.writeU32(soa.getRetry());
            out.writeU32(soa.getExpire());
            out.writeU32(soa.getMinimum());
        } else {
            byte[] whole = r.toWire(Section.ANSWER);
            int rdataAt = r.getName().length() + 10;
            out.writeByteArray(whole, rdataAt, whole.length - rdataAt);
        }
        out.writeU16At(out.current() - start, lengthAt);
    }
}
