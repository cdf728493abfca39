package org.hubdns.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.hubdns.cluster.store.DatasetMeta;
import org.hubdns.cluster.store.Registry;
import org.hubdns.geo.GeoIpDatabase;
import org.hubdns.geo.GeoIpDataset;
import org.hubdns.geo.InvalidGeoIpException;

/**
 * {@code PUT /v1/geoip} (replace the cluster's database: streamed to a temporary file, validated
 * from there before anything is stored, and stored from the file; one of the member's large-upload
 * slots while it lasts) and
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
        // streamed to a file, checked from there (memory-mapped, never in the heap), stored a chunk at a time
        router.put("/v1/geoip").handler(RegistryApi.contentType("application/octet-stream")).handler(ctx -> {
            ApiLimiter limiter = ApiLimiter.of(ctx);
            if (limiter != null && !limiter.acquireUpload(ctx)) {
                return;
            }
            UploadFile.receive(ctx.vertx(), ctx, "hubdns-geoip", MAX_BYTES, "a GeoIP database upload is limited to "
                    + (MAX_BYTES >> 20) + " MiB; the current database keeps serving",
                    (tmp, bytes) -> ctx.vertx().executeBlocking(() -> api.audited(ctx, () -> store(tmp, bytes)), false).onComplete(r -> {
                        UploadFile.delete(tmp);
                        if (r.succeeded()) {
                            RegistryApi.send(ctx, RegistryApi.Reply.ok(r.result()));
                        } else {
                            RegistryApi.fail(ctx, r.cause());
                        }
                    }));
        });
        router.get("/v1/geoip").handler(ctx -> api.run(ctx, (c, who) -> {
            Registry r = registry.get();
            DatasetMeta meta = r.freshView().datasetMetas().get(GeoIpDataset.NAME);
            JsonArray members = new JsonArray();
            r.memberInfos().forEach((id, json) -> members.add(new JsonObject(json).put("member", id)));
            return RegistryApi.Reply.ok(new JsonObject().put("cluster", meta == null ? null : metaJson(meta))
                    .put("members", members));
        }));
    }

    /** Validates the uploaded file and makes it the cluster's database; nothing is stored if it is not one. */
    private JsonObject store(Path tmp, long bytes) throws Exception {
        Map<String, Object> info;
        try (GeoIpDatabase db = GeoIpDatabase.open(tmp)) {
            info = GeoIpDataset.info(db);
        } catch (InvalidGeoIpException e) {
            throw ApiException.invalid(null, e.getMessage().replace(tmp.toString(), "the uploaded file (" + bytes
                    + " bytes)") + "; the current database keeps serving");
        }
        return metaJson(registry.get().putDatasetFile(GeoIpDataset.NAME, tmp, info, null));
    }

    private static JsonObject metaJson(DatasetMeta meta) {
        return new JsonObject().put("sha256", meta.sha256()).put("bytes", meta.bytes()).put("upload", meta.upload())
                .put("type", meta.info().get("type")).put("buildDate", meta.info().get("buildDate"))
                .put("buildEpoch", meta.info().get("buildEpoch"));
    }
}
