package org.hubdns.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.hubdns.cluster.model.AuditEntry;
import org.hubdns.cluster.store.AuditLog;
import org.hubdns.cluster.store.Kind;

/**
 * {@code GET /v1/audit}: the audit trail, newest first, from this member's copy. Operators see
 * every entry; a partner only those it made. {@code before} (an entry's id) pages back.
 */
final class AuditApi implements Routes {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    /** How long a query waits for a member that has just joined to copy the trail. */
    private static final long RESTORE_WAIT_MS = 10_000;
    private static final Set<String> PARAMS = Set.of("since", "until", "kind", "actor", "partner", "limit", "before");
    private static final Pattern ID = Pattern.compile("a-[0-9a-f]{16}-[0-9a-f]{8}");
    private static final Set<String> KINDS = Arrays.stream(Kind.values()).map(Kind::mapName)
            .collect(Collectors.toUnmodifiableSet());

    @Override
    public void mount(Router router, RegistryApi api) {
        router.get("/v1/audit").handler(ctx -> api.run(ctx, (c, who) -> list(c, who, api)));
    }

    /** One page of a query, as parsed and checked from the request. */
    record Query(Long since, Long until, String kind, String actor, String partner, int limit, String before) {
    }

    static Query query(RoutingContext c) {
        for (String name : c.queryParams().names()) {
            if (!PARAMS.contains(name)) {
                throw ApiException.badRequest(name, "unknown parameter '" + name + "'; allowed: "
                        + String.join(", ", PARAMS.stream().sorted().toList()));
            }
        }
        Long since = time(c, "since");
        Long until = time(c, "until");
        if (since != null && until != null && since > until) {
            throw ApiException.badRequest("since", "'since' is after 'until'; swap them");
        }
        String kind = c.queryParams().get("kind");
        if (kind != null && !KINDS.contains(kind)) {
            throw ApiException.badRequest("kind", "'kind' must be one of " + String.join(", ",
                    KINDS.stream().sorted().toList()) + ", not '" + kind + "'");
        }
        String limitText = c.queryParams().get("limit");
        int limit = DEFAULT_LIMIT;
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw ApiException.badRequest("limit", "'limit' must be a whole number from 1 to " + MAX_LIMIT
                        + ", not '" + limitText + "'");
            }
        }
        String before = c.queryParams().get("before");
        if (before != null && !ID.matcher(before).matches()) {
            throw ApiException.badRequest("before", "'before' must be an entry's id (like a-0005f1c2d3e4f5a6-1a2b3c4d, "
                    + "the 'id' of the last entry of the previous page), not '" + before + "'");
        }
        return new Query(since, until, kind, blankless(c, "actor"), blankless(c, "partner"), limit, before);
    }

    private static RegistryApi.Reply list(RoutingContext c, Caller who, RegistryApi api) {
        Query q = query(c);
        String partner = q.partner();
        if (who instanceof Caller.PartnerCaller p) {
            if (partner != null && !partner.equals(p.name())) {
                throw new ApiException(403, "Forbidden", "a partner token sees only its own partner's entries; leave "
                        + "out 'partner' or give '" + p.name() + "'", "partner");
            }
            partner = p.name();
        }
        String onlyPartner = partner;
        Predicate<AuditEntry> filter = e -> (q.kind() == null || q.kind().equals(e.kind()))
                && (q.actor() == null || q.actor().equals(e.actor()))
                && (onlyPartner == null || onlyPartner.equals(e.partner()));
        // ids sort by time: until bounds where to start, since where to stop
        String before = q.before();
        if (q.until() != null) {
            String untilBound = AuditLog.idAt(q.until() + 1);
            before = before == null || untilBound.compareTo(before) < 0 ? untilBound : before;
        }
        String from = q.since() == null ? null : AuditLog.idAt(q.since());
        AuditLog log = api.service().registry().auditLog();
        try {
            if (!log.awaitRestored(RESTORE_WAIT_MS)) {
                throw new ApiException(503, "Service Unavailable", "this member is still copying the audit trail "
                        + "from the cluster (it has just joined); retry in a moment or ask another member", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "Service Unavailable", "this member is shutting down; ask another member", null);
        }
        List<AuditEntry> page = log.newest(before, from, filter, q.limit());
        JsonArray entries = new JsonArray();
        page.forEach(e -> entries.add(JsonObject.mapFrom(e)));
        JsonObject out = new JsonObject().put("entries", entries)
                .put("next", page.size() == q.limit() ? page.get(page.size() - 1).id() : null);
        return RegistryApi.Reply.ok(out);
    }

    private static Long time(RoutingContext c, String name) {
        String v = c.queryParams().get(name);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name, "'" + name + "' must be an RFC 3339 time in UTC such as "
                    + "2026-12-06T11:00:00Z, not '" + v + "'");
        }
    }

    private static String blankless(RoutingContext c, String name) {
        String v = c.queryParams().get(name);
        if (v != null && v.isBlank()) {
            throw ApiException.badRequest(name, "'" + name + "' is empty; leave it out or give a value");
        }
        return v;
    }
}
