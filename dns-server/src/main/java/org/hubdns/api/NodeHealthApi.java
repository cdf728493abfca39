package org.hubdns.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Supplier;
import org.hubdns.cluster.store.Registry;
import org.hubdns.snapshot.Snapshot;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.Health;
import org.hubdns.cluster.store.Json;
import org.hubdns.health.HealthChange;
import org.hubdns.health.HealthChecker;
import org.hubdns.health.NodeHealth;
import org.hubdns.health.ProbeStats;
import org.hubdns.steering.PlatformSteering;

/**
 * The health checker's routes: {@code POST /v1/nodes/{id}/load} (a partner's load report),
 * {@code GET /v1/nodes/{id}/health} (the node's health with each prober's verdict and last probe)
 * and {@code GET /v1/health/nodes} (the operator's list of every node, per-platform serving state
 * and recent changes).
 */
public final class NodeHealthApi implements Routes {
    private final Supplier<HealthChecker> health;
    private final Supplier<Registry> registry;
    private final Supplier<Snapshot> snapshot;
    private final int probeMinIntervalMs;
    private volatile RegistryService service;

    /**
     * @param health the health checker, null until this member has joined
     * @param registry the joined registry, null until then
     * @param probeMinIntervalMs the probe interval a node's check defaults to ({@code --probe-min-interval})
     */
    public NodeHealthApi(Supplier<HealthChecker> health, Supplier<Registry> registry, Supplier<Snapshot> snapshot,
            int probeMinIntervalMs) {
        this.health = health;
        this.registry = registry;
        this.snapshot = snapshot;
        this.probeMinIntervalMs = probeMinIntervalMs;
    }

    /** Once the registry service runs: the routes look nodes up (and check the caller's access) through it. */
    public void activate(RegistryService service) {
        this.service = service;
    }

    @Override
    public void mount(Router r, RegistryApi api) {
        BodyHandler json = BodyHandler.create(false).setBodyLimit(RegistryApi.JSON_LIMIT);
        r.post("/v1/nodes/:id/load").handler(json).handler(RegistryApi.contentType("application/json"))
                .handler(ctx -> api.run(ctx, (c, who) -> {
                    CacheNode n = node(c.pathParam("id"), who);
                    JsonObject body = RegistryApi.body(c);
                    Fields f = Fields.of(body, "load");
                    if (body.getValue("load") instanceof Number x && x.doubleValue() > 1) {
                        // 72 meant as percent would take the node out as full: say what the unit is
                        throw ApiException.invalid("load", "'load' is the fraction of the node's capacity in use, "
                                + "from 0 to 1 (0.72, not 72); got " + x);
                    }
                    double load = f.number("load", 0, 1);
                    long at = health.get().recordLoad(n.id(), load);
                    return RegistryApi.Reply.ok(new JsonObject().put("id", n.id()).put("load", load)
                            .put("reportedAt", Instant.ofEpochMilli(at).toString())
                            .put("countsForMs", 3L * n.check().withDefaults(probeMinIntervalMs).intervalMs()));
                }));
        r.get("/v1/nodes/:id/health").handler(ctx -> api.run(ctx, (c, who) -> {
            CacheNode n = node(c.pathParam("id"), who);
            HealthChecker h = health.get();
            NodeHealth nh = h.health(n.id());
            JsonObject out = new JsonObject().put("id", n.id()).put("platform", n.platform()).put("site", n.site())
                    .put("admin", n.admin()).put("health", (nh == null ? h.of(n).health() : nh.health()).wire())
                    .put("check", JsonObject.mapFrom(n.check().withDefaults(probeMinIntervalMs)));
            if (nh != null) {
                verdict(out, nh);
            }
            out.put("probersPerNode", h.probersPerNode());
            out.put("probers", new JsonArray(n.check().probed() ? h.proberDetail(n.id()) : java.util.List.of()));
            return RegistryApi.Reply.ok(out);
        }));
        r.get("/v1/health/nodes").handler(ctx -> api.run(ctx, (c, who) -> {
            Auth.requireOperator(who);
            return RegistryApi.Reply.ok(overview());
        }));
    }

    private CacheNode node(String id, org.hubdns.api.Caller who) {
        RegistryService s = service;
        return Json.read(s.node(id, who).body(), CacheNode.class);
    }

    /** How the health was reached: votes, load, and since when (both routes show the same). */
    private static JsonObject verdict(JsonObject o, NodeHealth nh) {
        if (nh.sinceMillis() > 0) {
            o.put("since", Instant.ofEpochMilli(nh.sinceMillis()).toString());
        }
        return o.put("votes", new JsonObject().put(Health.UP.wire(), nh.up()).put(Health.DOWN.wire(), nh.down()))
                .put("load", load(nh));
    }

    private static JsonObject load(NodeHealth nh) {
        JsonObject o = new JsonObject().put("value", nh.load()).put("counting", nh.loadCounting());
        if (nh.loadReportedAtMillis() > 0) {
            o.put("reportedAt", Instant.ofEpochMilli(nh.loadReportedAtMillis()).toString());
        }
        return o;
    }

    private JsonObject overview() {
        HealthChecker h = health.get();
        Map<String, CacheNode> nodes = registry.get().view().nodes();
        JsonArray list = new JsonArray();
        nodes.values().stream().sorted(Comparator.comparing(CacheNode::platform).thenComparing(CacheNode::site)
                .thenComparing(CacheNode::id)).forEach(n -> {
                    NodeHealth nh = h.health(n.id());
                    JsonObject o = new JsonObject().put("id", n.id()).put("partner", n.partner())
                            .put("platform", n.platform()).put("site", n.site()).put("admin", n.admin())
                            .put("check", n.check().type())
                            .put("health", (nh == null ? h.of(n).health() : nh.health()).wire());
                    if (nh != null) {
                        verdict(o, nh).put("probers", new JsonArray(nh.probers()));
                    }
                    list.add(o);
                });
        JsonObject platforms = new JsonObject();
        snapshot.get().platforms().values().stream()
                .sorted(Comparator.comparing(p -> p.platform().name())).forEach(p -> platforms.put(p.platform().name(),
                        platform(p)));
        JsonArray changes = new JsonArray();
        for (HealthChange c : h.recentChanges()) {
            changes.add(new JsonObject().put("at", Instant.ofEpochMilli(c.atMillis()).toString()).put("node", c.node())
                    .put("platform", c.platform()).put("site", c.site()).put("from", c.from().wire())
                    .put("to", c.to().wire())
                    .put(Health.UP.wire(), c.up()).put(Health.DOWN.wire(), c.down()));
        }
        ProbeStats st = h.stats();
        JsonObject probing = new JsonObject().put("members", registry.get().members())
                .put("probersPerNode", h.probersPerNode()).put("localDuties", h.localDuties())
                .put("probes", new JsonObject().put("ok", st.ok()).put("failed", st.failed())
                        .put("timedOut", st.timedOut()));
        return new JsonObject().put("nodes", list).put("platforms", platforms).put("changes", changes)
                .put("probing", probing);
    }

    private static JsonObject platform(PlatformSteering p) {
        long serving = p.statuses().stream().filter(PlatformSteering.NodeStatus::inAnswers).count();
        JsonObject byHealth = new JsonObject();
        p.statuses().forEach(s -> byHealth.put(s.health().wire(), byHealth.getInteger(s.health().wire(), 0) + 1));
        return new JsonObject().put("nodes", p.statuses().size()).put("serving", serving)
                .put("health", byHealth)
                .put("answer", serving > 0 ? "nodes" : p.statuses().isEmpty() ? "fallback (no nodes)" : "fallback");
    }
}
