package org.hubdns.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.hubdns.cluster.model.StoredZone;
import org.hubdns.cluster.store.Kind;
import org.hubdns.cluster.store.Registry;
import org.hubdns.dns.zone.ZoneContent;
import org.hubdns.dnssec.Dnssec;
import org.hubdns.dnssec.DnssecAlgorithm;
import org.hubdns.dnssec.KeyState;
import org.hubdns.dnssec.Rollover;
import org.hubdns.dnssec.ZoneKey;
import org.hubdns.dnssec.ZoneSigning;
import org.hubdns.snapshot.Snapshot;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * {@code PUT/GET /v1/zones/{name}/dnssec} and {@code POST /v1/zones/{name}/dnssec/rollover}: a
 * zone's signing settings and keys. Keys are generated here, on the member taking the request, and
 * kept in the cluster's secrets; responses show key tags, states and the DS records for the
 * parent, never key material.
 */
public final class DnssecApi implements Routes {
    private static final Set<String> FIELDS = Set.of("enabled", "algorithm");

    private final Supplier<Snapshot> snapshot;
    private final Supplier<Registry> registry;

    public DnssecApi(Supplier<Snapshot> snapshot, Supplier<Registry> registry) {
        this.snapshot = snapshot;
        this.registry = registry;
    }

    @Override
    public void mount(Router router, RegistryApi api) {
        BodyHandler json = BodyHandler.create(false).setBodyLimit(RegistryApi.JSON_LIMIT);
        router.get("/v1/zones/:name/dnssec").handler(ctx -> api.run(ctx, (c, who) ->
                RegistryApi.Reply.ok(describe(zone(c.pathParam("name"))))));
        router.put("/v1/zones/:name/dnssec").handler(json).handler(RegistryApi.contentType("application/json"))
                .handler(ctx -> api.run(ctx, (c, who) -> {
                    Auth.requireOperator(who);
                    String apex = zone(c.pathParam("name"));
                    JsonObject body = RegistryApi.body(c);
                    for (String f : body.fieldNames()) {
                        if (!FIELDS.contains(f)) {
                            throw ApiException.badRequest(f, "unknown field '" + f + "'; a DNSSEC setting has "
                                    + "'enabled' (true or false) and 'algorithm' (ECDSAP256SHA256 or ED25519)");
                        }
                    }
                    if (!(body.getValue("enabled") instanceof Boolean enabled)) {
                        throw ApiException.badRequest("enabled", "'enabled' must be true or false");
                    }
                    Object a = body.getValue("algorithm", DnssecAlgorithm.ECDSAP256SHA256.name());
                    DnssecAlgorithm algorithm = algorithm(a);
                    write(apex, enabled, algorithm);
                    return RegistryApi.Reply.ok(describe(apex));
                }));
        router.post("/v1/zones/:name/dnssec/rollover").handler(ctx -> api.run(ctx, (c, who) -> {
            Auth.requireOperator(who);
            String apex = zone(c.pathParam("name"));
            rollover(apex);
            return new RegistryApi.Reply(202, describe(apex), java.util.Map.of());
        }));
    }

    private static DnssecAlgorithm algorithm(Object a) {
        if (a instanceof String s) {
            for (DnssecAlgorithm d : DnssecAlgorithm.values()) {
                if (d.name().equals(s)) {
                    return d;
                }
            }
        }
        throw ApiException.invalid("algorithm", "'algorithm' must be ECDSAP256SHA256 or ED25519, not " + a);
    }

    /** The zone's apex ("example.com."), 404 when the cluster has no such zone. */
    private String zone(String name) {
        String apex = Fields.hostname("name", name) + ".";
        if (registry.get().read(Kind.ZONES, apex, StoredZone.class) == null) {
            throw ApiException.notFound("no zone " + apex + "; upload it with PUT /v1/zones/" + name + " first");
        }
        return apex;
    }

    private ZoneSigning current(String apex) {
        Kind.Secret s = registry.get().read(Kind.SECRETS, ZoneSigning.secretKey(apex), Kind.Secret.class);
        return s == null ? null : ZoneSigning.decode(s.value());
    }

    private synchronized void write(String apex, boolean enabled, DnssecAlgorithm algorithm) throws Exception {
        Registry r = registry.get();
        ZoneSigning now = current(apex);
        if (!enabled) {
            if (now != null) {
                r.delete(Kind.SECRETS, ZoneSigning.secretKey(apex)); // the keys go: signatures stop at once
                awaitSnapshot(r);
            }
            return;
        }
        if (now != null && now.enabled()) {
            if (!now.algorithm().equals(algorithm.name())) {
                throw ApiException.conflict("zone " + apex + " is signed with " + now.algorithm() + "; changing "
                        + "the algorithm needs an algorithm rollover, which hubdns does not do: remove the DS at the "
                        + "parent, turn DNSSEC off, wait for the DS TTL, then turn it on with " + algorithm.name());
            }
            return;
        }
        Name origin = Name.fromString(apex);
        long t = System.currentTimeMillis();
        ZoneKey key = ZoneKey.generate(origin, algorithm, t, t);
        r.put(Kind.SECRETS, ZoneSigning.secretKey(apex), new Kind.Secret(
                new ZoneSigning(true, algorithm.name(), List.of(key)).encode()));
        awaitSnapshot(r);
    }

    private synchronized void rollover(String apex) throws Exception {
        Registry r = registry.get();
        ZoneSigning s = current(apex);
        if (s == null || !s.enabled()) {
            throw ApiException.conflict("zone " + apex + " is not signed; turn DNSSEC on with PUT /v1/zones/"
                    + apex + "dnssec first");
        }
        long t = System.currentTimeMillis();
        String refusal = Rollover.refusal(s.keys(), t);
        if (refusal != null) {
            throw ApiException.conflict(refusal);
        }
        ZoneContent z = content(apex);
        long soaTtl = z == null ? 3600 : z.soa().getTTL();
        long maxTtl = 0;
        if (z != null) {
            for (Record rec : z.records()) {
                maxTtl = Math.max(maxTtl, rec.getTTL());
            }
        }
        for (org.hubdns.steering.PlatformSteering p : snapshot.get().platforms().values()) {
            maxTtl = Math.max(maxTtl, p.platform().ttl());
        }
        Rollover.Plan plan = Rollover.plan(t, Math.min(3600, soaTtl), maxTtl, snapshot.get().signed().timings()
                .rollover());
        ZoneKey fresh = ZoneKey.generate(Name.fromString(apex), DnssecAlgorithm.valueOf(s.algorithm()), t,
                plan.activate());
        r.put(Kind.SECRETS, ZoneSigning.secretKey(apex), new Kind.Secret(new ZoneSigning(true, s.algorithm(),
                Rollover.start(s.keys(), fresh, plan, t)).encode()));
        awaitSnapshot(r);
    }

    private ZoneContent content(String apex) {
        for (ZoneContent z : snapshot.get().zones().zones()) {
            if (z.apex().toString().equals(apex)) {
                return z;
            }
        }
        return null;
    }

    /** Until this member's snapshot holds the write (5 s at most): a DO=1 query right after sees it. */
    private void awaitSnapshot(Registry r) throws InterruptedException {
        long mark = r.changeMark();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (snapshot.get().viewSequence() < mark && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private JsonObject describe(String apex) throws Exception {
        ZoneSigning s = current(apex);
        JsonObject out = new JsonObject().put("zone", apex).put("enabled", s != null && s.enabled());
        if (s == null || !s.enabled()) {
            return out.put("keys", new JsonArray()).put("ds", new JsonArray());
        }
        out.put("algorithm", s.algorithm());
        long t = System.currentTimeMillis();
        Name origin = Name.fromString(apex);
        ZoneContent z = content(apex);
        long keyTtl = Math.min(3600, z == null ? 3600 : z.soa().getTTL());
        JsonArray keys = new JsonArray();
        JsonArray ds = new JsonArray();
        JsonArray dnskeys = new JsonArray();
        for (ZoneKey k : s.keys()) {
            KeyState st = k.stateAt(t);
            if (st == KeyState.REMOVED) {
                continue;
            }
            JsonObject key = new JsonObject().put("tag", k.tag())
                    .put("algorithm", DnssecAlgorithm.of(k.algorithm()).name()).put("role", k.role())
                    .put("state", st.text()).put("created", Instant.ofEpochMilli(k.created()).toString())
                    .put("activate", Instant.ofEpochMilli(k.activate()).toString());
            if (k.retire() != null) {
                key.put("retire", Instant.ofEpochMilli(k.retire()).toString());
            }
            if (k.remove() != null) {
                key.put("remove", Instant.ofEpochMilli(k.remove()).toString());
            }
            keys.add(key);
            DNSKEYRecord dnskey = k.dnskey(origin, keyTtl);
            dnskeys.add(dnskey.toString());
            if (st == KeyState.ACTIVE || st == KeyState.PUBLISHED) {
                ds.add(new DSRecord(origin, DClass.IN, keyTtl, DNSSEC.Digest.SHA256, dnskey).toString());
            }
        }
        out.put("keys", keys).put("ds", ds).put("dnskeys", dnskeys);
        long next = Rollover.nextChange(s.keys(), t);
        if (next != Long.MAX_VALUE) {
            out.put("rollover", new JsonObject().put("inProgress", true)
                    .put("nextStep", Instant.ofEpochMilli(next).toString()));
        } else {
            out.put("rollover", new JsonObject().put("inProgress", false));
        }
        Dnssec.Timings timings = snapshot.get().signed().timings();
        JsonObject sig = new JsonObject().put("validitySeconds", timings.validity().toSeconds())
                .put("refreshSeconds", timings.refresh().toSeconds());
        Dnssec.Report rep = snapshot.get().signed().reports().get(apex);
        if (rep != null) {
            sig.put("signedAt", Instant.ofEpochMilli(rep.signedAt()).toString())
                    .put("soonestExpiry", Instant.ofEpochMilli(rep.soonestExpiry()).toString())
                    .put("nextRefresh", Instant.ofEpochMilli(rep.nextRefresh()).toString())
                    .put("platformSets", rep.platformSets()).put("allPlatformSetsSigned", rep.enumeratedAll());
        }
        return out.put("signatures", sig);
    }
}
