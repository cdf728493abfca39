package org.hubdns.api;

import java.util.Locale;

/**
 * Why a request's authentication failed: the {@code reason} label of
 * {@code hubdns_api_auth_failures_total} and what the failed-authentication limit counts.
 */
public enum AuthFailure {
    /** No bearer token, or an empty one. */
    MISSING,
    /** A token that matches no admin, operator or partner token (including a revoked one). */
    INVALID,
    /** A token past its {@code expiresAt}. */
    EXPIRED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
