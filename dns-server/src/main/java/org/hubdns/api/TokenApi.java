package org.hubdns.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hubdns.cluster.model.OperatorToken;
import org.hubdns.cluster.model.Partner;
import org.hubdns.cluster.model.PartnerToken;
import org.hubdns.cluster.store.Conflict;
import org.hubdns.cluster.store.Kind;
import org.hubdns.cluster.store.Registry;

/**
 * Tokens besides the cluster's admin token. A partner's: several at once, made by the operator or
 * the partner itself ({@code /v1/partners/{name}/tokens}). Named operator tokens with a role
 * ({@code /v1/operators/tokens}), managed by admin tokens only. A value is shown once, in the
 * answer that made it; listings show ids, times and lastUsed, never a value or its hash.
 */
final class TokenApi implements Routes {
    /** How many named operator tokens the cluster keeps at most. */
    static final int MAX_OPERATOR_TOKENS = 1000;

    @Override
    public void mount(Router router, RegistryApi api) {
        BodyHandler json = BodyHandler.create(false).setBodyLimit(RegistryApi.JSON_LIMIT);
        String partnerTokens = "/v1/partners/:name/tokens";
        router.post(partnerTokens).handler(json).handler(ctx -> api.run(ctx, (c, who) -> {
            String name = ownPartner(who, c.pathParam("name"));
            JsonObject body = optionalBody(c);
            Fields f = Fields.of(body, "expiresAt");
            Long expiresAt = expiresAt(f);
            RegistryService.IssuedToken t = api.service().addPartnerToken(name, expiresAt);
            return new RegistryApi.Reply(201, issued(t), Map.of("Location", "/v1/partners/" + name + "/tokens/" + t.id()));
        }));
        router.get(partnerTokens).handler(ctx -> api.run(ctx, (c, who) -> {
            String name = ownPartner(who, c.pathParam("name"));
            Partner p = api.service().registry().read(Kind.PARTNERS, name, Partner.class);
            if (p == null) {
                throw ApiException.notFound("no partner '" + name + "'");
            }
            List<PartnerToken> tokens = p.allTokens();
            Map<String, Long> used = api.auth().lastUsed(ids(tokens.stream().map(PartnerToken::id).toList()));
            JsonArray out = new JsonArray();
            tokens.forEach(t -> out.add(listed(t.id(), t.created(), t.expiresAt(), used.get(t.id()))));
            return RegistryApi.Reply.ok(out);
        }));
        router.delete(partnerTokens + "/:id").handler(ctx -> api.run(ctx, (c, who) -> {
            String name = ownPartner(who, c.pathParam("name"));
            api.service().revokePartnerToken(name, c.pathParam("id"));
            return RegistryApi.Reply.noContent();
        }));

        String operatorTokens = "/v1/operators/tokens";
        router.post(operatorTokens).handler(json).handler(RegistryApi.contentType("application/json"))
                .handler(ctx -> api.run(ctx, (c, who) -> {
                    Auth.requireAdmin(who);
                    Fields f = Fields.of(RegistryApi.body(c), "name", "role", "expiresAt");
                    String name = Fields.name("operator token", f.string("name", 63));
                    String role = f.string("role", 16);
                    if (!role.equals(OperatorToken.ADMIN) && !role.equals(OperatorToken.READ_ONLY)) {
                        throw ApiException.invalid("role", "'role' must be admin or read-only, not '" + role + "'");
                    }
                    Long expiresAt = expiresAt(f);
                    Registry registry = api.service().registry();
                    if (registry.liveKeys(Kind.OPERATOR_TOKENS).size() >= MAX_OPERATOR_TOKENS) {
                        throw ApiException.conflict("the cluster already holds " + MAX_OPERATOR_TOKENS
                                + " operator tokens; revoke unused ones first (DELETE /v1/operators/tokens/{id})");
                    }
                    String token = Tokens.generate();
                    OperatorToken t = new OperatorToken(Tokens.newId(), name, role, Tokens.sha256(token),
                            System.currentTimeMillis(), expiresAt);
                    try {
                        registry.create(Kind.OPERATOR_TOKENS, t.id(), t);
                    } catch (Conflict e) {
                        throw new IllegalStateException("token id " + t.id() + " drawn twice", e);
                    }
                    JsonObject out = issued(new RegistryService.IssuedToken(t.id(), token, expiresAt))
                            .put("name", name).put("role", role);
                    return new RegistryApi.Reply(201, out, Map.of("Location", operatorTokens + "/" + t.id()));
                }));
        router.get(operatorTokens).handler(ctx -> api.run(ctx, (c, who) -> {
            Auth.requireOperator(who);
            List<OperatorToken> tokens = api.service().registry().readAll(Kind.OPERATOR_TOKENS, OperatorToken.class)
                    .stream().sorted(Comparator.comparing(OperatorToken::name).thenComparing(OperatorToken::id)).toList();
            Map<String, Long> used = api.auth().lastUsed(ids(tokens.stream().map(OperatorToken::id).toList()));
            JsonArray out = new JsonArray();
            tokens.forEach(t -> out.add(listed(t.id(), t.created(), t.expiresAt(), used.get(t.id()))
                    .put("name", t.name()).put("role", t.role())));
            return RegistryApi.Reply.ok(out);
        }));
        router.delete(operatorTokens + "/:id").handler(ctx -> api.run(ctx, (c, who) -> {
            Auth.requireAdmin(who);
            if (api.service().registry().delete(Kind.OPERATOR_TOKENS, c.pathParam("id")) == null) {
                throw ApiException.notFound("no operator token '" + c.pathParam("id") + "' (GET " + operatorTokens
                        + " lists them)");
            }
            return RegistryApi.Reply.noContent();
        }));
    }

    /** The partner in the path, when the caller is an operator or that partner (404 otherwise, as for nodes). */
    private static String ownPartner(Caller who, String name) {
        if (!who.owns(name)) {
            throw ApiException.notFound("no partner '" + name + "'");
        }
        return name;
    }

    /** The body is optional here: no body (or {}) makes a token that never expires. */
    private static JsonObject optionalBody(io.vertx.ext.web.RoutingContext c) {
        io.vertx.core.buffer.Buffer b = c.body() == null ? null : c.body().buffer();
        if (b == null || b.length() == 0) {
            return new JsonObject();
        }
        String ct = c.request().getHeader("Content-Type");
        if (ct == null || !ct.split(";", 2)[0].strip().equalsIgnoreCase("application/json")) {
            throw new ApiException(415, "Unsupported Media Type", "send the body as application/json"
                    + (ct == null ? " (the Content-Type header is missing)" : ", not " + ct), "Content-Type");
        }
        return RegistryApi.body(c);
    }

    /** {@code expiresAt}: an RFC 3339 time in the future, or absent/null for never. */
    private static Long expiresAt(Fields f) {
        String v = f.has("expiresAt") ? f.string("expiresAt", 64) : null;
        if (v == null) {
            return null;
        }
        Instant at;
        try {
            at = Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("expiresAt", "'expiresAt' must be an RFC 3339 time in UTC such as "
                    + "2027-01-31T00:00:00Z, not '" + v + "'");
        }
        if (!at.isAfter(Instant.now())) {
            throw ApiException.invalid("expiresAt", "'expiresAt' (" + v + ") is not in the future; give a later "
                    + "time, or leave it out for a token that does not expire");
        }
        return at.toEpochMilli();
    }

    private static JsonObject issued(RegistryService.IssuedToken t) {
        return new JsonObject().put("id", t.id()).put("token", t.token()).put("expiresAt", time(t.expiresAt()));
    }

    private static JsonObject listed(String id, Long created, Long expiresAt, Long lastUsed) {
        return new JsonObject().put("id", id).put("created", time(created)).put("expiresAt", time(expiresAt))
                .put("lastUsed", time(lastUsed));
    }

    private static String time(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).toString();
    }

    private static Set<String> ids(List<String> ids) {
        return new HashSet<>(ids);
    }
}
