package org.hubdns.dns.answer;

import org.hubdns.dns.zone.ZoneContent;

/** A zone as the query path sees it: its content (for listings) and its NXDOMAIN answer. */
final class CompiledZone {
    final ZoneContent content;
    AnswerPlan nxdomain;

    CompiledZone(ZoneContent content) {
        this.content = content;
    }
}
