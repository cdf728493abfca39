package org.hubdns.api;

import io.vertx.ext.web.RoutingContext;
import org.hubdns.cluster.model.Partner;
import org.hubdns.cluster.store.Kind;
import org.hubdns.cluster.store.Registry;

/**
 * Tells the operator from partners by bearer token. The admin token's hash is one for the whole
 * cluster ({@link AdminTokens}); partners' hashes are in the registry. Comparisons are constant-time.
 */
public final class Auth {
    private final Registry registry;
    private final String adminSha256;

    public Auth(Registry registry, String adminSha256) {
        this.registry = registry;
        this.adminSha256 = adminSha256;
    }

    /** Blocking on a miss (asks the cluster for partners created a moment ago on another member). */
    public Caller authenticate(RoutingContext ctx) {
        String h = ctx.request().getHeader("Authorization");
        String token = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).strip() : null;
        if (token == null || token.isEmpty()) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"hubdns\"");
            throw ApiException.unauthorized(AuthFailure.MISSING, "send a token as 'Authorization: Bearer <token>': the admin "
                    + "token (HUBDNS_ADMIN_TOKEN, --admin-token-file or <data-dir>/admin.token) or your partner token");
        }
        String hash = Tokens.sha256(token);
        if (Tokens.sameHash(hash, adminSha256)) {
            return new Caller.Operator();
        }
        String found = match(hash, registry.view().partners().values());
        if (found != null) {
            // the view lags rotations and deletions by a moment: confirm with the cluster's copy
            Partner current = registry.read(Kind.PARTNERS, found, Partner.class);
            if (current == null || !Tokens.sameHash(hash, current.tokenSha256())) {
                found = null;
            }
        }
        if (found == null) {
            found = match(hash, registry.readAll(Kind.PARTNERS, Partner.class));
        }
        if (found == null) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"hubdns\", error=\"invalid_token\"");
            throw ApiException.unauthorized(AuthFailure.INVALID, "the bearer token is neither the admin token nor a partner's "
                    + "current token (a rotated token stops working at once)");
        }
        return new Caller.PartnerCaller(found);
    }

    /** Without blocking: true for the admin token; 401 for no or an unknown token, 403 for a partner's. */
    boolean isOperator(RoutingContext ctx) {
        String h = ctx.request().getHeader("Authorization");
        String token = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).strip() : null;
        if (token != null && !token.isEmpty() && Tokens.sameHash(Tokens.sha256(token), adminSha256)) {
            return true;
        }
        if (token != null && !token.isEmpty() && match(Tokens.sha256(token), registry.view().partners().values()) != null) {
            requireOperator(new Caller.PartnerCaller("?"));
        }
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"hubdns\"" + (token == null ? "" : ", error=\"invalid_token\""));
        throw ApiException.unauthorized(token == null || token.isEmpty() ? AuthFailure.MISSING : AuthFailure.INVALID,
                "this needs the admin token as 'Authorization: Bearer <token>'");
    }

    private static String match(String hash, Iterable<Partner> partners) {
        String found = null;
        for (Partner p : partners) {
            // no early exit: the time taken does not depend on which partner matched
            if (Tokens.sameHash(hash, p.tokenSha256())) {
                found = p.name();
            }
        }
        return found;
    }

    public static Caller.Operator requireOperator(Caller c) {
        if (c instanceof Caller.Operator o) {
            return o;
        }
        throw new ApiException(403, "Forbidden", "this needs the admin token; partner tokens manage only their "
                + "own cache nodes", null);
    }
}
