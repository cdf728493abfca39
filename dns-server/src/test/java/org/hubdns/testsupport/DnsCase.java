package org.hubdns.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * One row of a query table, as CoreDNS's {@code test.Case}: the question (and how it is asked),
 * then the whole expected response: rcode, header flags, and every record of the answer,
 * authority and additional sections in order, written as zone-file lines
 * ({@code "www.example. 600 IN A 192.0.2.80"}). The OPT is checked apart: the response has one
 * exactly when the query had one, unless the row says otherwise.
 */
public final class DnsCase {
    private final String qname;
    private final int qtype;
    private int qclass = DClass.IN;
    private int opcode = Opcode.QUERY;
    private int queryFlags = 1 << (15 - Flags.RD);
    private int payload = -1;
    private int version;
    private boolean dnssecOk;
    private final List<EDNSOption> options = new ArrayList<>();
    private boolean tcp;

    private int rcode = Rcode.NOERROR;
    private String flags = "qr aa rd";
    private List<String> answer = List.of();
    private List<String> authority = List.of();
    private List<String> additional = List.of();
    private Boolean opt;
    private boolean question = true;
    private String ecs;
    private java.net.InetAddress source = InProcessDns.LOOPBACK;
    private String note = "";

    private DnsCase(String qname, int qtype) {
        this.qname = qname;
        this.qtype = qtype;
    }

    /** {@code qname} type {@code qtype} class IN, RD set as a stub sends it, no EDNS, over UDP. */
    public static DnsCase q(String qname, int qtype) {
        return new DnsCase(qname, qtype);
    }

    // ---- the query ----------------------------------------------------------------------------

    public DnsCase qclass(int c) {
        qclass = c;
        return this;
    }

    public DnsCase opcode(int o) {
        opcode = o;
        return this;
    }

    /** The query's header flags, by dnsjava {@link Flags} bit (replaces the default RD). */
    public DnsCase queryFlags(int... bits) {
        queryFlags = 0;
        for (int b : bits) {
            queryFlags |= 1 << (15 - b);
        }
        return this;
    }

    /** Adds an OPT advertising {@code udpPayload}. */
    public DnsCase edns(int udpPayload) {
        payload = udpPayload;
        return this;
    }

    public DnsCase ednsVersion(int v) {
        version = v;
        return this;
    }

    /** EDNS with the DO bit set (adds an OPT of 1232 if there is none yet). */
    public DnsCase dnssecOk() {
        dnssecOk = true;
        if (payload < 0) {
            payload = 1232;
        }
        return this;
    }

    public DnsCase option(EDNSOption o) {
        options.add(o);
        if (payload < 0) {
            payload = 1232;
        }
        return this;
    }

    public DnsCase tcp() {
        tcp = true;
        return this;
    }

    /** The packet's source address (default loopback), which dynamic answers see without ECS. */
    public DnsCase from(String address) {
        source = InProcessDns.address(address);
        return this;
    }

    /** A client-subnet option (RFC 7871) for {@code address/prefix}. */
    public DnsCase clientSubnet(String address, int prefix) {
        return option(new org.xbill.DNS.ClientSubnetOption(prefix, InProcessDns.address(address)));
    }

    // ---- the expected response ------------------------------------------------------------------

    public DnsCase rcode(int r) {
        rcode = r;
        return this;
    }

    /** The response's header flags as dnsjava prints them, e.g. {@code "qr aa rd"} (default). */
    public DnsCase flags(String f) {
        flags = f;
        return this;
    }

    public DnsCase answer(String... records) {
        answer = canonical(records);
        return this;
    }

    public DnsCase ns(String... records) {
        authority = canonical(records);
        return this;
    }

    /** The additional section without the OPT. */
    public DnsCase extra(String... records) {
        additional = canonical(records);
        return this;
    }

    /** Whether the response carries an OPT (default: exactly when the query did). */
    public DnsCase opt(boolean present) {
        opt = present;
        return this;
    }

    /** The response has no question section (a header-only FORMERR or NOTIMP). */
    public DnsCase noQuestion() {
        question = false;
        return this;
    }

    /** The ECS option echoed, as {@code "address/source/scope"} (null: none). */
    public DnsCase ecs(String echoed) {
        ecs = echoed;
        return this;
    }

    /** Words that say what the row checks (shown in the test name). */
    public DnsCase says(String why) {
        note = why;
        return this;
    }

    public boolean overTcp() {
        return tcp;
    }

    /** The query as dnsjava builds it. */
    public Message query() {
        try {
            Message m = Message.newQuery(Record.newRecord(Name.fromString(qname), qtype, qclass));
            m.getHeader().setOpcode(opcode);
            for (int b = 0; b < 16; b++) {
                if (Flags.isFlag(b)) {
                    if ((queryFlags & (1 << (15 - b))) != 0) {
                        m.getHeader().setFlag(b);
                    } else {
                        m.getHeader().unsetFlag(b);
                    }
                }
            }
            if (payload >= 0) {
                m.addRecord(new OPTRecord(payload, 0, version, dnssecOk ? ExtendedFlags.DO : 0, options),
                        Section.ADDITIONAL);
            }
            return m;
        } catch (TextParseException e) {
            throw new IllegalArgumentException(qname, e);
        }
    }

    /** Asks {@code dns} and checks the whole response against this row. */
    public Message check(InProcessDns dns) {
        Message q = query();
        Message r = InProcessDns.parse(dns.raw(q.toWire(), tcp, source));
        check(q, r);
        return r;
    }

    /**
     * Compares the response, written out section by section, with the row written the same way:
     * one assertion whose failure shows the whole difference.
     */
    public void check(Message q, Message r) {
        boolean wantOpt = opt != null ? opt : payload >= 0;
        String expected = render(q.getHeader().getID(), opcode, Rcode.string(rcode), flags,
                question ? DnsCase.question(q) : "-", answer, authority, additional,
                wantOpt ? opt(OUR_PAYLOAD, dnssecOk, ecs) + " version 0" : "none");
        String actual = render(r.getHeader().getID(), r.getHeader().getOpcode(), Rcode.string(r.getRcode()),
                r.getHeader().printFlags().trim(), DnsCase.question(r), lines(r, Section.ANSWER),
                lines(r, Section.AUTHORITY), lines(r, Section.ADDITIONAL), opt(r));
        assertThat(actual).as(toString()).isEqualTo(expected);
    }

    private static final int OUR_PAYLOAD = 1232;

    private static String question(Message m) {
        return m.getQuestion() == null ? "-" : line(m.getQuestion());
    }

    /** The OPT records of a response, summed up: "none", or payload, DO and the ECS echoed. */
    private static String opt(Message m) {
        List<Record> opts = m.getSection(Section.ADDITIONAL).stream().filter(x -> x.getType() == Type.OPT).toList();
        if (opts.isEmpty()) {
            return "none";
        }
        if (opts.size() > 1) {
            return opts.size() + " OPTs";
        }
        OPTRecord o = (OPTRecord) opts.get(0);
        String echoed = null;
        for (EDNSOption e : o.getOptions(EDNSOption.Code.CLIENT_SUBNET)) {
            org.xbill.DNS.ClientSubnetOption c = (org.xbill.DNS.ClientSubnetOption) e;
            echoed = c.getAddress().getHostAddress() + "/" + c.getSourcePrefixLength() + "/" + c.getScopePrefixLength();
        }
        return opt(o.getPayloadSize(), (o.getFlags() & ExtendedFlags.DO) != 0, echoed) + " version " + o.getVersion();
    }

    private static String opt(int payload, boolean dnssecOk, String ecs) {
        return "udp " + payload + (dnssecOk ? " do" : "") + (ecs == null ? "" : " ecs " + ecs);
    }

    private static String render(int id, int opcode, String rcode, String flags, String question, List<String> an,
            List<String> ns, List<String> ar, String opt) {
        StringBuilder s = new StringBuilder();
        s.append("id ").append(id).append(" opcode ").append(Opcode.string(opcode)).append(" rcode ").append(rcode)
                .append(" flags [").append(flags).append("]\n");
        s.append(";; question ").append(question).append('\n');
        s.append(";; answer\n");
        an.forEach(l -> s.append(l).append('\n'));
        s.append(";; authority\n");
        ns.forEach(l -> s.append(l).append('\n'));
        s.append(";; additional\n");
        ar.forEach(l -> s.append(l).append('\n'));
        s.append(";; opt ").append(opt).append('\n');
        return s.toString();
    }

    /** A section's records as single-spaced zone-file lines, the OPT left out. */
    public static List<String> lines(Message m, int section) {
        return m.getSection(section).stream().filter(r -> r.getType() != Type.OPT).map(DnsCase::line)
                .collect(Collectors.toList());
    }

    public static String line(Record r) {
        return r.toString().replaceAll("\\s+", " ").trim();
    }

    /**
     * Expected lines ("owner ttl class type rdata") as dnsjava prints them, so that a row may write
     * {@code 2001:db8::80} or a quoted TXT string the way a zone file does.
     */
    private static List<String> canonical(String... lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            String[] f = l.trim().split("\\s+", 5);
            try {
                out.add(line(Record.fromString(Name.fromString(f[0]), Type.value(f[3]), DClass.value(f[2]),
                        Long.parseLong(f[1]), f[4], Name.root)));
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("expected record is not \"owner ttl class type rdata\": " + l, e);
            }
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(qname).append(' ').append(Type.string(qtype));
        if (qclass != DClass.IN) {
            s.append(' ').append(DClass.string(qclass));
        }
        if (opcode != Opcode.QUERY) {
            s.append(" opcode ").append(Opcode.string(opcode));
        }
        if (payload >= 0) {
            s.append(" edns ").append(payload);
        }
        if (tcp) {
            s.append(" tcp");
        }
        if (!note.isEmpty()) {
            s.append(": ").append(note);
        }
        return s.toString();
    }
}
