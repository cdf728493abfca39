package org.hubdns.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.util.Locale;
import java.util.function.Supplier;
import io.vertx.ext.web.Router;
import org.hubdns.cluster.store.RegistryView;
import org.hubdns.cluster.coverage.Cidr;
import org.hubdns.cluster.coverage.CoverageSet;
import org.hubdns.cluster.coverage.CoverageDataset;
import org.hubdns.snapshot.Snapshot;
import org.hubdns.dns.answer.AnswerSink;
import org.hubdns.dns.answer.ClientSubnet;
import org.hubdns.dns.answer.DynamicAnswers;
import org.hubdns.cluster.feed.FeedPlacement;
import org.hubdns.steering.ClientClass;
import org.hubdns.steering.Located;
import org.hubdns.steering.PlatformSteering;
import org.hubdns.steering.Trace;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * {@code GET /v1/explain?name=&type=&client=[&ecs=]}: runs the steering decision of the current
 * snapshot for a made-up query, through the very method the DNS path calls, and reports every step.
 */
public final class ExplainApi implements Routes {
    private final Supplier<Snapshot> snapshot;
    private final Supplier<RegistryView> view;

    /** @param view the registry's current view (for the coverage zone the client falls in) */
    public ExplainApi(Supplier<Snapshot> snapshot, Supplier<RegistryView> view) {
        this.snapshot = snapshot;
        this.view = view;
    }

    @Override
    public void mount(Router router, RegistryApi api) {
        router.get("/v1/explain").handler(ctx -> api.run(ctx, this::explain));
    }

    private RegistryApi.Reply explain(RoutingContext ctx, Caller who) {
        Auth.requireOperator(who);
        String name = required(ctx, "name").toLowerCase(Locale.ROOT);
        String host = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        String typeText = ctx.queryParams().get("type") == null ? "A" : ctx.queryParams().get("type").toUpperCase(Locale.ROOT);
        int qtype = Type.value(typeText);
        if (qtype != Type.A && qtype != Type.AAAA) {
            throw ApiException.badRequest("type", "type must be A or AAAA, not '" + typeText + "'");
        }
        byte[] source;
        try {
            source = Cidr.parseAddress(required(ctx, "client"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("client", "'client' must be an IPv4 or IPv6 address: " + e.getMessage());
        }
        return RegistryApi.Reply.ok(explain(this.snapshot.get(), CoverageDataset.current(view.get()), host, typeText,
                qtype, ctx.queryParams().get("client"), source, ctx.queryParams().get("ecs")));
    }

    /**
     * The decision for one made-up query, as {@code GET /v1/explain} shows it (the handler's work
     * after the query parameters are read; package-private so that a placement no API can make yet
     * can be explained in-process).
     */
    static JsonObject explain(Snapshot snapshot, CoverageSet coverage, String host, String typeText, int qtype,
            String clientText, byte[] source, String ecs) {
        PlatformSteering steering = null;
        for (PlatformSteering p : snapshot.platforms().values()) {
            if (p.platform().hostnames().contains(host)) {
                steering = p;
            }
        }
        if (steering == null) {
            throw ApiException.notFound("'" + host + "' is not a hostname of any platform; steering explains only "
                    + "platform hostnames (GET /v1/platforms lists them)");
        }
        ClientSubnet client = new ClientSubnet();
        if (ecs != null) {
            Cidr c;
            try {
                c = Cidr.parse(ecs.strip());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("ecs", e.getMessage());
            }
            byte[] a = c.address();
            if (c.prefix() == 0) {
                client.set(source.length == 4 ? 1 : 2, source, source.length, source.length * 8, false);
            } else {
                client.set(a.length == 4 ? 1 : 2, a, a.length, c.prefix(), true);
            }
        } else {
            client.set(source.length == 4 ? 1 : 2, source, source.length, source.length * 8, false);
        }
        Recorder sink = new Recorder();
        Collector trace = new Collector();
        int scope = steering.decide(qtype, client, sink, trace);

        JsonObject out = new JsonObject()
                .put("name", host).put("type", typeText).put("client", clientText)
                .put("platform", steering.platform().name())
                .put("snapshotVersion", snapshot.generation());
        if (ecs != null) {
            out.put("ecs", ecs.strip());
        }
        JsonObject located = trace.located;
        if (!coverage.isEmpty()) {
            CoverageSet.Match m = coverage.match(java.util.Arrays.copyOf(client.address(), client.addressLength()));
            if (m != null) {
                located.put("coverageZone", new JsonObject().put("cidr", m.cidr()).put("site", m.site()));
            }
        }
        if (Located.Source.GEOIP_COARSE.wire().equals(located.getString("method"))) {
            int max = steering.platform().effectiveGeoipMaxRadiusKm();
            located.put("coarse", located.getString("city") == null
                    ? "the GeoIP record has no city (a country-level guess): it places the client only in its country"
                    : "the GeoIP record's accuracy radius of " + located.getInteger("accuracyRadiusKm") + " km is above "
                            + "the platform's geoipMaxRadiusKm of " + max + ": it places the client only in its country");
        }
        out.put("located", located);
        out.put("sites", trace.sites);
        JsonArray nodes = new JsonArray();
        for (PlatformSteering.NodeStatus st : steering.statuses()) {
            nodes.add(new JsonObject().put("id", st.id()).put("site", st.site()).put("admin", st.admin())
                    .put("health", st.health().wire()).put("load", st.load()).put("weight", st.weight())
                    .put("effectiveWeight", st.effectiveWeight()).put("verdict", st.candidacy().text()));
        }
        out.put("nodes", nodes);
        out.put("ranking", trace.ranking);
        JsonObject answer = new JsonObject().put("ttl", steering.platform().ttl());
        if (scope == DynamicAnswers.USE_ZONE_DATA) {
            answer.put("rcode", "NOERROR").put("records", new JsonArray()).put("note", "NODATA (or the zone's own data)");
        } else {
            answer.put("records", sink.records);
            answer.put("ecsScope", client.fromEcs() ? scope : null);
        }
        answer.put("outcome", trace.outcome);
        out.put("answer", answer);
        return out;
    }

    private static String required(RoutingContext ctx, String p) {
        String v = ctx.queryParams().get(p);
        if (v == null || v.isBlank()) {
            throw ApiException.badRequest(p, "the query parameter '" + p + "' is required");
        }
        return v.strip();
    }

    private static final class Recorder implements AnswerSink {
        final JsonArray records = new JsonArray();

        @Override
        public void address(byte[] address, long ttl) {
            try {
                records.add(io.netty.util.NetUtil.toAddressString(InetAddress.getByAddress(address)));
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void alias(Name target, long ttl) {
            records.add("CNAME " + target);
        }
    }

    private static final class Collector implements Trace {
        JsonObject located = new JsonObject();
        final JsonArray sites = new JsonArray();
        final JsonArray ranking = new JsonArray();
        String outcome;

        @Override
        public void located(Located where, int family, int sourcePrefix, int affinityPrefix) {
            located.put("by", where.source.wire()).put("method", where.source.wire())
                    .put("family", family == 1 ? "IPv4" : "IPv6")
                    .put("sourcePrefix", sourcePrefix)
                    .put("affinityPrefix", affinityPrefix)
                    .put("prefixLength", where.prefixLength);
            if (where.hasCoordinates) {
                located.put("latitude", where.latitude).put("longitude", where.longitude);
            }
            located.put("country", where.country).put("subdivision", where.subdivision).put("city", where.city);
            if (where.accuracyRadiusKm >= 0) {
                located.put("accuracyRadiusKm", where.accuracyRadiusKm);
            }
            if (where.feedSites != null) {
                located.put("feedSites", new JsonArray(java.util.List.of(where.feedSites)));
            }
        }

        @Override
        public void client(ClientClass who, String country, boolean served) {
            located.put("client", who.wire()).put("countryServed", country == null ? null : served);
        }

        @Override
        public void placedByFeed(FeedPlacement.Evidence e) {
            if (e == null) {
                return;
            }
            JsonObject route = new JsonObject().put("feed", e.feed()).put("prefix", e.prefix())
                    .put("announcerAs", e.announcerAs() == 0 ? null : e.announcerAs())
                    .put("announcerAddress", e.announcerAddress())
                    .put("asPath", e.asPath() == null ? new JsonArray() : new JsonArray(e.asPath()))
                    .put("sites", e.sites() == null ? new JsonArray() : new JsonArray(e.sites()));
            located.put("route", route);
        }

        @Override
        public void site(String site, double distanceKm, boolean sameCountry, double keep, String verdict) {
            JsonObject o = new JsonObject().put("site", site).put("keep", keep).put("verdict", verdict)
                    .put("sameCountry", sameCountry);
            if (distanceKm >= 0) {
                o.put("distanceKm", Math.round(distanceKm * 10) / 10.0);
            }
            sites.add(o);
        }

        @Override
        public void ranked(String site, String nodeId, double weight, double score, int rank, boolean picked) {
            ranking.add(new JsonObject().put("site", site).put("node", nodeId).put("weight", weight)
                    .put("score", score).put("rank", rank).put("picked", picked));
        }

        @Override
        public void outcome(String how, int scope) {
            outcome = how;
        }
    }
}
