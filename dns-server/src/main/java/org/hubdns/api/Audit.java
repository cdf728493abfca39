package org.hubdns.api;

import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.hubdns.cluster.model.AuditEntry;
import org.hubdns.cluster.store.AuditLog;
import org.hubdns.cluster.store.Kind;
import org.hubdns.cluster.store.Registry;
import org.hubdns.cluster.store.Stored;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every change an API request makes to the registry in the audit trail ({@link AuditLog}).
 * A request's work runs {@link #recorded} on its worker thread; the registry tells of each write it
 * accepts ({@link Registry#onWrite}) on that same thread, so every write of every route is caught
 * in one place, with who made it, and writes no request made (start-up, demo data, compaction)
 * are not. Entries are written before the response is sent, also when the request fails after
 * some of its writes were accepted.
 */
public final class Audit {
    private static final Logger LOG = LoggerFactory.getLogger(Audit.class);
    /** Where {@link Auth} leaves the caller in the routing context, for routes that write later. */
    static final String CALLER = "hubdns.caller";
    private static final ThreadLocal<List<AuditEntry>> WRITES = new ThreadLocal<>();

    private final AuditLog log;

    public Audit(Registry registry) {
        this.log = registry.auditLog();
        registry.onWrite(Audit::written);
    }

    private static void written(Kind kind, String key, Stored before, Stored after) {
        List<AuditEntry> writes = WRITES.get();
        if (writes == null) {
            return;
        }
        boolean existed = before != null && !before.deleted();
        String change = after.deleted() ? "delete" : existed ? "update" : "create";
        writes.add(new AuditEntry(null, null, null, null, null, null, null, null, null, kind.mapName(), key, change,
                before == null ? null : before.version(), after.version()));
    }

    /** Runs {@code work} for the request {@code ctx} made by {@code who}, recording the writes it makes. */
    <T> T recorded(RoutingContext ctx, Caller who, Callable<T> work) throws Exception {
        List<AuditEntry> writes = new ArrayList<>(2);
        List<AuditEntry> outer = WRITES.get();
        WRITES.set(writes);
        try {
            return work.call();
        } finally {
            WRITES.set(outer);
            for (AuditEntry w : writes) {
                record(ctx, who, w);
            }
        }
    }

    /** As {@link #recorded}, for the caller {@link Auth} left in {@code ctx} (streamed uploads). */
    <T> T recorded(RoutingContext ctx, Callable<T> work) throws Exception {
        Caller who = ctx.get(CALLER);
        return who == null ? work.call() : recorded(ctx, who, work);
    }

    private void record(RoutingContext ctx, Caller who, AuditEntry w) {
        String client = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
        AuditEntry e = new AuditEntry(null, null, null, who.actor(),
                who instanceof Caller.PartnerCaller p ? p.name() : null, who.tokenId(), client,
                ctx.request().method().name(), ctx.request().path(), w.kind(), w.key(), w.change(), w.versionBefore(),
                w.versionAfter());
        try {
            log.append(e);
        } catch (RuntimeException ex) {
            // the change itself was accepted: losing its record must not turn the answer into an error
            LOG.error("audit entry for {} {} ({} '{}' by {}) could not be recorded: {}", e.method(), e.path(),
                    e.kind(), e.key(), e.actor(), ex.toString());
        }
    }
}
