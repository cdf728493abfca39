package org.hubdns.api;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.hubdns.cluster.coverage.Cidr;
import org.hubdns.cluster.feed.CoverageFeed;
import org.hubdns.cluster.feed.FeedPlacement;
import org.hubdns.cluster.feed.MrtFormatException;
import org.hubdns.cluster.feed.MrtReader;
import org.hubdns.cluster.feed.MrtSummary;
import org.hubdns.cluster.feed.RouteBatch;
import org.hubdns.cluster.feed.RouteSink;
import org.hubdns.cluster.feed.StoredFeed;
import org.hubdns.cluster.model.Site;
import org.hubdns.cluster.store.Conflict;
import org.hubdns.cluster.store.DatasetMeta;
import org.hubdns.cluster.store.Json;
import org.hubdns.cluster.store.Kind;
import org.hubdns.cluster.store.Registry;
import org.hubdns.cluster.store.Stored;
import org.hubdns.feed.CoverageFeeds;
import org.hubdns.feed.FeedState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coverage feeds: their configuration ({@code PUT/GET/DELETE /v1/coverage-feeds/{name}}, a
 * versioned registry value like a platform), their routes from MRT table dumps
 * ({@code PUT .../rib}, streamed to a temporary file and parsed whole before anything is stored) and
 * from live BGP ({@code POST .../updates}, ExaBGP's JSON lines; an empty body is a heartbeat), and
 * where a feed places one address ({@code GET .../lookup?ip=}). The routes themselves are
 * {@link CoverageFeeds}'.
 */
public final class CoverageFeedApi implements Routes {
    private static final Logger LOG = LoggerFactory.getLogger(CoverageFeedApi.class);
    /** The largest table dump: a full table from 20 peers, gzip'd, is a few hundred MiB. */
    public static final long RIB_LIMIT = 512L << 20;
    /** The largest batch of update lines: bgp-feed sends at most 10,000 routes (some 5 MiB) at a time. */
    public static final long UPDATES_LIMIT = 64L << 20;
    /** How many bad lines are logged per minute and member (the rest are only counted). */
    private static final int BAD_LINES_PER_MINUTE = 10;

    /**
     * Reads one line of ExaBGP's JSON into a sink: null when it is ExaBGP's, else why it is not (and
     * then nothing of the line has reached the sink).
     */
    @FunctionalInterface
    public interface LineReader {
        String read(String line, RouteSink sink);
    }

    private final Vertx vertx;
    private final Supplier<Registry> registry;
    private final Supplier<CoverageFeeds> feeds;
    private final LineReader lines;
    private volatile RegistryApi api;
    private long badLinesMinute;
    private int badLinesLogged;

    public CoverageFeedApi(Vertx vertx, Supplier<Registry> registry, Supplier<CoverageFeeds> feeds, LineReader lines) {
        this.vertx = vertx;
        this.registry = registry;
        this.feeds = feeds;
        this.lines = lines;
    }

    @Override
    public void mount(Router router, RegistryApi api) {
        this.api = api;
        String base = "/v1/coverage-feeds";
        router.get(base).handler(ctx -> api.run(ctx, (c, who) -> {
            JsonArray out = new JsonArray();
            new TreeMap<>(registry.get().feeds()).values().forEach(f -> out.add(json(f)));
            return RegistryApi.Reply.ok(out);
        }));
        router.get(base + "/:name").handler(ctx -> api.run(ctx, (c, who) -> {
            Stored s = stored(c.pathParam("name"));
            return new RegistryApi.Reply(200, json(Json.read(s.body(), StoredFeed.class)), Map.of("ETag", s.etag()));
        }));
        router.put(base + "/:name").handler(BodyHandler.create(false).setBodyLimit(RegistryApi.JSON_LIMIT))
                .handler(RegistryApi.contentType("application/json"))
                .handler(ctx -> api.run(ctx, (c, who) -> {
                    Auth.requireOperator(who);
                    String name = Fields.name("coverage feed", c.pathParam("name"));
                    JsonObject body = ReadOnlyFields.writable(RegistryApi.body(c), "coverage feed",
                            Map.of("name", name), COMPUTED);
                    CoverageFeed config = read(name, body);
                    requireSites(config);
                    return put(config);
                }));
        router.delete(base + "/:name").handler(ctx -> api.run(ctx, (c, who) -> {
            Auth.requireOperator(who);
            String name = c.pathParam("name");
            if (registry.get().delete(Kind.FEEDS, name) == null) {
                throw ApiException.notFound("no coverage feed '" + name + "'");
            }
            feeds.get().remove(name);
            LOG.info("coverage feed {} deleted", name);
            return RegistryApi.Reply.noContent();
        }));
        router.get(base + "/:name/lookup").handler(ctx -> api.run(ctx, (c, who) -> lookup(c)));

        // the dump: the token is checked before up to 512 MiB is read, then the body streams to a file
        router.put(base + "/:name/rib").handler(ctx -> {
            if (api.operatorOrRefuse(ctx)) {
                ctx.next();
            }
        });
        router.put(base + "/:name/rib").handler(RegistryApi.contentType("application/octet-stream"))
                .handler(this::upload);

        router.post(base + "/:name/updates").handler(BodyHandler.create(false).setBodyLimit(UPDATES_LIMIT))
                .handler(ctx -> api.run(ctx, (c, who) -> {
                    Auth.requireOperator(who);
                    return updates(c);
                }));
        router.post(base + "/:name/updates").failureHandler(ctx -> {
            if (ctx.statusCode() == 413) {
                Problem.send(ctx, 413, "Content Too Large", "an update batch is limited to " + (UPDATES_LIMIT >> 20)
                        + " MiB; send fewer lines per request (bgp-feed sends at most 10,000 routes at a time)");
            } else {
                ctx.next();
            }
        });
    }

    /** What GET shows and PUT ignores: the feed's state on this member. */
    static final Set<String> COMPUTED = Set.of("routes", "peersSeen", "lastUpdate", "ageSeconds", "stale",
            "lastUpload", "skippedLines");

    private Stored stored(String name) {
        Stored s = registry.get().get(Kind.FEEDS, name);
        if (s == null || s.deleted()) {
            throw ApiException.notFound("no coverage feed '" + name + "'; create it first (PUT /v1/coverage-feeds/"
                    + name + ")");
        }
        return s;
    }

    private StoredFeed feed(String name) {
        return Json.read(stored(name).body(), StoredFeed.class);
    }

    // ---- configuration ----

    static CoverageFeed read(String name, JsonObject body) {
        Fields f = Fields.of(body, "peers", "maxPrefixV4", "maxPrefixV6", "staleAfterS");
        Object p = body.getValue("peers");
        if (p == null) {
            throw ApiException.badRequest("peers", "'peers' is required: an object from peer (\"AS64500\" or an "
                    + "address) to the site where it connects, e.g. {\"AS17557\":\"isb\"}");
        }
        if (!(p instanceof JsonObject peers)) {
            throw ApiException.badRequest("peers", "'peers' must be an object from peer to site");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : peers.fieldNames()) {
            Object site = peers.getValue(key);
            if (!(site instanceof String s) || !Fields.NAME.matcher(s).matches()) {
                throw ApiException.invalid("peers", "peers." + key + ": the value must be a site name (lower-case "
                        + "letters, digits and '-'), not " + (site instanceof String s ? "'" + s + "'" : site));
            }
            out.put(peerKey(key), s);
        }
        if (out.size() > 100_000) {
            throw ApiException.invalid("peers", "at most 100,000 peers per feed");
        }
        return new CoverageFeed(name, out,
                (int) f.integer("maxPrefixV4", 0, 32, (long) CoverageFeed.DEFAULT_MAX_PREFIX_V4),
                (int) f.integer("maxPrefixV6", 0, 128, (long) CoverageFeed.DEFAULT_MAX_PREFIX_V6),
                f.integer("staleAfterS", 0, 10L * 365 * 86400, CoverageFeed.DEFAULT_STALE_AFTER_S));
    }

    /** "AS<1..4294967295>" or an address literal in its canonical form (so that one peer is one key). */
    static String peerKey(String key) {
        if (key.startsWith("AS") || key.startsWith("as")) {
            String digits = key.substring(2);
            long as;
            try {
                as = digits.matches("[1-9][0-9]{0,9}") ? Long.parseLong(digits) : -1;
            } catch (NumberFormatException e) {
                as = -1;
            }
            if (as < 1 || as > 4294967295L || !key.startsWith("AS")) {
                throw ApiException.invalid("peers", "peer '" + key + "' is neither \"AS<number>\" (AS1 to "
                        + "AS4294967295, upper-case AS, no leading zeros) nor an IPv4 or IPv6 address");
            }
            return key;
        }
        byte[] a;
        try {
            a = Cidr.parseAddress(key);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("peers", "peer '" + key + "' is neither \"AS<number>\" nor an IPv4 or IPv6 "
                    + "address");
        }
        String canonical = Cidr.formatAddress(a);
        if (!canonical.equals(key)) {
            throw ApiException.invalid("peers", "peer '" + key + "': write the address in its canonical form, '"
                    + canonical + "'");
        }
        return key;
    }

    private void requireSites(CoverageFeed config) {
        Registry r = registry.get();
        for (String site : new java.util.TreeSet<>(config.peers().values())) {
            if (!r.freshView().sites().containsKey(site) && r.read(Kind.SITES, site, Site.class) == null) {
                throw ApiException.invalid("peers", "no site '" + site + "'; create it first (PUT /v1/sites/" + site
                        + ")");
            }
        }
    }

    private RegistryApi.Reply put(CoverageFeed config) throws Conflict {
        Registry r = registry.get();
        boolean[] created = {false};
        for (int attempt = 0; ; attempt++) {
            Stored cur = r.get(Kind.FEEDS, config.name());
            try {
                Stored s;
                if (cur == null || cur.deleted()) {
                    // the creation time, and above the epoch of any earlier feed of this name
                    long before = cur == null ? 0 : Json.read(cur.body(), StoredFeed.class).epoch();
                    s = r.create(Kind.FEEDS, config.name(), new StoredFeed(config,
                            Math.max(System.currentTimeMillis(), before + 1)));
                    created[0] = true;
                } else {
                    long epoch = Json.read(cur.body(), StoredFeed.class).epoch();
                    s = r.update(Kind.FEEDS, config.name(), new StoredFeed(config, epoch), cur.version());
                }
                JsonObject body = json(Json.read(s.body(), StoredFeed.class));
                return created[0] ? new RegistryApi.Reply(201, body, Map.of("Location", "/v1/coverage-feeds/"
                        + config.name(), "ETag", s.etag())) : new RegistryApi.Reply(200, body, Map.of("ETag", s.etag()));
            } catch (Conflict e) {
                if (attempt == 5) {
                    throw ApiException.conflict("coverage feed '" + config.name() + "' is being changed by someone "
                            + "else; retry");
                }
            }
        }
    }

    /** The configuration as PUT takes it, and this member's state of the feed. */
    private JsonObject json(StoredFeed f) {
        CoverageFeed c = f.config();
        JsonObject out = new JsonObject().put("name", c.name())
                .put("peers", new JsonObject(new TreeMap<String, Object>(c.peers())))
                .put("maxPrefixV4", c.maxPrefixV4()).put("maxPrefixV6", c.maxPrefixV6())
                .put("staleAfterS", c.staleAfterS());
        FeedState s = feeds.get().states().get(c.name());
        JsonArray peers = new JsonArray();
        if (s != null) {
            s.peers().forEach(p -> peers.add(new JsonObject().put("as", p.as()).put("address", p.address())
                    .put("site", p.site()).put("routes", p.routes())));
        }
        long last = s == null ? 0 : s.lastUpdateMillis();
        return out.put("routes", new JsonObject().put("ipv4", s == null ? 0 : s.routesV4())
                        .put("ipv6", s == null ? 0 : s.routesV6()))
                .put("peersSeen", peers)
                .put("lastUpdate", last == 0 ? null : Instant.ofEpochMilli(last).toString())
                .put("ageSeconds", last == 0 ? null : Math.max(0, (System.currentTimeMillis() - last) / 1000))
                .put("stale", s != null && s.stale())
                .put("lastUpload", s == null || s.lastUpload() == null ? null : new JsonObject(s.lastUpload()))
                .put("skippedLines", s == null ? 0 : s.skippedLines());
    }

    /** Where this member's feeds place {@code ip} (all feeds that place clients, as steering reads them). */
    private RegistryApi.Reply lookup(RoutingContext c) {
        StoredFeed f = feed(c.pathParam("name"));
        String ip = c.queryParams().get("ip");
        if (ip == null) {
            throw ApiException.badRequest("ip", "give the address to look up: ?ip=192.0.2.1");
        }
        byte[] a;
        try {
            a = Cidr.parseAddress(ip.strip());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("ip", "'" + ip + "' is not an IPv4 or IPv6 address");
        }
        FeedPlacement p = feeds.get().current();
        int i = p.match(a, a.length);
        JsonObject out = new JsonObject().put("feed", f.config().name()).put("ip", Cidr.formatAddress(a));
        if (i < 0) {
            return RegistryApi.Reply.ok(out.putNull("match"));
        }
        int len = p.matchPrefixLength(a, a.length);
        byte[] net = a.clone();
        Cidr prefix = Cidr.of(mask(net, len), len);
        return RegistryApi.Reply.ok(out.put("match", new JsonObject().put("prefix", prefix.toString())
                .put("sites", new JsonArray(java.util.List.of(p.sites(i))))));
    }

    private static byte[] mask(byte[] a, int len) {
        for (int bit = len; bit < a.length * 8; bit++) {
            a[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return a;
    }

    // ---- live updates ----

    private RegistryApi.Reply updates(RoutingContext c) {
        StoredFeed f = feed(c.pathParam("name"));
        Buffer body = c.body() == null ? null : c.body().buffer();
        long now = System.currentTimeMillis();
        if (body == null || body.length() == 0) {
            long seq = feeds.get().append(f, CoverageFeeds.heartbeat(now));
            return RegistryApi.Reply.ok(new JsonObject().put("heartbeat", true).put("applied", 0).put("skipped", 0)
                    .put("sequence", seq));
        }
        String ct = c.request().getHeader("Content-Type");
        String type = ct == null ? "" : ct.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        if (!type.equals("application/x-ndjson")) {
            throw new ApiException(415, "Unsupported Media Type", "send ExaBGP's JSON lines as application/x-ndjson"
                    + (ct == null ? " (the Content-Type header is missing)" : ", not " + ct), "Content-Type");
        }
        long[] counts = new long[2]; // applied, skipped
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(Math.max(256, body.length() / 8));
        RouteBatch.Writer w = new RouteBatch.Writer(bytes, now);
        String text = body.toString(StandardCharsets.UTF_8);
        int lineNo = 0;
        for (String raw : text.split("\n")) {
            lineNo++;
            String l = raw.strip();
            if (l.isEmpty()) {
                continue;
            }
            String bad;
            try {
                bad = lines.read(l, w);
            } catch (RuntimeException e) {
                // a reader's bug: the line may be partly written, so the whole batch is refused
                LOG.error("coverage feed {}: update line {} could not be read", f.config().name(), lineNo, e);
                throw new ApiException(500, "Internal Server Error", "update line " + lineNo + " could not be read "
                        + "(" + e.getClass().getSimpleName() + "); nothing of this batch was applied", null);
            }
            if (bad == null) {
                counts[0]++;
            } else {
                counts[1]++;
                badLine(f.config().name(), lineNo, bad, l);
            }
        }
        w.finish(counts[1]);
        long seq = feeds.get().append(f, bytes.toByteArray());
        return RegistryApi.Reply.ok(new JsonObject().put("applied", counts[0]).put("skipped", counts[1])
                .put("routes", w.operations()).put("sequence", seq));
    }

    private synchronized void badLine(String feed, int lineNo, String why, String line) {
        long minute = System.currentTimeMillis() / 60_000;
        if (minute != badLinesMinute) {
            badLinesMinute = minute;
            badLinesLogged = 0;
        }
        if (badLinesLogged++ < BAD_LINES_PER_MINUTE) {
            LOG.warn("coverage feed {}: update line {} is not ExaBGP JSON ({}) and is skipped: {}", feed, lineNo, why,
                    line.length() > 120 ? line.substring(0, 120) + "..." : line);
        }
    }

    // ---- table dumps ----

    private void upload(RoutingContext ctx) {
        ApiLimiter limiter = ApiLimiter.of(ctx);
        if (limiter != null && !limiter.acquireUpload(ctx)) {
            return;
        }
        ctx.request().pause();
        String name = ctx.pathParam("name");
        vertx.executeBlocking(() -> feed(name), false).onComplete(r -> { // 404 before the body is read
            if (r.failed()) {
                closeAfterResponse(ctx);
                RegistryApi.fail(ctx, r.cause());
                return;
            }
            UploadFile.receive(vertx, ctx, "hubdns-rib-" + name, RIB_LIMIT, "a table dump is limited to "
                    + (RIB_LIMIT >> 20) + " MiB; compress it (gzip or bzip2) or dump fewer peers; the previous routes "
                    + "keep serving", (tmp, bytes) -> vertx.executeBlocking(() -> api.audited(ctx, () -> store(name, tmp, bytes)), false)
                            .onComplete(s -> {
                                UploadFile.delete(tmp);
                                if (s.succeeded()) {
                                    RegistryApi.send(ctx, RegistryApi.Reply.ok(s.result()));
                                } else {
                                    RegistryApi.fail(ctx, s.cause());
                                }
                            }));
        });
    }

    /** Parses the whole dump (nothing is stored unless all of it reads), then makes it the feed's routes. */
    private JsonObject store(String name, Path tmp, long bytes) throws IOException {
        StoredFeed f = feed(name);
        if (bytes == 0) {
            throw ApiException.badRequest(null, "the body is empty; send an MRT TABLE_DUMP_V2 file (plain, gzip or "
                    + "bzip2)");
        }
        long t0 = System.nanoTime();
        MrtSummary summary;
        RouteSink none = new RouteSink() {
            @Override
            public void announce(String s, byte[] p, int l, long id, long as, byte[] a, long[] path) {
            }

            @Override
            public void withdraw(String s, byte[] p, int l, long id) {
            }

            @Override
            public void sessionDown(String s) {
            }
        };
        try (InputStream in = Files.newInputStream(tmp)) {
            summary = MrtReader.read(MrtReader.decompressing(in), none);
        } catch (MrtFormatException e) {
            throw ApiException.invalid(null, "the table dump is not valid MRT (RFC 6396): " + e.getMessage()
                    + "; nothing was stored and the previous routes keep serving");
        } catch (IOException e) {
            throw ApiException.invalid(null, "the table dump cannot be read (" + e.getMessage() + "); is it a "
                    + "complete MRT file, plain or compressed with gzip or bzip2? Nothing was stored and the previous "
                    + "routes keep serving");
        }
        long parseMs = (System.nanoTime() - t0) / 1_000_000;
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("bytes", bytes);
        info.put("records", summary.records());
        info.put("routesV4", summary.routesV4());
        info.put("routesV6", summary.routesV6());
        info.put("peers", summary.peers());
        info.put("skippedRecords", summary.skipped());
        info.put("uploaded", Instant.now().toString());
        DatasetMeta meta = feeds.get().replace(f, tmp, info);
        LOG.info("coverage feed {}: table dump of {} bytes accepted ({} IPv4 and {} IPv6 routes from {} peers, "
                + "checked in {} ms)", name, bytes, summary.routesV4(), summary.routesV6(), summary.peers(), parseMs);
        return new JsonObject(info).put("upload", meta.upload()).put("sha256", meta.sha256());
    }

    private static void closeAfterResponse(RoutingContext ctx) {
        ApiLimiter.closeAfterResponse(ctx);
    }
}
