package org.hubdns.api;

import org.hubdns.cluster.model.OperatorToken;

/**
 * Who sent an authenticated request: an operator (the cluster's admin token, or a named operator
 * token with its role) or one partner (by one of its tokens). {@link Auth#requireOperator},
 * {@link Auth#requireAdmin} and {@link #owns} are the checks every route makes; a read-only
 * operator's writes never reach a route ({@link Auth#authenticate} refuses them).
 */
public sealed interface Caller {
    /** Any operator: may read everything. */
    sealed interface Operator extends Caller permits Admin, OperatorCaller {
        /** Whether this operator may change the registry and manage operator tokens. */
        boolean admin();
    }

    /** The cluster's admin token. */
    record Admin() implements Operator {
        @Override
        public boolean admin() {
            return true;
        }

        @Override
        public String actor() {
            return "admin";
        }

        @Override
        public String tokenId() {
            return null;
        }
    }

    /** A named operator token ({@code POST /v1/operators/tokens}). */
    record OperatorCaller(String tokenId, String name, String role) implements Operator {
        @Override
        public boolean admin() {
            return OperatorToken.ADMIN.equals(role);
        }

        @Override
        public String actor() {
            return tokenId;
        }
    }

    /** A partner, by one of its tokens (id null when unknown, as for the demo seeding). */
    record PartnerCaller(String name, String tokenId) implements Caller {
        public PartnerCaller(String name) {
            this(name, null);
        }

        @Override
        public String actor() {
            return name;
        }
    }

    /** Who the audit trail names: {@code admin}, an operator token's id, or a partner's name. */
    String actor();

    /** The id of the token used (null for the cluster's admin token). */
    String tokenId();

    /** Whether this caller may act on what {@code partner} owns. */
    default boolean owns(String partner) {
        return this instanceof Operator || this instanceof PartnerCaller p && p.name().equals(partner);
    }
}
