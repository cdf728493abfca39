package org.hubdns.dns.protocol;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.hubdns.dnssec.SignedResponder;
import org.hubdns.dnssec.SignedZones;
import org.hubdns.snapshot.Snapshot;
import org.hubdns.snapshot.SnapshotHolder;
import org.hubdns.dns.answer.AnswerSink;
import org.hubdns.dns.answer.ClientSubnet;
import org.hubdns.dns.answer.DynamicAnswers;
import org.hubdns.dns.answer.Resolution;
import org.hubdns.dns.answer.Template;
import org.hubdns.dns.rrl.ResponseClass;
import org.hubdns.dns.rrl.RrlGate;
import org.hubdns.dns.stats.QueryLog;
import org.hubdns.dns.stats.QueryStats;
import org.xbill.DNS.Name;

/**
 * The query pipeline: header, question, EDNS (RFC 6891) with ECS (RFC 7871), cookies (RFC 7873)
 * and NSID (RFC 5001), lookup in the current snapshot, then the response built from a
 * pre-encoded template and cut at an RRset boundary when it does not fit (TC).
 *
 * <p>With response rate limiting on, each UDP response is classified where it is built (rcode,
 * shape, TC, qtype ANY, a hash of the name for positive answers) and the loop's {@link RrlGate}
 * decides whether it is sent, slipped (a minimal TC=1 answer, or BADCOOKIE with a fresh server
 * cookie for a client that sent a cookie) or dropped. TCP and valid server cookies are never limited.
 *
 * <p>One instance per event loop: it keeps its scratch state in fields and is not thread-safe.
 * It allocates nothing for a static answer; it never locks or blocks.
 */
public final class QueryProcessor {
    /** Largest UDP response we send, and the payload size we advertise (DNS flag day 2020). */
    public static final int OUR_UDP_PAYLOAD = 1232;
    /** What {@link #process} returns when the packet gets no answer at all. */
    public static final int DROP = -1;
    /**
     * What {@link #process} returns when a DO=1 answer waits for a signature: process the same
     * query again on this loop when {@link #deferred()} completes.
     */
    public static final int DEFERRED = -2;

    private static final int HEADER = 12;
    private static final int TYPE_OPT = 41;
    private static final int OPT_NSID = 3;
    private static final int OPT_ECS = 8;
    private static final int OPT_COOKIE = 10;
    private static final int OPCODE_QUERY = 0;
    private static final int OPCODE_NOTIFY = 4;
    private static final int OPCODE_UPDATE = 5;
    private static final int NOERROR = 0;
    private static final int FORMERR = 1;
    private static final int SERVFAIL = 2;
    private static final int NOTIMP = 4;
    private static final int REFUSED = 5;
    private static final int BADVERS = 16;
    /** RFC 7873 8: the extended rcode of a response carrying a fresh server cookie instead of an answer. */
    private static final int BADCOOKIE = 23;
    private static final int TYPE_A = 1;
    private static final int TYPE_CNAME = 5;
    private static final int TYPE_AAAA = 28;
    private static final int TYPE_IXFR = 251;
    private static final int TYPE_AXFR = 252;
    private static final int CLASS_IN = 1;
    /** QCLASS * (RFC 1035 3.2.5): we hold class IN only, so it is looked up as IN. */
    private static final int CLASS_ANY = 255;

    private final SnapshotHolder snapshots;
    private final byte[] nsid;
    private final ServerCookies.Minter cookies;
    private final QueryStats stats;
    private final QueryLog log;
    /** This loop's response rate limiter, or null when RRL is off. */
    private final RrlGate rrl;
    /** Whether the response now being answered was dropped by the rate limiter (not a bad packet). */
    private boolean rateLimited;
    /** What the response being built says: its rcode and the ECS scope echoed (-1: none). */
    private int sentRcode;
    private int sentScope;
    /** Answers {@link #processInBatch} counted that {@link #batchAnswered} has not timed yet. */
    private int untimed;

    // per-query scratch, reused
    private final byte[] lname = new byte[256];
    private final int[] labelStarts = new int[128];
    private final byte[] ecsAddress = new byte[16];
    private final Resolution resolution = new Resolution();
    private final ClientSubnet client = new ClientSubnet();
    private final DynamicSink sink = new DynamicSink();
    /** DO=1 answers in signed zones (issue 18): its own class, so that this pipeline stays as it was. */
    private final SignedResponder signedResponder = new SignedResponder();
    private int labels;
    private int qnameLength;
    private int questionEnd;
    private int qtype;
    private int qclass;
    private int optCount;
    private int udpPayload;
    private int ednsVersion;
    private boolean dnssecOk;
    private boolean nsidRequested;
    private int cookieAt;
    private int cookieLength;
    private int ecsAt;
    private int ecsLength;
    private int ecsSource;
    private boolean badOption;

    public QueryProcessor(SnapshotHolder snapshots, byte[] nsid, ServerCookies cookies) {
        this(snapshots, nsid, cookies, new QueryStats(), QueryLog.OFF);
    }

    /**
     * @param stats this processor's own counters (written by its thread only)
     * @param log where sampled queries are logged ({@link QueryLog#OFF}: nowhere)
     */
    public QueryProcessor(SnapshotHolder snapshots, byte[] nsid, ServerCookies cookies, QueryStats stats,
            QueryLog log) {
        this(snapshots, nsid, cookies, stats, log, null);
    }

    /** @param rrl this loop's gate of the response rate limiter, or null (off) */
    public QueryProcessor(SnapshotHolder snapshots, byte[] nsid, ServerCookies cookies, QueryStats stats,
            QueryLog log, RrlGate rrl) {
        this.rrl = rrl;
        this.snapshots = snapshots;
        this.nsid = nsid == null || nsid.length == 0 ? null : nsid.clone();
        this.cookies = cookies.minter();
        this.stats = stats;
        this.log = log;
    }

    /**
     * Answers the DNS message {@code q[0, len)} into {@code out} (at least 65,535 + 512 bytes),
     * counting it and, when sampled, logging it.
     *
     * @param tcp whether it came over TCP (no size limit but 65,535)
     * @param source the client's address
     * @return the response length, or {@link #DROP}
     */
    public int process(byte[] q, int len, byte[] out, boolean tcp, InetAddress source) {
        return process(q, len, out, tcp, source, System.nanoTime(), false);
    }

    /**
     * As {@link #process(byte[], int, byte[], boolean, InetAddress)}, timed from {@code arrivedNanos}
     * ({@link System#nanoTime()}): for a query answered again after it waited ({@link #DEFERRED}).
     */
    public int process(byte[] q, int len, byte[] out, boolean tcp, InetAddress source, long arrivedNanos) {
        return process(q, len, out, tcp, source, arrivedNanos, false);
    }

    /**
     * As {@link #process(byte[], int, byte[], boolean, InetAddress)}, for one UDP datagram of a batch
     * whose replies leave together: the answer is counted now and timed by {@link #batchAnswered},
     * from {@code batchNanos} (when the batch was read off the socket) to when the batch's replies
     * are handed to the kernel, which is how long every query of the batch waited in hubdns. That is
     * two clock reads a batch instead of one a query: on a virtual machine's clock (kvm-clock) the
     * reads were 1-1.5% of a UDP answer's CPU.
     */
    public int processInBatch(byte[] q, int len, byte[] out, InetAddress source, long batchNanos) {
        return process(q, len, out, false, source, batchNanos, true);
    }

    private int process(byte[] q, int len, byte[] out, boolean tcp, InetAddress source, long t0, boolean batched) {
        qtype = -1;
        sentScope = -1;
        client.site = null;
        int n = respond(q, len, out, tcp, source);
        if (n == DEFERRED) {
            return n; // counted when it is answered
        }
        rateLimited = false;
        if (rrl != null && n > 0 && !tcp && source != null) {
            n = limit(q, out, n, source, t0);
        }
        long end = batched ? 0 : System.nanoTime();
        if (n == DROP) {
            if (!rateLimited) {
                stats.dropped(tcp); // the rate limiter's drops have their own counter
            }
            return n;
        }
        if (batched) {
            stats.answered(tcp, qtype, sentRcode);
            untimed++;
        } else {
            stats.answered(tcp, qtype, sentRcode, end - t0);
        }
        if (ecsAt > 0) {
            stats.ecs(u16(q, ecsAt) == 2);
        }
        if (log.sample()) {
            long nanos = (batched ? System.nanoTime() : end) - t0;
            log.offer(QueryLog.entry(q, out, n, lname, qnameLength, qtype, sentRcode, source, tcp,
                    ecsAt > 0 ? ecsFamilyAddress(q) : null, ecsSource, client.site, sentScope, nanos));
        }
        return n;
    }

    /**
     * The batch whose answers {@link #processInBatch} counted is answered, {@code nanos} after it was
     * read, and its replies are about to leave: each of those answers is timed so.
     */
    public void batchAnswered(long nanos) {
        if (untimed > 0) {
            stats.timed(untimed, nanos);
            untimed = 0;
        }
    }

    /** The rate limiter's verdict on the UDP response of {@code n} bytes in {@code out}: it, a slip, or DROP. */
    private int limit(byte[] q, byte[] out, int n, InetAddress source, long nanoTime) {
        if (cookieAt > 0 && cookieLength > 8 && !badOption && cookies.valid(q, cookieAt, cookieLength,
                source.getAddress(), (int) (System.currentTimeMillis() / 1000))) {
            return n; // a valid server cookie proves the source address is not forged
        }
        ResponseClass c = ResponseClass.of(sentRcode, qtype, (out[2] & 0x02) != 0, (out[2] & 0x04) != 0,
                u16(out, 6), u16(out, 8));
        RrlGate.Verdict v = rrl.decide(source, c, c == ResponseClass.POSITIVE ? nameHash() : 0, nanoTime);
        if (v == RrlGate.Verdict.SEND) {
            return n;
        }
        if (v == RrlGate.Verdict.DROP) {
            rateLimited = true;
            return DROP;
        }
        return slip(q, out, source);
    }

    /**
     * A slipped response: BADCOOKIE with a fresh server cookie to a client that speaks cookies (it
     * comes back with it and is never limited again), else TC=1 with the question only, so that a
     * real resolver retries over TCP; both are no larger than the query, so nothing to amplify.
     */
    private int slip(byte[] q, byte[] out, InetAddress source) {
        boolean question = questionEnd > HEADER;
        if (cookieAt > 0 && !badOption && optCount == 1) {
            return reply(q, out, BADCOOKIE, question, source);
        }
        int rcode = sentRcode < 16 ? sentRcode : NOERROR;
        if (question) {
            System.arraycopy(q, HEADER, out, HEADER, questionEnd - HEADER);
        }
        header(q, out, rcode, false, true, question ? 1 : 0, 0, 0, 0);
        return question ? questionEnd : HEADER;
    }

    /** FNV-1a over the lower-cased query name: positive answers are counted per name. */
    private int nameHash() {
        int h = 0x811C9DC5;
        for (int i = 0; i < qnameLength; i++) {
            h = (h ^ lname[i]) * 0x01000193;
        }
        return h;
    }

    /** The ECS address of the query as text (only for the query log). */
    private String ecsFamilyAddress(byte[] q) {
        int family = u16(q, ecsAt);
        byte[] a = new byte[family == 1 ? 4 : 16];
        System.arraycopy(q, ecsAt + 4, a, 0, Math.min(a.length, ecsLength - 4));
        try {
            return InetAddress.getByAddress(a).getHostAddress() + "/" + ecsSource;
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    private int respond(byte[] q, int len, byte[] out, boolean tcp, InetAddress source) {
        if (len < HEADER || (q[2] & 0x80) != 0) {
            return DROP;
        }
        int opcode = (q[2] >> 3) & 0x0F;
        int qdcount = u16(q, 4);
        resetEdns();
        questionEnd = HEADER;
        if (opcode != OPCODE_QUERY && opcode != OPCODE_NOTIFY && opcode != OPCODE_UPDATE) {
            return notImplemented(q, len, out, qdcount);
        }
        boolean questionOk = false;
        if (qdcount == 1) {
            questionOk = parseQuestion(q, len);
            if (!questionOk) {
                return headerOnly(q, out, FORMERR);
            }
        } else if (qdcount > 1) {
            return headerOnly(q, out, FORMERR);
        }
        if (!parseRecords(q, len, u16(q, 6), u16(q, 8), u16(q, 10)) || optCount > 1) {
            optCount = 0; // the OPT is what is wrong: answer without one
            return reply(q, out, FORMERR, questionOk);
        }
        if (badOption) {
            return reply(q, out, FORMERR, questionOk);
        }
        if (opcode != OPCODE_QUERY) {
            return reply(q, out, REFUSED, questionOk);
        }
        if (optCount == 1 && ednsVersion > 0) {
            return reply(q, out, BADVERS, questionOk);
        }
        if (qdcount == 0) {
            // RFC 7873 5.4: a query for a server cookie only
            return reply(q, out, cookieAt > 0 ? NOERROR : FORMERR, false, source);
        }
        if (qtype == TYPE_OPT) {
            return reply(q, out, FORMERR, true);
        }
        if ((qclass != CLASS_IN && qclass != CLASS_ANY) || qtype == TYPE_AXFR || qtype == TYPE_IXFR) {
            return reply(q, out, REFUSED, true, source);
        }
        Snapshot snapshot = snapshots.current();
        snapshot.zones().resolve(lname, qnameLength, labelStarts, labels, qtype, resolution);
        Template t = resolution.template();
        if (t == null) {
            return reply(q, out, REFUSED, true, source);
        }
        int limit = tcp ? 65535 : optCount == 1 ? Math.min(Math.max(512, udpPayload), OUR_UDP_PAYLOAD) : 512;
        if (dnssecOk && !snapshot.signed().isEmpty()) {
            int n = signedAnswer(snapshot.signed(), q, out, limit, source);
            if (n != SignedResponder.UNSIGNED) {
                return n;
            }
        }
        DynamicAnswers dynamic = resolution.dynamic();
        if (dynamic != null) {
            int written = dynamicAnswer(q, out, dynamic, limit, source);
            if (written != DynamicAnswers.USE_ZONE_DATA) {
                return written;
            }
        }
        return templateAnswer(q, out, t, limit, 0, source);
    }

    /** What a deferred DO=1 query waits for (valid after {@link #process} returned {@link #DEFERRED}). */
    public java.util.concurrent.CompletableFuture<?> deferred() {
        return signedResponder.pending();
    }

    /** A DO=1 query in a signed zone: sections from the snapshot's signed answers, then OPT and header. */
    private int signedAnswer(SignedZones zones, byte[] q, byte[] out, int limit, InetAddress source) {
        fillClient(q, source);
        System.arraycopy(q, HEADER, out, HEADER, questionEnd - HEADER);
        SignedResponder r = signedResponder;
        int n = r.answer(zones, lname, qnameLength, labelStarts, labels, qtype, client, out, questionEnd, limit,
                optCount == 1 ? optLength() : 0);
        if (n == SignedResponder.UNSIGNED) {
            return n;
        }
        if (n == SignedResponder.DEFER) {
            return DEFERRED;
        }
        if (SignedResponder.servfail(n)) {
            return reply(q, out, SERVFAIL, true, source);
        }
        int pos = n;
        int ar = r.additionalCount;
        if (optCount == 1) {
            pos = writeOpt(q, out, pos, r.rcode, r.scope, source);
            ar++;
        }
        header(q, out, r.rcode, r.authoritative, r.truncated, 1, r.answerCount, r.authorityCount, ar);
        return pos;
    }

    private void resetEdns() {
        optCount = 0;
        udpPayload = 512;
        ednsVersion = 0;
        dnssecOk = false;
        nsidRequested = false;
        cookieAt = 0;
        cookieLength = 0;
        ecsAt = 0;
        ecsLength = 0;
        ecsSource = 0;
        badOption = false;
    }

    /** The question: plain labels only (no compression), lower-cased into {@link #lname}. */
    private boolean parseQuestion(byte[] q, int len) {
        int pos = HEADER;
        int n = 0;
        while (true) {
            if (pos >= len) {
                return false;
            }
            int l = q[pos] & 0xFF;
            if (l == 0) {
                lname[pos - HEADER] = 0;
                pos++;
                break;
            }
            if (l > 63 || pos + 1 + l - HEADER >= 255 || pos + 1 + l >= len) {
                return false;
            }
            labelStarts[n++] = pos - HEADER;
            lname[pos - HEADER] = (byte) l;
            for (int i = pos + 1; i <= pos + l; i++) {
                byte b = q[i];
                lname[i - HEADER] = (b >= 'A' && b <= 'Z') ? (byte) (b + 32) : b;
            }
            pos += 1 + l;
        }
        labelStarts[n] = pos - 1 - HEADER;
        labels = n + 1;
        qnameLength = pos - HEADER;
        if (pos + 4 > len) {
            return false;
        }
        qtype = u16(q, pos);
        qclass = u16(q, pos + 2);
        questionEnd = pos + 4;
        return true;
    }

    /** Walks the answer, authority and additional records; keeps the OPT's fields and options. */
    private boolean parseRecords(byte[] q, int len, int an, int ns, int ar) {
        int pos = questionEnd;
        int total = an + ns + ar;
        for (int i = 0; i < total; i++) {
            int nameStart = pos;
            pos = skipName(q, pos, len);
            if (pos < 0 || pos + 10 > len) {
                return false;
            }
            int type = u16(q, pos);
            int rdlength = u16(q, pos + 8);
            int rdata = pos + 10;
            if (rdata + rdlength > len) {
                return false;
            }
            if (type == TYPE_OPT) {
                if (i < an + ns || pos != nameStart + 1) {
                    return false; // only in additional, owned by the root (RFC 6891 6.1.2)
                }
                optCount++;
                if (optCount == 1 && !parseOpt(q, pos, rdata, rdlength)) {
                    return false;
                }
            }
            pos = rdata + rdlength;
        }
        return pos == len;
    }

    private boolean parseOpt(byte[] q, int pos, int rdata, int rdlength) {
        udpPayload = u16(q, pos + 2);
        ednsVersion = q[pos + 5] & 0xFF;
        dnssecOk = (q[pos + 6] & 0x80) != 0;
        int p = rdata;
        int end = rdata + rdlength;
        while (p < end) {
            if (p + 4 > end) {
                badOption = true; // RFC 6891 7: FORMERR, and the response still carries an OPT
                return true;
            }
            int code = u16(q, p);
            int olen = u16(q, p + 2);
            int data = p + 4;
            if (data + olen > end) {
                badOption = true;
                return true;
            }
            if (code == OPT_NSID) {
                nsidRequested = true;
            } else if (code == OPT_COOKIE && cookieAt == 0) {
                if (olen != 8 && (olen < 16 || olen > 40)) {
                    badOption = true;
                }
                cookieAt = data;
                cookieLength = olen;
            } else if (code == OPT_ECS && ecsAt == 0) {
                if (!validEcs(q, data, olen)) {
                    badOption = true;
                }
                ecsAt = data;
                ecsLength = olen;
            }
            p = data + olen;
        }
        return true;
    }

    /** RFC 7871 6: a known family, a source prefix within it, exactly the octets it needs, no bits past it. */
    private boolean validEcs(byte[] q, int at, int olen) {
        if (olen < 4) {
            return false;
        }
        int family = u16(q, at);
        int source = q[at + 2] & 0xFF;
        int bits = family == 1 ? 32 : family == 2 ? 128 : -1;
        if (bits < 0 || source > bits || olen - 4 != (source + 7) / 8) {
            return false;
        }
        if (source % 8 != 0) {
            int last = q[at + 4 + source / 8] & 0xFF;
            if ((last & (0xFF >>> (source % 8))) != 0) {
                return false;
            }
        }
        ecsSource = source;
        return true;
    }

    /** Finds the end of a possibly compressed name; pointers must go backwards, so loops end. */
    private static int skipName(byte[] q, int pos, int len) {
        int end = -1;
        int p = pos;
        int wire = 0;
        int limit = p;
        while (true) {
            if (p >= len) {
                return -1;
            }
            int l = q[p] & 0xFF;
            if (l == 0) {
                return end < 0 ? p + 1 : end;
            }
            if ((l & 0xC0) == 0xC0) {
                if (p + 1 >= len) {
                    return -1;
                }
                int target = ((l & 0x3F) << 8) | (q[p + 1] & 0xFF);
                if (end < 0) {
                    end = p + 2;
                }
                if (target >= limit) {
                    return -1;
                }
                limit = target;
                p = target;
                continue;
            }
            if ((l & 0xC0) != 0) {
                return -1;
            }
            wire += l + 1;
            if (wire > 254) {
                return -1;
            }
            p += l + 1;
        }
    }

    /**
     * NOTIMP for an opcode we do not implement. When the message still reads as question plus
     * records with exactly one OPT, the response carries an OPT too (RFC 6891 7: a request with an
     * OPT gets a response with one), bare but for the DO bit; otherwise the header alone.
     */
    private int notImplemented(byte[] q, int len, byte[] out, int qdcount) {
        boolean withOpt = qdcount <= 1 && (qdcount == 0 || parseQuestion(q, len))
                && parseRecords(q, len, u16(q, 6), u16(q, 8), u16(q, 10)) && optCount == 1;
        boolean dnssec = dnssecOk;
        resetEdns();
        questionEnd = HEADER;
        if (!withOpt) {
            return headerOnly(q, out, NOTIMP);
        }
        optCount = 1;
        dnssecOk = dnssec;
        return reply(q, out, NOTIMP, false);
    }

    private int headerOnly(byte[] q, byte[] out, int rcode) {
        header(q, out, rcode, false, false, 0, 0, 0, 0);
        return HEADER;
    }

    private int reply(byte[] q, byte[] out, int rcode, boolean withQuestion) {
        return reply(q, out, rcode, withQuestion, null);
    }

    /** A response with no records but (when the query had one) the OPT. */
    private int reply(byte[] q, byte[] out, int rcode, boolean withQuestion, InetAddress source) {
        int pos = HEADER;
        if (withQuestion) {
            System.arraycopy(q, HEADER, out, HEADER, questionEnd - HEADER);
            pos = questionEnd;
        }
        int ar = 0;
        if (optCount == 1) {
            pos = writeOpt(q, out, pos, rcode, 0, source);
            ar = 1;
        }
        header(q, out, rcode, false, false, withQuestion ? 1 : 0, 0, 0, ar);
        return pos;
    }

    private int templateAnswer(byte[] q, byte[] out, Template t, int limit, int scope, InetAddress source) {
        int qlen = questionEnd - HEADER;
        System.arraycopy(q, HEADER, out, HEADER, qlen);
        int pos = questionEnd;
        int room = limit - pos - (optCount == 1 ? optLength() : 0);
        int rrsets = t.rrsetsFitting(room);
        boolean truncated = rrsets < t.requiredRrsetCount();
        int bytes = rrsets < t.rrsetCount() ? t.bytesFor(rrsets) : t.length();
        System.arraycopy(t.body(), 0, out, pos, bytes);
        pos += bytes;
        int ar = t.additionalCount(rrsets);
        if (optCount == 1) {
            pos = writeOpt(q, out, pos, t.rcode(), scope, source);
            ar++;
        }
        header(q, out, t.rcode(), t.authoritative(), truncated, 1, t.answerCount(rrsets),
                t.authorityCount(rrsets), ar);
        return pos;
    }

    private int dynamicAnswer(byte[] q, byte[] out, DynamicAnswers dynamic, int limit, InetAddress source) {
        fillClient(q, source);
        System.arraycopy(q, HEADER, out, HEADER, questionEnd - HEADER);
        sink.start(out, questionEnd, qtype);
        int scope = dynamic.answer(qtype, client, sink);
        if (scope == DynamicAnswers.USE_ZONE_DATA) {
            return DynamicAnswers.USE_ZONE_DATA;
        }
        if (sink.count == 0) {
            return templateAnswer(q, out, resolution.noData(qnameLength), limit, scope, source);
        }
        int pos = sink.pos;
        int an = sink.count;
        boolean truncated = false;
        if (pos + (optCount == 1 ? optLength() : 0) > limit) {
            pos = questionEnd;
            an = 0;
            truncated = true;
        }
        int ar = 0;
        if (optCount == 1) {
            pos = writeOpt(q, out, pos, NOERROR, scope, source);
            ar = 1;
        }
        header(q, out, NOERROR, true, truncated, 1, an, 0, ar);
        return pos;
    }

    private void fillClient(byte[] q, InetAddress source) {
        if (ecsAt > 0 && ecsSource > 0) {
            int family = u16(q, ecsAt);
            int n = ecsLength - 4;
            java.util.Arrays.fill(ecsAddress, (byte) 0);
            System.arraycopy(q, ecsAt + 4, ecsAddress, 0, n);
            client.set(family, ecsAddress, family == 1 ? 4 : 16, ecsSource, true);
            return;
        }
        byte[] a = source == null ? new byte[4] : source.getAddress();
        if (source instanceof Inet6Address && isMappedV4(a)) {
            System.arraycopy(a, 12, ecsAddress, 0, 4);
            client.set(1, ecsAddress, 4, 32, false);
        } else {
            client.set(a.length == 4 ? 1 : 2, a, a.length, a.length * 8, false);
        }
    }

    private static boolean isMappedV4(byte[] a) {
        if (a.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xFF && a[11] == (byte) 0xFF;
    }

    private int optLength() {
        int n = 11;
        if (nsidRequested && nsid != null) {
            n += 4 + nsid.length;
        }
        if (ecsAt > 0) {
            n += 4 + ecsLength;
        }
        if (cookieAt > 0 && !badOption) {
            n += 4 + 8 + ServerCookies.SERVER_COOKIE_LENGTH;
        }
        return n;
    }

    private int writeOpt(byte[] q, byte[] out, int pos, int rcode, int scope, InetAddress source) {
        out[pos] = 0;
        out[pos + 1] = 0;
        out[pos + 2] = TYPE_OPT;
        out[pos + 3] = (byte) (OUR_UDP_PAYLOAD >>> 8);
        out[pos + 4] = (byte) OUR_UDP_PAYLOAD;
        out[pos + 5] = (byte) (rcode >>> 4);
        out[pos + 6] = 0;
        out[pos + 7] = (byte) (dnssecOk ? 0x80 : 0);
        out[pos + 8] = 0;
        int rdlengthAt = pos + 9;
        int p = pos + 11;
        boolean ok = rcode != FORMERR && rcode != BADVERS;
        if (ok && nsidRequested && nsid != null) {
            p = optionHeader(out, p, OPT_NSID, nsid.length);
            System.arraycopy(nsid, 0, out, p, nsid.length);
            p += nsid.length;
        }
        if (ok && ecsAt > 0) {
            p = optionHeader(out, p, OPT_ECS, ecsLength);
            System.arraycopy(q, ecsAt, out, p, ecsLength);
            out[p + 3] = (byte) (ecsSource == 0 ? 0 : scope);
            sentScope = ecsSource == 0 ? 0 : scope;
            p += ecsLength;
        }
        if (cookieAt > 0 && !badOption && source != null) {
            p = optionHeader(out, p, OPT_COOKIE, 8 + ServerCookies.SERVER_COOKIE_LENGTH);
            System.arraycopy(q, cookieAt, out, p, 8);
            cookies.write(q, cookieAt, source.getAddress(), (int) (System.currentTimeMillis() / 1000), out, p + 8);
            p += 8 + ServerCookies.SERVER_COOKIE_LENGTH;
        }
        out[rdlengthAt] = (byte) ((p - pos - 11) >>> 8);
        out[rdlengthAt + 1] = (byte) (p - pos - 11);
        return p;
    }

    private static int optionHeader(byte[] out, int p, int code, int length) {
        out[p] = (byte) (code >>> 8);
        out[p + 1] = (byte) code;
        out[p + 2] = (byte) (length >>> 8);
        out[p + 3] = (byte) length;
        return p + 4;
    }

    /** QR set, opcode/RD/CD copied, RA/AD/Z clear; the low four rcode bits (the rest go in the OPT). */
    private void header(byte[] q, byte[] out, int rcode, boolean aa, boolean tc, int qd, int an, int ns,
            int ar) {
        sentRcode = rcode;
        out[0] = q[0];
        out[1] = q[1];
        out[2] = (byte) (0x80 | (q[2] & 0x78) | (aa ? 0x04 : 0) | (tc ? 0x02 : 0) | (q[2] & 0x01));
        out[3] = (byte) ((q[3] & 0x10) | (rcode & 0x0F));
        out[4] = 0;
        out[5] = (byte) qd;
        out[6] = (byte) (an >>> 8);
        out[7] = (byte) an;
        out[8] = (byte) (ns >>> 8);
        out[9] = (byte) ns;
        out[10] = (byte) (ar >>> 8);
        out[11] = (byte) ar;
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    /** Writes dynamic records straight into the response, owner compressed to the question name. */
    private static final class DynamicSink implements AnswerSink {
        byte[] out;
        int pos;
        int count;
        int qtype;

        void start(byte[] buffer, int at, int type) {
            out = buffer;
            pos = at;
            count = 0;
            qtype = type;
        }

        @Override
        public void address(byte[] address, long ttl) {
            int type = address.length == 4 ? TYPE_A : address.length == 16 ? TYPE_AAAA : -1;
            if (type != qtype || pos + 12 + address.length > out.length - 512) {
                return;
            }
            pos = rrHeader(type, ttl, address.length);
            System.arraycopy(address, 0, out, pos, address.length);
            pos += address.length;
            count++;
        }

        @Override
        public void alias(Name target, long ttl) {
            byte[] wire = target.toWire();
            if (pos + 12 + wire.length > out.length - 512) {
                return;
            }
            pos = rrHeader(TYPE_CNAME, ttl, wire.length);
            System.arraycopy(wire, 0, out, pos, wire.length);
            pos += wire.length;
            count++;
        }

        private int rrHeader(int type, long ttl, int rdlength) {
            int p = pos;
            out[p] = (byte) 0xC0;
            out[p + 1] = HEADER;
            out[p + 2] = (byte) (type >>> 8);
            out[p + 3] = (byte) type;
            out[p + 4] = 0;
            out[p + 5] = CLASS_IN;
            out[p + 6] = (byte) (ttl >>> 24);
            out[p + 7] = (byte) (ttl >>> 16);
            out[p + 8] = (byte) (ttl >>> 8);
            out[p + 9] = (byte) ttl;
            out[p + 10] = (byte) (rdlength >>> 8);
            out[p + 11] = (byte) rdlength;
            return p + 12;
        }
    }
}
