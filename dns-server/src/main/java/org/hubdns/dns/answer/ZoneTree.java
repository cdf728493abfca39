package org.hubdns.dns.answer;

import java.util.List;
import java.util.Map;
import org.hubdns.dns.zone.ZoneContent;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * Every served zone compiled into one immutable name table with pre-encoded answers. Built off the
 * event loops by {@link ZoneCompiler}, published whole, and read by the query path without locks.
 */
public final class ZoneTree {
    public static final ZoneTree EMPTY = new ZoneTree(new NameTable(List.of()), List.of());

    private final NameTable table;
    private final List<ZoneContent> zones;

    ZoneTree(NameTable table, List<ZoneContent> zones) {
        this.table = table;
        this.zones = List.copyOf(zones);
    }

    /** Compiles zones; {@code dynamic} maps names inside them to their per-query answers. */
    public static ZoneTree compile(List<ZoneContent> zones, Map<Name, DynamicAnswers> dynamic) {
        return ZoneCompiler.compile(zones, dynamic);
    }

    public List<ZoneContent> zones() {
        return zones;
    }

    public int nameCount() {
        return table.size();
    }

    /**
     * Finds the answer for a query name given as lower-cased wire bytes {@code lname[0, qnameLength)}
     * whose labels start at {@code labelStarts[0..labels)}.
     */
    public void resolve(byte[] lname, int qnameLength, int[] labelStarts, int labels, int qtype, Resolution out) {
        out.dynamic = null;
        out.node = null;
        Node exact = table.get(lname, 0, qnameLength);
        if (exact != null) {
            out.node = exact;
            out.template = exact.plan(qtype).forLength(qnameLength);
            if (exact.dynamic != null && exact.cut == null && (qtype == Type.A || qtype == Type.AAAA)) {
                out.dynamic = exact.dynamic;
            }
            return;
        }
        for (int i = 1; i < labels; i++) {
            Node encloser = table.get(lname, labelStarts[i], qnameLength);
            if (encloser != null) {
                AnswerPlan plan;
                if (encloser.cut != null) {
                    plan = encloser.cut.referral;
                } else if (encloser.wildcard != null) {
                    plan = encloser.wildcard.plan(qtype);
                } else {
                    plan = encloser.zone.nxdomain;
                }
                out.template = plan.forLength(qnameLength);
                return;
            }
        }
        out.template = null;
    }
}
