package org.hubdns.api;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.Health;
import org.hubdns.cluster.model.NodeState;
import org.hubdns.cluster.model.Platform;
import org.hubdns.cluster.model.Site;
import org.hubdns.cluster.store.ClusterMember;
import org.hubdns.cluster.store.Registry;
import org.hubdns.cluster.store.RegistryView;
import org.hubdns.snapshot.Snapshot;
import org.hubdns.health.HealthChange;
import org.hubdns.health.HealthChecker;
import org.hubdns.health.NodeHealth;
import org.hubdns.health.ProbeStats;
import org.hubdns.server.metrics.Traffic;
import org.hubdns.steering.Located;
import org.hubdns.steering.PlatformSteering;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's live dashboard: {@code GET /} (one HTML page from the jar), its script and style
 * ({@code GET /dashboard/app.js}, {@code GET /dashboard/app.css}) and the JSON the page polls every
 * two seconds, {@code GET /v1/dashboard}: this member's view of the cluster's members, platforms
 * (serving state and the share of answers kept in the country), sites with their nodes' health,
 * admin state and load, this member's traffic, and recent health changes.
 *
 * <p>All of it is read-only and needs no token. It carries no token, token hash or cookie secret:
 * only names, states and counters (the operator binds the HTTP port to a network they trust).
 */
public final class DashboardApi implements Routes {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardApi.class);
    /** The page's resources: route path to class-path resource and content type. */
    private static final Map<String, String[]> ASSETS = Map.of(
            "/", new String[] {"/dashboard/index.html", "text/html; charset=utf-8"},
            "/dashboard/app.js", new String[] {"/dashboard/app.js", "text/javascript; charset=utf-8"},
            "/dashboard/app.css", new String[] {"/dashboard/app.css", "text/css; charset=utf-8"});
    /** Only this origin's script and style, no inline code, no framing. */
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    /** The most health changes sent (the checker keeps more; the page shows a screenful). */
    static final int CHANGES = 50;

    private final Vertx vertx;
    private final MemberStatus status;
    private final Supplier<Snapshot> snapshot;
    private final Supplier<Registry> registry;
    private final Supplier<HealthChecker> health;
    private final Supplier<JsonObject> traffic;
    private final Map<String, Buffer> assets = new HashMap<>();
    private volatile Supplier<Map<String, org.hubdns.feed.FeedState>> feeds = Map::of;

    /**
     * @param registry the joined registry, null while this member joins
     * @param health the health checker, null while this member joins
     * @param traffic this member's traffic figures ({@link Traffic#dashboard()})
     */
    public DashboardApi(Vertx vertx, MemberStatus status, Supplier<Snapshot> snapshot, Supplier<Registry> registry,
            Supplier<HealthChecker> health, Supplier<JsonObject> traffic) {
        this.vertx = vertx;
        this.status = status;
        this.snapshot = snapshot;
        this.registry = registry;
        this.health = health;
        this.traffic = traffic;
        for (Map.Entry<String, String[]> e : ASSETS.entrySet()) {
            try (InputStream in = DashboardApi.class.getResourceAsStream(e.getValue()[0])) {
                if (in != null) {
                    assets.put(e.getKey(), Buffer.buffer(in.readAllBytes()));
                }
            } catch (IOException ex) {
                LOG.warn("dashboard resource {} unreadable: {}", e.getValue()[0], ex.toString());
            }
        }
    }

    /** Shows the coverage feeds as this member serves them. */
    public DashboardApi withFeeds(Supplier<Map<String, org.hubdns.feed.FeedState>> feeds) {
        this.feeds = feeds;
        return this;
    }

    @Override
    public void mount(Router r, RegistryApi api) {
        for (String path : new java.util.TreeSet<>(ASSETS.keySet())) {
            r.get(path).handler(ctx -> asset(ctx, path));
        }
        r.get("/v1/dashboard").handler(this::dashboard);
    }

    private void asset(RoutingContext ctx, String path) {
        Buffer body = assets.get(path);
        if (body == null) {
            Problem.send(ctx, 500, "Internal Server Error", "the dashboard is missing from the jar");
            return;
        }
        ctx.response().putHeader("Content-Type", ASSETS.get(path)[1])
                .putHeader("Cache-Control", "no-cache") // a new jar's page is picked up at once
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Content-Security-Policy", CSP)
                .putHeader("Referrer-Policy", "no-referrer")
                .end(body);
    }

    private void dashboard(RoutingContext ctx) {
        // the member list is a cluster call: off the event loop
        vertx.executeBlocking(this::build, false).onComplete(r -> {
            if (r.failed()) {
                LOG.debug("dashboard failed", r.cause());
                Problem.send(ctx, 500, "Internal Server Error", "the dashboard data could not be built: "
                        + r.cause().getMessage());
                return;
            }
            JsonObject body = r.result();
            ctx.response().setStatusCode("serving".equals(body.getString("status")) ? 200 : 503)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .end(body.encode());
        });
    }

    /** The whole document (blocking: reads the cluster's member list). */
    JsonObject build() {
        return build(traffic);
    }

    /** As {@link #build()}, with the traffic counters in {@link Traffic#dashboard()}'s shape from {@code traffic}. */
    public JsonObject build(Supplier<JsonObject> trafficSource) {
        String notReady = status.notReady();
        Registry registry = this.registry.get();
        HealthChecker health = this.health.get();
        Snapshot snapshot = this.snapshot.get();
        JsonObject out = new JsonObject()
                .put("status", notReady == null ? "serving" : "starting")
                .put("generatedAt", Instant.now().toString())
                .put("member", new JsonObject()
                        .put("id", registry == null ? null : registry.memberId())
                        .put("http", status.httpAddress())
                        .put("uptimeSeconds", status.uptimeSeconds())
                        .put("snapshotVersion", snapshot.generation())
                        .put("registryVersion", snapshot.viewSequence()));
        if (notReady != null) {
            out.put("reason", notReady);
        }
        if (registry == null || health == null || notReady != null) {
            return out.put("members", new JsonArray()).put("platforms", new JsonArray()).put("sites", new JsonArray())
                    .put("traffic", new JsonObject()).put("changes", new JsonArray()).put("feeds", new JsonArray());
        }
        RegistryView view = registry.view();
        JsonObject traffic = trafficSource.get();
        out.put("members", members(registry));
        out.put("traffic", new JsonObject().put("qps", traffic.getValue("qps"))
                .put("latencyMs", traffic.getValue("latencyMs")).put("queries", traffic.getValue("queries"))
                .put("rcodes", traffic.getValue("rcodes")));
        out.put("platforms", platforms(view, snapshot, traffic));
        out.put("sites", sites(view, snapshot, health, traffic));
        out.put("changes", changes(health));
        out.put("feeds", feeds(registry));
        ProbeStats st = health.stats();
        out.put("probing", new JsonObject().put("probersPerNode", health.probersPerNode())
                .put("localDuties", health.localDuties())
                .put("probes", new JsonObject().put("ok", st.ok()).put("failed", st.failed())
                        .put("timedOut", st.timedOut())));
        return out;
    }

    /** Each coverage feed: its routes, announcers (seen and placed at a site), age and whether it is stale. */
    private JsonArray feeds(Registry registry) {
        JsonArray out = new JsonArray();
        Map<String, org.hubdns.feed.FeedState> states = feeds.get();
        long now = System.currentTimeMillis();
        new TreeMap<>(registry.feeds()).forEach((name, f) -> {
            org.hubdns.feed.FeedState st = states.get(name);
            JsonObject o = new JsonObject().put("name", name).put("staleAfterS", f.config().staleAfterS());
            if (st == null) {
                out.add(o.put("loading", true));
                return;
            }
            out.add(o.put("routesV4", st.routesV4()).put("routesV6", st.routesV6())
                    .put("peers", st.peers().size())
                    .put("peersPlaced", st.peers().stream().filter(p -> p.site() != null).count())
                    .put("ageSeconds", st.lastUpdateMillis() == 0 ? null : Math.max(0, (now - st.lastUpdateMillis()) / 1000))
                    .put("stale", st.stale()).put("skippedLines", st.skippedLines()));
        });
        return out;
    }

    /** Every live member: its cluster address, its HTTP address and GeoIP database as it published them. */
    private static JsonArray members(Registry registry) {
        Map<String, String> infos;
        try {
            infos = registry.memberInfos();
        } catch (RuntimeException e) {
            infos = Map.of();
        }
        JsonArray list = new JsonArray();
        for (ClusterMember m : registry.memberList()) {
            String id = m.id();
            JsonObject o = new JsonObject().put("id", id)
                    .put("cluster", m.host() + ":" + m.port())
                    .put("local", m.local());
            String info = infos.get(id);
            if (info != null) {
                try {
                    JsonObject i = new JsonObject(info);
                    o.put("http", i.getString("http"));
                    JsonObject geo = i.getJsonObject("geoip");
                    if (geo != null) {
                        o.put("geoip", new JsonObject().put("type", geo.getString("type"))
                                .put("buildDate", geo.getString("buildDate")));
                    }
                } catch (RuntimeException e) {
                    // a member publishing something else: show it without the details
                }
            }
            list.add(o);
        }
        return list;
    }

    private static JsonArray platforms(RegistryView view, Snapshot snapshot, JsonObject traffic) {
        JsonObject answers = traffic.getJsonObject("answers", new JsonObject());
        JsonObject fallbacks = traffic.getJsonObject("fallbacks", new JsonObject());
        JsonObject located = traffic.getJsonObject("located", new JsonObject());
        JsonObject clients = traffic.getJsonObject("clients", new JsonObject());
        JsonArray list = new JsonArray();
        view.platforms().values().stream().sorted(Comparator.comparing(Platform::name)).forEach(p -> {
            PlatformSteering steering = snapshot.platforms().get(p.name());
            List<PlatformSteering.NodeStatus> statuses = steering == null ? List.of() : steering.statuses();
            long serving = statuses.stream().filter(PlatformSteering.NodeStatus::inAnswers).count();
            JsonObject byHealth = new JsonObject();
            for (Health h : Health.values()) {
                byHealth.put(h.wire(), 0);
            }
            statuses.forEach(s -> byHealth.put(s.health().wire(), byHealth.getInteger(s.health().wire(), 0) + 1));
            long draining = statuses.stream().filter(s -> CacheNode.DRAINING.equals(s.admin())).count();
            JsonObject perSite = new JsonObject();
            long toNodes = 0;
            JsonObject mine = answers.getJsonObject(p.name(), new JsonObject());
            for (String site : new java.util.TreeSet<>(mine.fieldNames())) {
                long n = ((Number) mine.getValue(site)).longValue();
                perSite.put(site, n);
                toNodes += n;
            }
            long fell = fallbacks.getValue(p.name()) instanceof Number n ? n.longValue() : 0;
            JsonObject fallback = new JsonObject();
            if (p.fallback() != null && p.fallback().cname() != null) {
                fallback.put("cname", p.fallback().cname());
            }
            if (p.fallback() != null && p.fallback().addresses() != null) {
                fallback.put("addresses", new JsonArray(p.fallback().addresses()));
            }
            JsonObject o = new JsonObject();
            list.add(o);
            o.put("name", p.name()).put("hostnames", new JsonArray(p.hostnames()))
                    .put("ttl", p.ttl()).put("answersPerQuery", p.answers()).put("defaultSite", p.defaultSite())
                    .put("fallback", fallback)
                    .put("answer", serving > 0 ? "nodes" : statuses.isEmpty() ? "fallback (no nodes)" : "fallback")
                    .put("nodes", statuses.size()).put("serving", serving).put("draining", draining)
                    .put("health", byHealth)
                    .put("answers", perSite).put("answered", toNodes).put("fallbacks", fell)
                    .put("serveCountries", p.serveCountries() == null ? null : new JsonArray(p.serveCountries()))
                    .put("answerUnlocated", p.effectiveAnswerUnlocated().wire())
                    .put("geoipMaxRadiusKm", p.effectiveGeoipMaxRadiusKm());
            JsonObject mine2 = clients.getJsonObject(p.name(), new JsonObject());
            long inLocal = count(mine2, "in_country", "local");
            long inAll = inLocal + count(mine2, "in_country", "fallback");
            long foreignLocal = count(mine2, "foreign", "local");
            long foreignAll = foreignLocal + count(mine2, "foreign", "fallback");
            long unlocatedAll = count(mine2, "unlocated", "local") + count(mine2, "unlocated", "fallback");
            // the share an exchange reports as "kept in the country": of the in-country clients' answers,
            // those from local nodes. Foreign clients are shown beside it, never in it.
            o.put("localShare", inAll == 0 ? null : (double) inLocal / inAll)
                    .put("clients", new JsonObject()
                            .put("inCountry", new JsonObject().put("answers", inAll).put("local", inLocal))
                            .put("foreign", new JsonObject().put("answers", foreignAll).put("local", foreignLocal))
                            .put("unlocated", new JsonObject().put("answers", unlocatedAll)));
            JsonObject byMethod = located.getJsonObject(p.name(), new JsonObject());
            long methodTotal = 0;
            for (String m : byMethod.fieldNames()) {
                methodTotal += ((Number) byMethod.getValue(m)).longValue();
            }
            JsonObject shares = new JsonObject();
            for (Located.Source m : Located.Source.values()) {
                long n = byMethod.getValue(m.wire()) instanceof Number x ? x.longValue() : 0;
                shares.put(m.wire(), new JsonObject().put("answers", n)
                        .put("share", methodTotal == 0 ? null : (double) n / methodTotal));
            }
            o.put("located", shares);
        });
        return list;
    }

    private static long count(JsonObject byClient, String client, String answer) {
        JsonObject a = byClient.getJsonObject(client);
        return a != null && a.getValue(answer) instanceof Number n ? n.longValue() : 0;
    }

    private static JsonArray sites(RegistryView view, Snapshot snapshot, HealthChecker health, JsonObject traffic) {
        Map<String, PlatformSteering.NodeStatus> verdicts = new HashMap<>();
        snapshot.platforms().values().forEach(p -> p.statuses().forEach(s -> verdicts.put(s.id(), s)));
        Map<String, JsonObject> sites = new TreeMap<>();
        for (Site s : view.sites().values()) {
            sites.put(s.name(), new JsonObject().put("name", s.name()).put("city", s.city())
                    .put("country", s.country()).put("nodes", new JsonArray()));
        }
        view.nodes().values().stream().sorted(Comparator.comparing(CacheNode::site).thenComparing(CacheNode::platform)
                .thenComparing(CacheNode::id)).forEach(n -> {
                    JsonObject site = sites.computeIfAbsent(n.site(), name -> new JsonObject().put("name", name)
                            .put("missing", true).put("nodes", new JsonArray()));
                    NodeHealth nh = health.health(n.id());
                    NodeState state = health.of(n);
                    PlatformSteering.NodeStatus st = verdicts.get(n.id());
                    JsonObject o = new JsonObject().put("id", n.id()).put("platform", n.platform())
                            .put("partner", n.partner()).put("addresses", new JsonArray(n.addresses()))
                            .put("weight", n.weight()).put("check", n.check().type())
                            .put("health", (nh == null ? state.health() : nh.health()).wire())
                            .put("admin", n.admin())
                            .put("load", st == null ? state.load() : st.load())
                            .put("verdict", st == null ? "out: its platform is not served" : st.candidacy().text())
                            // typed, so that the page need not read the verdict's words
                            .put("inAnswers", st != null && st.inAnswers());
                    if (nh != null && n.check().probed()) {
                        o.put("votes", new JsonObject().put(Health.UP.wire(), nh.up())
                                .put(Health.DOWN.wire(), nh.down()));
                    }
                    if (nh != null && nh.sinceMillis() > 0) {
                        o.put("since", Instant.ofEpochMilli(nh.sinceMillis()).toString());
                    }
                    site.getJsonArray("nodes").add(o);
                });
        JsonObject answers = traffic.getJsonObject("answers", new JsonObject());
        JsonArray list = new JsonArray();
        sites.values().forEach(s -> {
            long total = 0;
            JsonObject perPlatform = new JsonObject();
            for (String platform : new java.util.TreeSet<>(answers.fieldNames())) {
                Object v = answers.getJsonObject(platform).getValue(s.getString("name"));
                if (v instanceof Number n) {
                    perPlatform.put(platform, n.longValue());
                    total += n.longValue();
                }
            }
            list.add(s.put("answers", total).put("answersByPlatform", perPlatform));
        });
        return list;
    }

    private static JsonArray changes(HealthChecker health) {
        JsonArray out = new JsonArray();
        for (HealthChange c : health.recentChanges()) {
            if (out.size() == CHANGES) {
                break;
            }
            out.add(new JsonObject().put("at", Instant.ofEpochMilli(c.atMillis()).toString()).put("node", c.node())
                    .put("platform", c.platform()).put("site", c.site()).put("from", c.from().wire())
                    .put("to", c.to().wire()));
        }
        return out;
    }
}
