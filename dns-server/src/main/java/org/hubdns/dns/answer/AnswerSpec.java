package org.hubdns.dns.answer;

import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;

/**
 * What a response says, before it is encoded: rcode, AA and the RRsets of each section. The
 * {@code optional} RRsets go at the end of the additional section and may be left out of a small
 * UDP response without setting TC (RFC 2181 9); everything before them is required.
 * RRsets owned by {@code subject} take the query name when rendered, which is how a wildcard
 * (RFC 4592) answer gets the asked name as its owner.
 */
record AnswerSpec(int rcode, boolean authoritative, Name subject, List<RRset> answer, List<RRset> authority,
        List<RRset> additional, List<RRset> optional) {
    AnswerSpec {
        answer = List.copyOf(answer);
        authority = List.copyOf(authority);
        additional = List.copyOf(additional);
        optional = List.copyOf(optional);
    }
}
