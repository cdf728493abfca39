package org.hubdns.server;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.hubdns.cluster.api.Auth;
import org.hubdns.cluster.api.RegistryApi;
import org.hubdns.cluster.store.Conflict;
import org.hubdns.cluster.store.DatasetFile;
import org.hubdns.cluster.store.DatasetMeta;
import org.hubdns.cluster.store.Registry;
import org.hubdns.cluster.store.RegistryView;
import org.hubdns.geo.GeoIpDatabase;
import org.hubdns.geo.GeoIpLocator;
import org.hubdns.geo.InvalidGeoIpException;
import org.hubdns.http.ApiException;
import org.hubdns.http.Problem;
import org.hubdns.steering.GeoLocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GeoIP database as cluster data: seeded by a member's {@code --geoip} (when the cluster has
 * none or an older build) or uploaded with {@code PUT /v1/geoip} (always replaces), validated,
 * kept as the chunked dataset {@value #DATASET}, written to every member's data dir and
 * memory-mapped there. {@code GET /v1/geoip} shows what each member serves.
 */
final class GeoIpData {
    static final String DATASET = "geoip";
    static final long MAX_BYTES = 200L << 20;
    private static final Logger LOG = LoggerFactory.getLogger(GeoIpData.class);

    private volatile Registry registry;
    private volatile Object published;
    private final java.util.function.Supplier<String> httpAddress;

    GeoIpData(java.util.function.Supplier<String> httpAddress) {
        this.httpAddress = httpAddress;
    }

    /** Opens and closes the file: a bad {@code --geoip} stops the start before anything is joined. */
    static void check(Path file) throws StartupException {
        try (GeoIpDatabase db = GeoIpDatabase.open(file)) {
            LOG.debug("--geoip {}: {} built {}", file, db.databaseType(), db.buildDate());
        } catch (InvalidGeoIpException e) {
            throw new StartupException("--geoip " + file + ": " + e.getMessage());
        }
    }

    /** The dataset decoder: memory-maps the member's copy (or reads the bytes when it has no file). */
    static Object decode(DatasetFile f) {
        try {
            GeoIpDatabase db = f.file() != null ? GeoIpDatabase.open(f.file()) : GeoIpDatabase.open(f.bytes());
            LOG.info("GeoIP database loaded: {} built {} ({} bytes, sha256 {})", db.databaseType(), db.buildDate(),
                    f.meta().bytes(), db.sha256().substring(0, 12));
            return new GeoIpLocator(db);
        } catch (InvalidGeoIpException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static GeoLocator locator(RegistryView view) {
        return view.dataset(DATASET, GeoLocator.class, GeoLocator.NONE);
    }

    static Map<String, Object> info(GeoIpDatabase db) {
        return Map.of("buildEpoch", db.buildEpochSeconds(), "buildDate", db.buildDate(), "type", db.databaseType());
    }

    void attach(Registry registry) {
        this.registry = registry;
        publish(registry.view());
    }

    /** Called with every view: tells the cluster when this member starts serving another database. */
    void publish(RegistryView view) {
        Registry r = registry;
        GeoLocator now = locator(view);
        if (r == null || now == published) {
            return;
        }
        published = now;
        JsonObject me = new JsonObject().put("http", httpAddress.get());
        if (now instanceof GeoIpLocator g) {
            GeoIpDatabase db = g.database();
            me.put("geoip", new JsonObject().put("sha256", db.sha256()).put("type", db.databaseType())
                    .put("buildDate", db.buildDate()));
        }
        try {
            r.publishMemberInfo(me.encode());
        } catch (RuntimeException e) {
            LOG.debug("member info not published: {}", e.toString());
        }
    }

    /** {@code --geoip FILE}: validated; seeds the cluster only when it has no database or an older build. */
    void seed(Path file) throws StartupException {
        GeoIpDatabase db;
        try {
            db = GeoIpDatabase.open(file);
        } catch (InvalidGeoIpException e) {
            throw new StartupException("--geoip " + file + ": " + e.getMessage());
        }
        try (db) {
            DatasetMeta current = registry.view().datasetMetas().get(DATASET);
            long epoch = current == null || !(current.info().get("buildEpoch") instanceof Number n) ? -1 : n.longValue();
            if (current != null && epoch >= db.buildEpochSeconds()) {
                LOG.info("--geoip {} (built {}) not loaded: the cluster already serves a database built {}", file,
                        db.buildDate(), current.info().get("buildDate"));
                return;
            }
            registry.putDataset(DATASET, Files.readAllBytes(file), info(db), current == null ? 0L : current.upload());
            LOG.info("--geoip {}: {} built {} now served by the cluster", file, db.databaseType(), db.buildDate());
        } catch (Conflict e) {
            LOG.info("--geoip {} not loaded: another member replaced the cluster's database meanwhile", file);
        } catch (IOException e) {
            throw new StartupException("--geoip " + file + ": cannot read it: " + e.getMessage(), e);
        }
    }

    void mount(Router router, RegistryApi api) {
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
                        DatasetMeta meta = registry.putDataset(DATASET, bytes, info(db), null);
                        return RegistryApi.Reply.ok(metaJson(meta));
                    }
                }));
        router.get("/v1/geoip").handler(ctx -> api.run(ctx, (c, who) -> {
            DatasetMeta meta = registry.freshView().datasetMetas().get(DATASET);
            JsonArray members = new JsonArray();
            registry.memberInfos().forEach((id, json) -> members.add(new JsonObject(json).put("member", id)));
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
