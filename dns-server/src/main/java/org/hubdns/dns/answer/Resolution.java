package org.hubdns.dns.answer;

/** The outcome of one {@link ZoneTree#resolve} call; reused per thread so that lookups allocate nothing. */
public final class Resolution {
    Template template;
    DynamicAnswers dynamic;
    Node node;

    /** The pre-encoded answer, or null when the name is in no served zone (REFUSED). */
    public Template template() {
        return template;
    }

    /** Set when the name is answered per query; {@link #template()} then holds the zone-data answer. */
    public DynamicAnswers dynamic() {
        return dynamic;
    }

    /** The zone's NODATA answer for this name, for a dynamic answer that has nothing for the qtype. */
    public Template noData(int qnameLength) {
        return node.otherPlan.forLength(qnameLength);
    }
}
