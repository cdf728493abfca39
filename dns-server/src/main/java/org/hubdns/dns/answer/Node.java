package org.hubdns.dns.answer;

import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * A name that exists in a served zone (with data, or as an empty non-terminal), with its answers
 * compiled per qtype. Immutable once the compiler has published the tree.
 */
final class Node {
    final Name name;
    final byte[] key;
    final CompiledZone zone;
    /** The zone cut at or above this name (below the apex), or null where the zone is authoritative. */
    final Node cut;
    /** The answers at {@code *.name}, when that wildcard exists. */
    Node wildcard;
    /** For a zone cut: the referral, for its own name and every name below it. */
    AnswerPlan referral;
    int[] types = new int[0];
    AnswerPlan[] plans = new AnswerPlan[0];
    AnswerPlan anyPlan;
    AnswerPlan otherPlan;
    DynamicAnswers dynamic;

    /** @param cut the cut above this name, or null; ignored (the node is its own cut) when {@code isCut} */
    Node(Name name, CompiledZone zone, Node cut, boolean isCut) {
        this.name = name;
        this.key = NameTable.keyOf(name);
        this.zone = zone;
        this.cut = isCut ? this : cut;
    }

    AnswerPlan plan(int qtype) {
        int[] t = types;
        for (int i = 0; i < t.length; i++) {
            if (t[i] == qtype) {
                return plans[i];
            }
        }
        return qtype == Type.ANY ? anyPlan : otherPlan;
    }
}
