package org.hubdns.dns.transport;

import org.hubdns.dns.protocol.QueryProcessor;

/** Makes one {@link QueryProcessor} per event loop (they keep scratch state and are not thread-safe). */
@FunctionalInterface
public interface QueryProcessorFactory {
    QueryProcessor create();
}
