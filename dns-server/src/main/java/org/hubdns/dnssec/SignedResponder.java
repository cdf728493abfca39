package org.hubdns.dnssec;

import java.util.concurrent.CompletableFuture;
import org.hubdns.dns.answer.AnswerSink;
import org.hubdns.dns.answer.ClientSubnet;
import org.hubdns.dns.answer.DynamicAnswers;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The answer sections of a DO=1 query in a signed zone, copied from what the snapshot build
 * encoded and signed: RRsets with their RRSIGs, NSEC proofs for NXDOMAIN, NODATA and wildcard
 * answers, referrals with DS or NSEC. Platform hostnames are answered by their steering as for
 * DO=0, and the RRSIG of the very set written is looked up by its content. Nothing is signed here:
 * a set whose signature is not ready is handed to the signing pool and the query is deferred
 * ({@link #DEFER}, {@link #pending()}) until it is.
 *
 * <p>One instance per event loop (inside its {@code QueryProcessor}); allocates nothing on the
 * paths answered from the snapshot.
 */
public final class SignedResponder {
    /** The name is in no signed zone: answer as without DO. */
    public static final int UNSIGNED = Integer.MIN_VALUE;
    /** A signature is being made: answer the query again when {@link #pending()} completes. */
    public static final int DEFER = -2;
    private static final int HEADER = 12;
    private static final int NXDOMAIN = 3;
    private static final int SERVFAIL = 2;

    /** The response's rcode, AA bit, section counts, TC and ECS scope, once {@link #answer} returned a length. */
    public int rcode;
    public boolean authoritative;
    public boolean truncated;
    public int answerCount;
    public int authorityCount;
    public int additionalCount;
    /** The ECS scope of a platform answer (0 otherwise). */
    public int scope;
    private CompletableFuture<?> pending;
    private final Sink sink = new Sink();

    /** What a deferred query waits for. */
    public CompletableFuture<?> pending() {
        return pending;
    }

    /**
     * Writes the sections after the question ({@code out[questionEnd..]}) for the lower-cased
     * {@code lname}, keeping the response within {@code limit} bytes once {@code optLength} is added.
     *
     * @return the end of the sections, {@link #UNSIGNED} or {@link #DEFER}
     */
    public int answer(SignedZones zones, byte[] lname, int qnameLength, int[] labelStarts, int labels, int qtype,
            ClientSubnet client, byte[] out, int questionEnd, int limit, int optLength) {
        if (zones.isEmpty()) {
            return UNSIGNED;
        }
        rcode = 0;
        authoritative = true;
        truncated = false;
        scope = 0;
        pending = null;
        SignedName exact = zones.get(lname, 0, qnameLength);
        int room = limit - optLength;
        if (exact != null) {
            if (exact.cut != null) {
                if (exact.cut == exact && qtype == Type.DS) {
                    return exact.dsAnswer != null ? write(out, questionEnd, room, exact.dsAnswer, null, null)
                            : write(out, questionEnd, room, null, exact.noData, null);
                }
                return referral(out, questionEnd, room, exact.cut);
            }
            if (exact.dynamic != null && (qtype == Type.A || qtype == Type.AAAA)) {
                return dynamic(exact, qtype, client, out, questionEnd, room);
            }
            Section a = exact.answer(qtype);
            if (a == null && qtype != Type.CNAME) {
                a = exact.cname();
            }
            return a != null ? write(out, questionEnd, room, a, null, null)
                    : write(out, questionEnd, room, null, exact.noData, null);
        }
        for (int i = 1; i < labels; i++) {
            SignedName enc = zones.get(lname, labelStarts[i], qnameLength);
            if (enc == null) {
                continue;
            }
            if (enc.cut != null) {
                return referral(out, questionEnd, room, enc.cut);
            }
            SignedZone zone = enc.zone;
            int cover = zone.covering(lname, labelStarts, labels);
            Section proof = zone.nsec[cover];
            SignedName w = enc.wildcard;
            if (w != null) {
                Section a = w.answer(qtype);
                if (a == null && qtype != Type.CNAME) {
                    a = w.cname();
                }
                if (a != null) {
                    return write(out, questionEnd, room, a, proof, null);
                }
                // the wildcard's own NSEC (in its NODATA proof) may be the one covering the name too
                return write(out, questionEnd, room, null, w.noData, w.chainIndex == cover ? null : proof);
            }
            rcode = NXDOMAIN;
            Section wild = enc.wildcardCover == cover ? null : zone.nsec[enc.wildcardCover];
            return write(out, questionEnd, room, null, zone.soa, proof, wild);
        }
        return UNSIGNED;
    }

    private int referral(byte[] out, int at, int room, SignedName cut) {
        authoritative = false;
        int n = write(out, at, room, null, cut.referral, null);
        if (!truncated && n + cut.glue.bytes().length <= room) {
            System.arraycopy(cut.glue.bytes(), 0, out, n, cut.glue.bytes().length);
            additionalCount = cut.glue.count();
            n += cut.glue.bytes().length;
        }
        return n;
    }

    private int write(byte[] out, int at, int room, Section answer, Section authority, Section more) {
        return write(out, at, room, answer, authority, more, null);
    }

    /** The sections if they fit in {@code room}, else none and TC (the client retries over TCP). */
    private int write(byte[] out, int at, int room, Section answer, Section a1, Section a2, Section a3) {
        int need = length(answer) + length(a1) + length(a2) + length(a3);
        answerCount = 0;
        authorityCount = 0;
        additionalCount = 0;
        if (at + need > room) {
            truncated = true;
            return at;
        }
        int p = copy(out, at, answer);
        answerCount = answer == null ? 0 : answer.count();
        p = copy(out, p, a1);
        p = copy(out, p, a2);
        p = copy(out, p, a3);
        authorityCount = count(a1) + count(a2) + count(a3);
        return p;
    }

    private static int length(Section s) {
        return s == null ? 0 : s.bytes().length;
    }

    private static int count(Section s) {
        return s == null ? 0 : s.count();
    }

    private static int copy(byte[] out, int p, Section s) {
        if (s == null) {
            return p;
        }
        System.arraycopy(s.bytes(), 0, out, p, s.bytes().length);
        return p + s.bytes().length;
    }

    private int dynamic(SignedName name, int qtype, ClientSubnet client, byte[] out, int at, int room) {
        DynamicSignatures d = name.dynamic;
        sink.start(out, at, qtype);
        int s = d.steering.answer(qtype, client, sink);
        if (s == DynamicAnswers.USE_ZONE_DATA || sink.count == 0) {
            scope = s == DynamicAnswers.USE_ZONE_DATA ? 0 : s;
            return write(out, at, room, null, name.noData, null);
        }
        scope = s;
        long h = DynamicSignatures.mix(sink.sum * 31 + sink.type * 1_000_003L + sink.count);
        DynamicSignatures.SignedSet set = d.find(h, sink.type, out, sink.rdataAt, sink.rdataLen, sink.count);
        if (set == null) {
            set = d.late.get(h);
            if (set != null && !set.matches(sink.type, out, sink.rdataAt, sink.rdataLen, sink.count)) {
                set = null;
            }
        }
        answerCount = 0;
        authorityCount = 0;
        additionalCount = 0;
        if (set == null) {
            return signLater(d, out, h);
        }
        int end = sink.pos + set.sigs().bytes().length;
        if (end > room) {
            truncated = true;
            return at;
        }
        System.arraycopy(set.sigs().bytes(), 0, out, sink.pos, set.sigs().bytes().length);
        answerCount = sink.count + set.sigs().count();
        return end;
    }

    /** The rare path: a set no build enumerated (more choices than the build signs eagerly). */
    private int signLater(DynamicSignatures d, byte[] out, long h) {
        org.xbill.DNS.RRset rrset = new org.xbill.DNS.RRset();
        for (int i = 0; i < sink.count; i++) {
            byte[] rdata = java.util.Arrays.copyOfRange(out, sink.rdataAt[i], sink.rdataAt[i] + sink.rdataLen[i]);
            rrset.addRR(org.xbill.DNS.Record.newRecord(d.owner, sink.type, org.xbill.DNS.DClass.IN, d.ttl, rdata));
        }
        CompletableFuture<DynamicSignatures.SignedSet> f = d.signLater.apply(rrset);
        if (f == null) {
            rcode = SERVFAIL; // the signing queue is full: a resolver retries (elsewhere) rather than trust nothing
            return HEADER_ONLY;
        }
        pending = f.thenAccept(set -> d.late.put(h, set));
        return DEFER;
    }

    /** Returned with rcode SERVFAIL: no sections. */
    private static final int HEADER_ONLY = -3;

    /** Whether {@code n} from {@link #answer} means "SERVFAIL with the question only". */
    public static boolean servfail(int n) {
        return n == HEADER_ONLY;
    }

    /** Writes the steering's records as the DO=0 path does, remembering where each rdata is. */
    private static final class Sink implements AnswerSink {
        byte[] out;
        int pos;
        int count;
        int type;
        long sum;
        final int[] rdataAt = new int[64];
        final int[] rdataLen = new int[64];

        int qtype;

        void start(byte[] buffer, int at, int q) {
            qtype = q;
            out = buffer;
            pos = at;
            count = 0;
            type = 0;
            sum = 0;
        }

        @Override
        public void address(byte[] address, long ttl) {
            int t = address.length == 4 ? Type.A : Type.AAAA;
            if (t != qtype) {
                return;
            }
            add(t, ttl, address, 0, address.length);
        }

        @Override
        public void alias(Name target, long ttl) {
            byte[] wire = target.toWireCanonical();
            add(Type.CNAME, ttl, wire, 0, wire.length);
        }

        private void add(int t, long ttl, byte[] rdata, int from, int len) {
            if (count == rdataAt.length || (type != 0 && t != type) || pos + 12 + len > out.length - 512) {
                return;
            }
            type = t;
            int p = pos;
            out[p] = (byte) 0xC0;
            out[p + 1] = HEADER;
            out[p + 2] = (byte) (t >>> 8);
            out[p + 3] = (byte) t;
            out[p + 4] = 0;
            out[p + 5] = 1;
            out[p + 6] = (byte) (ttl >>> 24);
            out[p + 7] = (byte) (ttl >>> 16);
            out[p + 8] = (byte) (ttl >>> 8);
            out[p + 9] = (byte) ttl;
            out[p + 10] = (byte) (len >>> 8);
            out[p + 11] = (byte) len;
            System.arraycopy(rdata, from, out, p + 12, len);
            rdataAt[count] = p + 12;
            rdataLen[count] = len;
            sum += DynamicSignatures.rdataHash(rdata, from, len);
            count++;
            pos = p + 12 + len;
        }
    }
}
