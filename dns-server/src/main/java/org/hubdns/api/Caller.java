package org.hubdns.api;

/** Who sent an authenticated request: the operator (admin token) or one partner (its own token). */
public sealed interface Caller {
    record Operator() implements Caller {
    }

    record PartnerCaller(String name) implements Caller {
    }

    /** Whether this caller may act on what {@code partner} owns. */
    default boolean owns(String partner) {
        return this instanceof Operator || this instanceof PartnerCaller p && p.name().equals(partner);
    }
}
