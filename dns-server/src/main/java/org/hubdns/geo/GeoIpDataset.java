package org.hubdns.geo;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.hubdns.cluster.store.Conflict;
import org.hubdns.cluster.store.DatasetFile;
import org.hubdns.cluster.store.DatasetMeta;
import org.hubdns.cluster.store.Registry;
import org.hubdns.cluster.store.RegistryView;
import org.hubdns.steering.GeoLocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GeoIP database as cluster data: seeded by a member's {@code --geoip} (when the cluster has
 * none or an older build) or uploaded with {@code PUT /v1/geoip} (always replaces; the route is
 * {@code org.hubdns.api.GeoIpApi}), validated, kept as the chunked dataset {@value #NAME}, written to
 * every member's data dir and memory-mapped there. Each member tells the cluster which database it
 * serves (what {@code GET /v1/geoip} lists).
 */
public final class GeoIpDataset {
    /** The dataset's name in the registry. */
    public static final String NAME = "geoip";
    private static final Logger LOG = LoggerFactory.getLogger(GeoIpDataset.class);

    private volatile Registry registry;
    private Object published; // guarded by this
    private final Supplier<String> httpAddress;

    /** @param httpAddress this member's HTTP address, published beside the database it serves */
    public GeoIpDataset(Supplier<String> httpAddress) {
        this.httpAddress = httpAddress;
    }

    /** Opens and closes the file: a bad {@code --geoip} stops the start before anything is joined. */
    public static void check(Path file) throws InvalidGeoIpException {
        try (GeoIpDatabase db = GeoIpDatabase.open(file)) {
            LOG.debug("--geoip {}: {} built {}", file, db.databaseType(), db.buildDate());
        }
    }

    /** The dataset decoder: memory-maps the member's copy (or reads the bytes when it has no file). */
    public static Object decode(DatasetFile f) {
        try {
            GeoIpDatabase db = f.file() != null ? GeoIpDatabase.open(f.file()) : GeoIpDatabase.open(f.bytes());
            LOG.info("GeoIP database loaded: {} built {} ({} bytes, sha256 {})", db.databaseType(), db.buildDate(),
                    f.meta().bytes(), db.sha256().substring(0, 12));
            return new GeoIpLocator(db);
        } catch (InvalidGeoIpException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The view's GeoIP locator, {@link GeoLocator#NONE} when the cluster has no database. */
    public static GeoLocator locator(RegistryView view) {
        return view.dataset(NAME, GeoLocator.class, GeoLocator.NONE);
    }

    /** What the dataset's metadata records about a database (shown by {@code GET /v1/geoip}). */
    public static Map<String, Object> info(GeoIpDatabase db) {
        return Map.of("buildEpoch", db.buildEpochSeconds(), "buildDate", db.buildDate(), "type", db.databaseType());
    }

    /** The build time of the view's database in epoch seconds, or null when it has none (for a metric). */
    public static Long buildEpoch(RegistryView view) {
        DatasetMeta meta = view.datasetMetas().get(NAME);
        return meta != null && meta.info().get("buildEpoch") instanceof Number n ? n.longValue() : null;
    }

    public void attach(Registry registry) {
        this.registry = registry;
        publish(registry.view());
    }

    /**
     * Called with every view: tells the cluster when this member starts serving another database.
     * Views arrive on more than one thread (the registry's, and the start-up's when it attaches), so
     * the calls take turns and each publishes what the newest view serves, never {@code view} itself:
     * an older view published after a newer one would leave the cluster told the wrong database.
     */
    public synchronized void publish(RegistryView view) {
        Registry r = registry;
        if (r == null) {
            return;
        }
        RegistryView newest = r.view();
        GeoLocator now = locator(newest != null ? newest : view);
        if (now == published) {
            return;
        }
        JsonObject me = new JsonObject().put("http", httpAddress.get());
        if (now instanceof GeoIpLocator g) {
            GeoIpDatabase db = g.database();
            me.put("geoip", new JsonObject().put("sha256", db.sha256()).put("type", db.databaseType())
                    .put("buildDate", db.buildDate()));
        }
        try {
            r.publishMemberInfo(me.encode());
            published = now; // only once told: a failed publication is tried again with the next view
        } catch (RuntimeException e) {
            LOG.debug("member info not published: {}", e.toString());
        }
    }

    /**
     * {@code --geoip FILE}: validated; seeds the cluster only when it has no database or an older build.
     *
     * @throws InvalidGeoIpException the file is no usable City database
     * @throws IOException the file cannot be read
     */
    public void seed(Path file) throws InvalidGeoIpException, IOException {
        try (GeoIpDatabase db = GeoIpDatabase.open(file)) {
            DatasetMeta current = registry.view().datasetMetas().get(NAME);
            long epoch = current == null || !(current.info().get("buildEpoch") instanceof Number n) ? -1 : n.longValue();
            if (current != null && epoch >= db.buildEpochSeconds()) {
                LOG.info("--geoip {} (built {}) not loaded: the cluster already serves a database built {}", file,
                        db.buildDate(), current.info().get("buildDate"));
                return;
            }
            registry.putDataset(NAME, Files.readAllBytes(file), info(db), current == null ? 0L : current.upload());
            LOG.info("--geoip {}: {} built {} now served by the cluster", file, db.databaseType(), db.buildDate());
        } catch (Conflict e) {
            LOG.info("--geoip {} not loaded: another member replaced the cluster's database meanwhile", file);
        }
    }
}
