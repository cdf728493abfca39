package org.hubdns.dns.answer;

import org.xbill.DNS.Name;

/** Where a {@link DynamicAnswers} writes its records; the owner is always the query name. */
public interface AnswerSink {
    /** An A (4 bytes) or AAAA (16 bytes) record. */
    void address(byte[] address, long ttl);

    /** A CNAME to {@code target} (for example a platform's global origin). */
    void alias(Name target, long ttl);
}
