package org.hubdns.cluster.api;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.JsonEventType;
import io.vertx.core.parsetools.JsonParser;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Map;
import org.hubdns.cluster.coverage.CoverageSet;
import org.hubdns.cluster.coverage.CoverageSetBuilder;
import org.hubdns.cluster.model.Site;
import org.hubdns.cluster.store.Conflict;
import org.hubdns.cluster.store.DatasetMeta;
import org.hubdns.cluster.store.Kind;
import org.hubdns.cluster.store.RegistryView;
import org.hubdns.http.ApiException;
import org.hubdns.http.Fields;
import org.hubdns.http.Problem;

/**
 * The operator's coverage zones (CIDR to site): {@code PUT /v1/coverage-zones} replaces the whole set
 * from a streamed JSON list or CSV (up to {@link #MAX_ENTRIES}; parsed as it arrives into compact
 * arrays, never held as text or objects), {@code POST} adds one, {@code GET ?ip=} shows the match.
 * The set travels the cluster as one chunked dataset named {@value #DATASET}.
 */
public final class CoverageApi {
    public static final String DATASET = "coverage";
    public static final int MAX_ENTRIES = 1_000_000;
    public static final long MAX_BYTES = 128L << 20;

    private final Vertx vertx;
    private final RegistryApi api;
    private volatile RegistryService service;
    private volatile Auth auth;

    public CoverageApi(Vertx vertx, RegistryApi api) {
        this.vertx = vertx;
        this.api = api;
    }

    void activate(RegistryService service, Auth auth) {
        this.service = service;
        this.auth = auth;
    }

    public static Object decode(org.hubdns.cluster.store.DatasetFile file) {
        return CoverageSet.decode(file.bytes());
    }

    public static CoverageSet current(RegistryView v) {
        return v.dataset(DATASET, CoverageSet.class, CoverageSet.EMPTY);
    }

    void mount(Router router) {
        router.put("/v1/coverage-zones").handler(RegistryApi.contentType("application/json", "text/csv"))
                .handler(this::replace);
        router.post("/v1/coverage-zones").handler(BodyHandler.create(false).setBodyLimit(RegistryApi.JSON_LIMIT))
                .handler(RegistryApi.contentType("application/json"))
                .handler(ctx -> api.run(ctx, (c, who) -> {
                    Auth.requireOperator(who);
                    Fields f = Fields.of(RegistryApi.body(c), "cidr", "site");
                    String cidr = f.string("cidr", 64);
                    String site = f.string("site", 63);
                    requireSites(Map.of(site, ""), "site");
                    return new RegistryApi.Reply(201, add(cidr, site), Map.of());
                }));
        router.get("/v1/coverage-zones").handler(ctx -> api.run(ctx, (c, who) -> {
            RegistryView v = service.registry().freshView();
            CoverageSet set = current(v);
            DatasetMeta meta = v.datasetMetas().get(DATASET);
            JsonObject out = new JsonObject().put("count", set.size());
            if (meta != null) {
                out.put("upload", meta.upload()).put("sha256", meta.sha256()).put("bytes", meta.bytes());
            }
            String ip = c.queryParams().get("ip");
            if (ip != null) {
                byte[] a;
                try {
                    a = org.hubdns.cluster.coverage.Cidr.parseAddress(ip.strip());
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("ip", "'" + ip + "' is not an IPv4 or IPv6 address");
                }
                CoverageSet.Match m = set.match(a);
                out.put("ip", ip.strip()).put("match", m == null ? null
                        : new JsonObject().put("cidr", m.cidr()).put("site", m.site()));
            }
            return RegistryApi.Reply.ok(out);
        }));
    }

    private JsonObject add(String cidr, String site) throws Conflict {
        for (int attempt = 0; ; attempt++) {
            RegistryView v = service.registry().freshView();
            DatasetMeta meta = v.datasetMetas().get(DATASET);
            CoverageSet next;
            try {
                next = current(v).with(cidr, site);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(fieldOf(e), e.getMessage());
            }
            try {
                service.registry().putDataset(DATASET, next.encode(), Map.of("count", next.size()),
                        meta == null ? 0L : meta.upload());
                return new JsonObject().put("cidr", cidr).put("site", site).put("count", next.size());
            } catch (Conflict e) {
                if (attempt == 5) {
                    throw ApiException.conflict("the coverage zones are being changed by someone else; retry");
                }
            }
        }
    }

    /** The builder says "site" in its messages about site names; everything else is about the CIDR. */
    private static String fieldOf(IllegalArgumentException e) {
        return String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("site") ? "site" : "cidr";
    }

    /** {@code sites}: each site to where it is first used ("line 7", "[6]" or "" for a single entry). */
    private void requireSites(Map<String, String> sites, String field) {
        RegistryView v = service.registry().freshView();
        for (Map.Entry<String, String> e : sites.entrySet()) {
            String s = e.getKey();
            if (!v.sites().containsKey(s) && service.registry().read(Kind.SITES, s, Site.class) == null) {
                throw ApiException.invalid(field, (e.getValue().isEmpty() ? "" : e.getValue() + ": ") + "no site '"
                        + s + "'; create it first (PUT /v1/sites/" + s + ")");
            }
        }
    }

    /**
     * After a refusal the rest of the body is not read: an HTTP/1.x connection is closed once the
     * problem is sent (announced with Connection: close, so the client does not reuse it); an HTTP/2
     * connection carries other streams and stays open.
     */
    private static void closeAfterResponse(RoutingContext ctx) {
        if (ctx.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
            ctx.response().putHeader("Connection", "close");
            ctx.response().endHandler(v -> ctx.request().connection().close());
        }
    }

    /** Streams the body into a builder: one pass, one compact copy, the first bad entry ends it with 422. */
    private void replace(RoutingContext ctx) {
        if (service == null) {
            Problem.send(ctx, 503, "Service Unavailable", "this member is still starting; retry shortly");
            return;
        }
        HttpServerRequest req = ctx.request();
        req.pause();
        vertx.executeBlocking(() -> Auth.requireOperator(auth.authenticate(ctx)), false).onComplete(r -> {
            if (r.failed()) {
                closeAfterResponse(ctx);
                RegistryApi.fail(ctx, r.cause());
                return;
            }
            new Import(ctx, req.getHeader("Content-Type").toLowerCase().startsWith("text/csv")).start();
        });
    }

    private final class Import {
        private final RoutingContext ctx;
        private final boolean csv;
        private final CoverageSetBuilder builder = new CoverageSetBuilder();
        private final Map<String, String> sites = new java.util.HashMap<>();
        private long bytes;
        private long line;
        private boolean failed;
        private boolean sawList;

        Import(RoutingContext ctx, boolean csv) {
            this.ctx = ctx;
            this.csv = csv;
        }

        void start() {
            HttpServerRequest req = ctx.request();
            req.exceptionHandler(e -> failed = true);
            if (csv) {
                RecordParser parser = RecordParser.newDelimited("\n", this::csvLine);
                parser.maxRecordSize(4096);
                parser.exceptionHandler(e -> fail(ApiException.badRequest(null, "line " + (line + 1)
                        + " is longer than 4096 bytes")));
                req.handler(b -> {
                    if (count(b)) {
                        parser.handle(b);
                    }
                });
                req.endHandler(v -> {
                    if (!failed) {
                        parser.handle(Buffer.buffer("\n"));
                        finish();
                    }
                });
            } else {
                JsonParser parser = JsonParser.newParser().objectValueMode();
                int[] depth = {0};
                parser.handler(ev -> {
                    if (failed) {
                        return;
                    }
                    if (ev.type() == JsonEventType.START_ARRAY) {
                        sawList = true;
                        if (depth[0]++ > 0) {
                            fail(ApiException.badRequest(null, "coverage zones are a list of objects, not nested lists"));
                        }
                    } else if (ev.type() == JsonEventType.END_ARRAY) {
                        depth[0]--;
                    } else if (ev.type() == JsonEventType.VALUE && depth[0] == 1 && ev.value() instanceof JsonObject o) {
                        line++;
                        try {
                            Fields f = Fields.of(o, "cidr", "site");
                            entry(f.string("cidr", 64), f.string("site", 63), "[" + (line - 1) + "]");
                        } catch (ApiException e) {
                            fail(new ApiException(e.status(), e.title(), "entry [" + (line - 1) + "]: " + e.getMessage(),
                                    e.field()));
                        }
                    } else {
                        fail(ApiException.badRequest(null, "the body must be a JSON list of {\"cidr\":...,\"site\":...}"
                                + " objects (or text/csv lines cidr,site)"));
                    }
                });
                parser.exceptionHandler(e -> fail(ApiException.badRequest(null, "the body is not valid JSON: "
                        + e.getMessage())));
                req.handler(b -> {
                    if (count(b)) {
                        parser.handle(b);
                    }
                });
                req.endHandler(v -> {
                    if (!failed) {
                        parser.end();
                        if (!failed) {
                            finish();
                        }
                    }
                });
            }
            req.resume();
        }

        private boolean count(Buffer b) {
            if (failed) {
                return false;
            }
            bytes += b.length();
            if (bytes > MAX_BYTES) {
                fail(new ApiException(413, "Content Too Large", "coverage zone uploads are limited to "
                        + (MAX_BYTES >> 20) + " MiB", null));
                return false;
            }
            return true;
        }

        private void csvLine(Buffer b) {
            if (failed) {
                return;
            }
            line++;
            String s = b.toString(java.nio.charset.StandardCharsets.UTF_8).strip();
            if (s.isEmpty() || s.startsWith("#") || line == 1 && s.replace(" ", "").equalsIgnoreCase("cidr,site")) {
                return;
            }
            String[] parts = s.split(",", -1);
            if (parts.length != 2) {
                fail(ApiException.badRequest(null, "line " + line + ": expected 'cidr,site', got '"
                        + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "'"));
                return;
            }
            entry(parts[0].strip(), parts[1].strip(), "line " + line);
        }

        private void entry(String cidr, String site, String where) {
            if (builder.size() >= MAX_ENTRIES) {
                fail(new ApiException(413, "Content Too Large", "more than " + MAX_ENTRIES + " coverage zones; "
                        + "aggregate prefixes or split the exchange's coverage", null));
                return;
            }
            try {
                builder.add(cidr, site);
                sites.putIfAbsent(site, where);
            } catch (IllegalArgumentException e) {
                fail(ApiException.invalid(csv ? null : fieldOf(e), where + ": " + e.getMessage()));
            }
        }

        private void fail(ApiException e) {
            if (failed) {
                return;
            }
            failed = true;
            closeAfterResponse(ctx);
            RegistryApi.fail(ctx, e);
        }

        private void finish() {
            if (!csv && !sawList || csv && bytes == 0) {
                // an empty body is far more likely a broken upload than a wish to drop every zone
                fail(ApiException.badRequest(null, "the body is empty; send the coverage zones, or an empty "
                        + "JSON list [] to remove every one"));
                return;
            }
            vertx.executeBlocking(() -> {
                requireSites(sites, csv ? null : "site");
                CoverageSet set = builder.build();
                DatasetMeta meta = service.registry().putDataset(DATASET, set.encode(), Map.of("count", set.size()),
                        null);
                return new JsonObject().put("count", set.size()).put("upload", meta.upload())
                        .put("sha256", meta.sha256()).put("bytes", meta.bytes());
            }, false).onComplete(r -> {
                if (r.succeeded()) {
                    RegistryApi.send(ctx, RegistryApi.Reply.ok(r.result()));
                } else {
                    RegistryApi.fail(ctx, r.cause());
                }
            });
        }
    }
}
