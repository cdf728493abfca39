package org.hubdns.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hubdns.cluster.model.OperatorToken;
import org.hubdns.cluster.model.Partner;
import org.hubdns.cluster.model.PartnerToken;
import org.hubdns.cluster.store.Kind;
import org.hubdns.cluster.store.LiveMap;
import org.hubdns.cluster.store.Registry;

/**
 * Tells operators from partners by bearer token: the cluster's admin token ({@link AdminTokens}),
 * named operator tokens (their own registry map) and partners' tokens (in each {@link Partner}).
 * Only hashes are stored, compared in constant time. A token found in this member's view is
 * confirmed against the cluster's copy, so a revoked token stops working on every member at once.
 * Every 401 goes through {@link ApiException#unauthorized} with its {@link AuthFailure}.
 */
public final class Auth {
    /** The live-state map of when each token was last used (by id, epoch ms; not persisted). */
    public static final String LAST_USED = "token-last-used";
    /** lastUsed is coarse: one cluster write per token and member at most this often. */
    static final long LAST_USED_EVERY_MS = 60_000;

    private final Registry registry;
    private final String adminSha256;
    private final LiveMap<Long> lastUsed;
    private final Map<String, Long> touched = new ConcurrentHashMap<>();

    public Auth(Registry registry, String adminSha256) {
        this.registry = registry;
        this.adminSha256 = adminSha256;
        this.lastUsed = registry.liveMap(LAST_USED);
    }

    /** What a token matched: an operator token or a partner's, with the record it was found in. */
    private sealed interface Match {
        record Op(OperatorToken token) implements Match {
        }

        record Part(String partner, PartnerToken token) implements Match {
        }
    }

    /** Blocking on a miss (asks the cluster for tokens made a moment ago on another member). */
    public Caller authenticate(RoutingContext ctx) {
        String token = bearer(ctx);
        String hash = Tokens.sha256(token);
        if (Tokens.sameHash(hash, adminSha256)) {
            return refuseReadOnlyWrite(ctx, new Caller.Admin());
        }
        long now = System.currentTimeMillis();
        Match found = matchOperator(hash, registry.operatorTokens().values());
        if (found instanceof Match.Op op) {
            // the view lags revocations by a moment: confirm with the cluster's copy
            OperatorToken current = registry.read(Kind.OPERATOR_TOKENS, op.token().id(), OperatorToken.class);
            found = current != null && Tokens.sameHash(hash, current.sha256()) ? new Match.Op(current) : null;
        }
        if (found == null) {
            found = matchPartner(hash, registry.view().partners().values());
            if (found instanceof Match.Part p) {
                Partner current = registry.read(Kind.PARTNERS, p.partner(), Partner.class);
                found = current == null ? null : matchPartner(hash, java.util.List.of(current));
            }
        }
        if (found == null) {
            found = matchOperator(hash, registry.readAll(Kind.OPERATOR_TOKENS, OperatorToken.class));
        }
        if (found == null) {
            found = matchPartner(hash, registry.readAll(Kind.PARTNERS, Partner.class));
        }
        return refuseReadOnlyWrite(ctx, caller(ctx, found, now));
    }

    private Caller caller(RoutingContext ctx, Match found, long now) {
        if (found == null) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"hubdns\", error=\"invalid_token\"");
            throw ApiException.unauthorized(AuthFailure.INVALID, "the bearer token is neither the admin token nor a "
                    + "current operator or partner token (a revoked or rotated token stops working at once)");
        }
        String id;
        Long expiresAt;
        Caller caller;
        if (found instanceof Match.Op op) {
            id = op.token().id();
            expiresAt = op.token().expiresAt();
            caller = new Caller.OperatorCaller(id, op.token().name(), op.token().role());
        } else {
            Match.Part p = (Match.Part) found;
            id = p.token().id();
            expiresAt = p.token().expiresAt();
            caller = new Caller.PartnerCaller(p.partner(), id);
        }
        if (expiresAt != null && now >= expiresAt) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"hubdns\", error=\"invalid_token\"");
            throw ApiException.unauthorized(AuthFailure.EXPIRED, "token " + id + " expired at "
                    + java.time.Instant.ofEpochMilli(expiresAt) + "; use another token or ask for a new one ("
                    + (found instanceof Match.Op ? "POST /v1/operators/tokens" : "POST /v1/partners/{name}/tokens") + ")");
        }
        touch(id, now);
        return caller;
    }

    /** Records lastUsed without a cluster write per request: at most once a minute per token on this member. */
    private void touch(String id, long now) {
        Long before = touched.get(id);
        if (before == null || now - before >= LAST_USED_EVERY_MS) {
            touched.put(id, now);
            lastUsed.setAsync(id, now); // only started here: the write never delays the request
        }
    }

    /** When each of {@code ids} was last used (epoch ms), for those used since the cluster started. A network call. */
    Map<String, Long> lastUsed(java.util.Set<String> ids) {
        return lastUsed.getAll(ids);
    }

    /**
     * Without blocking (for routes that must refuse before reading a large body): the operator for
     * the admin token or an admin operator token in this member's view; otherwise 401 for no,
     * an unknown or an expired token, 403 for a read-only operator's or a partner's.
     */
    Caller.Operator operator(RoutingContext ctx) {
        String token = bearer(ctx);
        String hash = Tokens.sha256(token);
        if (Tokens.sameHash(hash, adminSha256)) {
            return new Caller.Admin();
        }
        Match found = matchOperator(hash, registry.operatorTokens().values());
        if (found == null) {
            found = matchPartner(hash, registry.view().partners().values());
        }
        Caller c = refuseReadOnlyWrite(ctx, caller(ctx, found, System.currentTimeMillis()));
        return requireOperator(c);
    }

    private static String bearer(RoutingContext ctx) {
        String h = ctx.request().getHeader("Authorization");
        String token = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).strip() : null;
        if (token == null || token.isEmpty()) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"hubdns\"");
            throw ApiException.unauthorized(AuthFailure.MISSING, "send a token as 'Authorization: Bearer <token>': the "
                    + "admin token (HUBDNS_ADMIN_TOKEN, --admin-token-file or <data-dir>/admin.token), an operator "
                    + "token or your partner token");
        }
        return token;
    }

    /** A read-only operator may read everything and change nothing: every method but GET and HEAD is a write. */
    private static Caller refuseReadOnlyWrite(RoutingContext ctx, Caller c) {
        ctx.put(Audit.CALLER, c);
        HttpMethod m = ctx.request().method();
        if (c instanceof Caller.Operator o && !o.admin() && !HttpMethod.GET.equals(m) && !HttpMethod.HEAD.equals(m)) {
            throw new ApiException(403, "Forbidden", "operator token " + c.tokenId() + " is read-only: it may read "
                    + "everything and change nothing; use an admin token for " + m + " " + ctx.request().path(), null);
        }
        return c;
    }

    private static Match matchOperator(String hash, Iterable<OperatorToken> tokens) {
        Match found = null;
        for (OperatorToken t : tokens) {
            // no early exit: the time taken does not depend on which token matched
            if (Tokens.sameHash(hash, t.sha256())) {
                found = new Match.Op(t);
            }
        }
        return found;
    }

    private static Match matchPartner(String hash, Iterable<Partner> partners) {
        Match found = null;
        for (Partner p : partners) {
            for (PartnerToken t : p.allTokens()) {
                if (Tokens.sameHash(hash, t.sha256())) {
                    found = new Match.Part(p.name(), t);
                }
            }
        }
        return found;
    }

    /** Any operator (a read-only one only reaches a route with GET or HEAD); 403 for a partner. */
    public static Caller.Operator requireOperator(Caller c) {
        if (c instanceof Caller.Operator o) {
            return o;
        }
        throw new ApiException(403, "Forbidden", "this needs an operator token; partner tokens manage only their "
                + "own cache nodes and tokens", null);
    }

    /** The cluster's admin token or an admin operator token: what manages operator tokens. */
    public static Caller.Operator requireAdmin(Caller c) {
        Caller.Operator o = requireOperator(c);
        if (!o.admin()) {
            throw new ApiException(403, "Forbidden", "this needs an admin token (the cluster's, or an operator token "
                    + "with role admin); operator token " + c.tokenId() + " is read-only", null);
        }
        return o;
    }
}
