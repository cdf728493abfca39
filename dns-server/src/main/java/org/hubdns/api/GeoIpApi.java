package org.hubdns.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.Supplier;
import org.hubdns.cluster.store.DatasetMeta;
import org.hubdns.cluster.store.Registry;
import org.hubdns.geo.GeoIpDatabase;
import org.hubdns.geo.GeoIpDataset;
import org.hubdns.geo.InvalidGeoIpException;

/**
 * {@code PUT /v1/geoip} (replace the cluster's database; validated before anything is stored) and
 * {@code GET /v1/geoip} (the cluster's database and what each member serves). The dataset itself is
 * {@link GeoIpDataset}.
 */
public final class GeoIpApi implements Routes {
    static final long MAX_BYTES = 200L << 20;

    private final Supplier<Registry> registry;

    /** @param registry the joined registry (routes are refused by {@link RegistryApi#run} until it is active) */
    public GeoIpApi(Supplier<Registry> registry) {
        this.registry = registry;
    }

    @Override
    public void mount(Router router, RegistryApi api) {
        // a route of its own first: the token is checked before up to 200 MiB of body is read
        router.put("/v1/geoip").handler(ctx -> {
            if (api.operatorOrRefuse(ctx)) {
                ctx.next();
            }
        });
        // the router's own 413 names the JSON and zone limits; this route's is its own
        router.put("/v1/geoip").failureHandler(ctx -> {
            if (ctx.statusCode() == 413) {
                Problem.send(ctx, 413, "Content Too Large", "a GeoIP database upload is limited to "
                        + (MAX_BYTES >> 20) + " MiB; the current database keeps serving");
            } else {
                ctx.next();
            }
        });
        router.put("/v1/geoip").handler(BodyHandler.create(false).setBodyLimit(MAX_BYTES))
                .handler(RegistryApi.contentType("application/octet-stream"))
                .handler(ctx -> api.run(ctx, (c, who) -> {
                    Auth.requireOperator(who);
                    byte[] bytes = c.body() == null || c.body().buffer() == null ? new byte[0]
                            : c.body().buffer().getBytes();
                    GeoIpDatabase db;
                    try {
                        db = GeoIpDatabase.open(bytes);
                    } catch (InvalidGeoIpException e) {
                        throw ApiException.invalid(null, e.getMessage() + "; the current database keeps serving");
                    }
                    try (db) {
                        DatasetMeta meta = registry.get().putDataset(GeoIpDataset.NAME, bytes, GeoIpDataset.info(db),
                                null);
                        return RegistryApi.Reply.ok(metaJson(meta));
                    }
                }));
        router.get("/v1/geoip").handler(ctx -> api.run(ctx, (c, who) -> {
            Registry r = registry.get();
            DatasetMeta meta = r.freshView().datasetMetas().get(GeoIpDataset.NAME);
            JsonArray members = new JsonArray();
            r.memberInfos().forEach((id, json) -> members.add(new JsonObject(json).put("member", id)));
            return RegistryApi.Reply.ok(new JsonObject().put("cluster", meta == null ? null : metaJson(meta))
                    .put("members", members));
        }));
    }

    private static JsonObject metaJson(DatasetMeta meta) {
        return new JsonObject().put("sha256", meta.sha256()).put("bytes", meta.bytes()).put("upload", meta.upload())
                .put("type", meta.info().get("type")).put("buildDate", meta.info().get("buildDate"))
                .put("buildEpoch", meta.info().get("buildEpoch"));
    }
}
