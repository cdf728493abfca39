package org.hubdns.dns.answer;

/**
 * The seam for names whose answers are computed per query (steered platform hostnames). The query
 * pipeline keeps everything else: parsing, EDNS, ECS echo, cookies, truncation and the static
 * negative answers. Implementations run on an event loop for every query: no locks, no blocking,
 * no cluster calls; read only immutable data.
 */
public interface DynamicAnswers {
    /** Returned by {@link #answer} to fall back to the name's zone data (NODATA when it has none). */
    int USE_ZONE_DATA = -1;

    /**
     * Writes the answer RRset for {@code qtype} into {@code sink}.
     *
     * @return the ECS scope prefix length the answer is valid for (0: any client), or
     *     {@link #USE_ZONE_DATA}
     */
    int answer(int qtype, ClientSubnet client, AnswerSink sink);
}
