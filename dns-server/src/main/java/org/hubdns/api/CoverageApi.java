package org.hubdns.api;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.JsonEventType;
import io.vertx.core.parsetools.JsonParser;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hubdns.cluster.coverage.CoverageDataset;
import org.hubdns.cluster.coverage.CoverageSet;
import org.hubdns.cluster.coverage.CoverageSetBuilder;
import org.hubdns.cluster.model.Site;
import org.hubdns.cluster.store.Conflict;
import org.hubdns.cluster.store.DatasetMeta;
import org.hubdns.cluster.store.Kind;
import org.hubdns.cluster.store.RegistryView;

/**
 * The operator's coverage zones (CIDR to site): {@code PUT /v1/coverage-zones} replaces the whole set
 * from a streamed JSON list or CSV (up to {@link #MAX_ENTRIES}; parsed as it arrives into compact
 * arrays, never held as text or objects), {@code ?dryRun=true} only reports what it would store,
 * {@code POST} adds one, {@code GET ?ip=} shows the match and {@code GET ?format=csv|json} exports the
 * set in the form the upload takes. The set travels the cluster as one chunked dataset named
 * {@value org.hubdns.cluster.coverage.CoverageDataset#NAME}.
 *
 * <p>An upload that maps one prefix to two sites is refused naming both lines: with "last line wins"
 * a stray line deep in a spreadsheet would silently re-point a network. The same prefix twice with
 * the same site is harmless (concatenated exports) and is kept once; replies count such repeats.
 */
public final class CoverageApi {
    public static final int MAX_ENTRIES = 1_000_000;
    public static final long MAX_BYTES = 128L << 20;
    /** How many problems a dry run lists (the rest are counted). */
    static final int MAX_PROBLEMS = 100;
    /** Entries written per slice of an export: small enough to keep the event loop responsive. */
    private static final int EXPORT_SLICE = 2_000;

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
        router.get("/v1/coverage-zones").handler(this::exportOrNext);
        router.get("/v1/coverage-zones").handler(ctx -> api.run(ctx, (c, who) -> {
            RegistryView v = service.registry().freshView();
            CoverageSet set = CoverageDataset.current(v);
            DatasetMeta meta = v.datasetMetas().get(CoverageDataset.NAME);
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
            DatasetMeta meta = v.datasetMetas().get(CoverageDataset.NAME);
            CoverageSet next;
            try {
                next = CoverageDataset.current(v).with(cidr, site);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(fieldOf(e), e.getMessage());
            }
            try {
                service.registry().putDataset(CoverageDataset.NAME, next.encode(), Map.of("count", next.size()),
                        meta == null ? 0L : meta.upload());
                return new JsonObject().put("cidr", cidr).put("site", site).put("count", next.size());
            } catch (Conflict e) {
                if (attempt == 5) {
                    throw ApiException.conflict("the coverage zones are being changed by someone else; retry");
                }
            }
        }
    }

    /**
     * {@code ?format=csv} or {@code json}: the whole set, streamed a slice at a time as the client
     * reads it (a million entries are some 25 MB of text, never built as one string), in exactly
     * the form an upload takes, so an export can be edited and sent back. Without it, the summary.
     */
    private void exportOrNext(RoutingContext ctx) {
        String format = ctx.queryParams().get("format");
        if (format == null) {
            ctx.next();
            return;
        }
        if (service == null) {
            Problem.send(ctx, 503, "Service Unavailable", "this member is still starting; retry shortly");
            return;
        }
        vertx.executeBlocking(() -> {
            auth.authenticate(ctx);
            if (!format.equals("csv") && !format.equals("json")) {
                throw ApiException.badRequest("format", "'format' must be csv or json, not '" + format + "'");
            }
            if (ctx.queryParams().contains("ip")) {
                throw ApiException.badRequest("ip", "ask either for one address (ip) or for the whole set (format)");
            }
            return CoverageDataset.current(service.registry().freshView());
        }, false).onComplete(r -> {
            if (r.failed()) {
                RegistryApi.fail(ctx, r.cause());
            } else {
                export(ctx, r.result(), format.equals("csv"));
            }
        });
    }

    /** Runs on the route's event loop; each slice is a few hundred microseconds of formatting. */
    private static void export(RoutingContext ctx, CoverageSet set, boolean csv) {
        io.vertx.core.http.HttpServerResponse res = ctx.response();
        res.setChunked(true).putHeader("X-Coverage-Count", Integer.toString(set.size()));
        if (csv) {
            res.putHeader("Content-Type", "text/csv; charset=utf-8")
                    .putHeader("Content-Disposition", "attachment; filename=\"coverage.csv\"");
        } else {
            res.putHeader("Content-Type", "application/json");
        }
        int[] next = {0};
        Runnable[] pump = new Runnable[1];
        pump[0] = () -> {
            while (!res.writeQueueFull()) {
                if (res.closed()) {
                    return; // the client went away: stop formatting
                }
                int from = next[0];
                if (from == set.size() && from > 0) {
                    res.end(csv ? "" : "\n]\n");
                    return;
                }
                StringBuilder sb = new StringBuilder(EXPORT_SLICE * 32);
                if (from == 0) {
                    sb.append(csv ? "cidr,site\n" : "[");
                    if (set.isEmpty()) {
                        res.end(sb.append(csv ? "" : "]\n").toString());
                        return;
                    }
                }
                int to = Math.min(set.size(), from + EXPORT_SLICE);
                set.forEach(from, to, (cidr, site) -> {
                    if (csv) {
                        sb.append(cidr).append(',').append(site).append('\n');
                    } else {
                        // neither a canonical CIDR nor a site name ([a-z0-9-]) needs escaping
                        sb.append(sb.length() > 1 || next[0] > 0 ? ",\n" : "\n").append("{\"cidr\":\"").append(cidr)
                                .append("\",\"site\":\"").append(site).append("\"}");
                    }
                });
                next[0] = to;
                res.write(sb.toString());
            }
            res.drainHandler(v -> pump[0].run());
        };
        pump[0].run();
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
        ApiLimiter.closeAfterResponse(ctx);
    }

    /** Streams the body into a builder: one pass, one compact copy; bad entries end it with 422 (or are reported). */
    private void replace(RoutingContext ctx) {
        if (service == null) {
            Problem.send(ctx, 503, "Service Unavailable", "this member is still starting; retry shortly");
            return;
        }
        HttpServerRequest req = ctx.request();
        req.pause();
        vertx.executeBlocking(() -> {
            Auth.requireOperator(auth.authenticate(ctx));
            return RegistryApi.dryRun(ctx);
        }, false).onComplete(r -> {
            if (r.failed()) {
                closeAfterResponse(ctx);
                RegistryApi.fail(ctx, r.cause());
                return;
            }
            ApiLimiter limiter = ApiLimiter.of(ctx);
            if (limiter != null && !limiter.acquireUpload(ctx)) {
                return;
            }
            new Import(ctx, req.getHeader("Content-Type").toLowerCase().startsWith("text/csv"), r.result()).start();
        });
    }

    /**
     * One upload, parsed as it streams in. A real upload ends at the first bad entry (422 naming it);
     * a dry run goes on, collecting every problem (up to {@link #MAX_PROBLEMS}), and reports them in
     * a 200 with {@code "valid":false}: the operator sees all that is wrong in one go. A body that is
     * not a list at all, or too large, is refused either way.
     */
    private final class Import {
        private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

        private final RoutingContext ctx;
        private final boolean csv;
        private final boolean dryRun;
        private final CoverageSetBuilder builder = new CoverageSetBuilder();
        private final Map<String, String> sites = new java.util.HashMap<>();
        private final List<String> problems = new ArrayList<>();
        private int moreProblems;
        private long bytes;
        private long content;
        private Buffer head = Buffer.buffer();
        private boolean headDone;
        private long line;
        private boolean failed;
        private boolean sawList;

        Import(RoutingContext ctx, boolean csv, boolean dryRun) {
            this.ctx = ctx;
            this.csv = csv;
            this.dryRun = dryRun;
        }

        void start() {
            HttpServerRequest req = ctx.request();
            UploadFile.continueIfExpected(ctx);
            req.exceptionHandler(e -> failed = true);
            if (csv) {
                RecordParser parser = RecordParser.newDelimited("\n", this::csvLine);
                parser.maxRecordSize(4096);
                parser.exceptionHandler(e -> fail(ApiException.badRequest(null, "line " + (line + 1)
                        + " is longer than 4096 bytes")));
                req.handler(b -> feed(b, parser::handle));
                req.endHandler(v -> {
                    flushHead(parser::handle);
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
                        String where = "entry [" + (line - 1) + "]";
                        try {
                            Fields f = Fields.of(o, "cidr", "site");
                            entry(f.string("cidr", 64), f.string("site", 63), where);
                        } catch (ApiException e) {
                            problem(new ApiException(e.status(), e.title(), where + ": " + e.getMessage(), e.field()));
                        }
                    } else {
                        fail(ApiException.badRequest(null, "the body must be a JSON list of {\"cidr\":...,\"site\":...}"
                                + " objects (or text/csv lines cidr,site)"));
                    }
                });
                parser.exceptionHandler(e -> fail(ApiException.badRequest(null, "the body is not valid JSON: "
                        + e.getMessage())));
                req.handler(b -> feed(b, parser::handle));
                req.endHandler(v -> {
                    flushHead(parser::handle);
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

        /**
         * Counts the bytes (413 past the limit) and passes them on, without a UTF-8 byte-order mark
         * at the start (spreadsheets write one; it would otherwise be an invisible character in the
         * first CIDR, or a JSON syntax error). The first bytes wait until they can be told from one.
         */
        private void feed(Buffer b, java.util.function.Consumer<Buffer> parser) {
            if (failed) {
                return;
            }
            bytes += b.length();
            if (bytes > MAX_BYTES) {
                fail(new ApiException(413, "Content Too Large", "coverage zone uploads are limited to "
                        + (MAX_BYTES >> 20) + " MiB", null));
                return;
            }
            if (!headDone) {
                head.appendBuffer(b);
                if (head.length() < BOM.length && isBomPrefix(head)) {
                    return;
                }
                b = isBomPrefix(head) ? head.slice(BOM.length, head.length()) : head;
                headDone = true;
                head = null;
            }
            content += b.length();
            parser.accept(b);
        }

        /** At the end of the body: the first bytes if they are all there was (a lone "\xEF" is no BOM). */
        private void flushHead(java.util.function.Consumer<Buffer> parser) {
            if (!headDone && !failed) {
                headDone = true;
                content += head.length();
                parser.accept(head);
                head = null;
            }
        }

        private static boolean isBomPrefix(Buffer b) {
            for (int i = 0; i < Math.min(b.length(), BOM.length); i++) {
                if (b.getByte(i) != BOM[i]) {
                    return false;
                }
            }
            return true;
        }

        private void csvLine(Buffer b) {
            if (failed) {
                return;
            }
            line++;
            String s = b.toString(java.nio.charset.StandardCharsets.UTF_8).strip(); // strip: also the \r of CRLF
            if (s.isEmpty() || s.startsWith("#") || line == 1 && s.replace(" ", "").equalsIgnoreCase("cidr,site")) {
                return;
            }
            String[] parts = s.split(",", -1);
            if (parts.length != 2) {
                problem(ApiException.badRequest(null, "line " + line + ": expected 'cidr,site', got '"
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
                // CSV lines are numbered from 1, JSON entries from 0: the number the messages show
                builder.add(cidr, site, (int) (csv ? line : line - 1));
                sites.putIfAbsent(site, where);
            } catch (IllegalArgumentException e) {
                problem(ApiException.invalid(csv ? null : fieldOf(e), where + ": " + e.getMessage()));
            }
        }

        /** A bad entry: the end of a real upload; one more line in a dry run's report. */
        private void problem(ApiException e) {
            if (!dryRun) {
                fail(e);
            } else if (problems.size() < MAX_PROBLEMS) {
                problems.add(e.getMessage());
            } else {
                moreProblems++;
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

        private String where(int n) {
            return csv ? "line " + n : "entry [" + n + "]";
        }

        private String describe(CoverageSetBuilder.Clash c) {
            return where(c.otherLine()) + ": " + c.cidr() + " is mapped to site '" + c.otherSite() + "' here and to site '"
                    + c.site() + "' on " + where(c.line()) + "; a prefix has one site, so remove one of the two";
        }

        private void finish() {
            if (!csv && !sawList || csv && content == 0) {
                // an empty body is far more likely a broken upload than a wish to drop every zone
                fail(ApiException.badRequest(null, "the body is empty; send the coverage zones, or an empty "
                        + "JSON list [] to remove every one"));
                return;
            }
            vertx.executeBlocking(() -> {
                CoverageSetBuilder.Check check = builder.check(dryRun ? MAX_PROBLEMS : 1);
                if (dryRun) {
                    return report(check);
                }
                if (!check.clashes().isEmpty()) {
                    int more = check.clashCount() - 1;
                    throw ApiException.invalid(csv ? null : "cidr", describe(check.clashes().get(0))
                            + (more == 0 ? "" : " (and " + more + " more prefix" + (more == 1 ? "" : "es")
                            + " with two sites; ?dryRun=true lists them)"));
                }
                requireSites(sites, csv ? null : "site");
                CoverageSet set = builder.build();
                DatasetMeta meta = api.audited(ctx, () -> service.registry().putDataset(CoverageDataset.NAME,
                        set.encode(), Map.of("count", set.size()), null));
                return new JsonObject().put("count", set.size()).put("ipv4", set.ipv4Size())
                        .put("ipv6", set.ipv6Size()).put("duplicates", check.repeats()).put("upload", meta.upload())
                        .put("sha256", meta.sha256()).put("bytes", meta.bytes());
            }, false).onComplete(r -> {
                if (r.succeeded()) {
                    RegistryApi.send(ctx, RegistryApi.Reply.ok(r.result()));
                } else {
                    RegistryApi.fail(ctx, r.cause());
                }
            });
        }

        /** What the upload would store and everything wrong with it; nothing is written. */
        private JsonObject report(CoverageSetBuilder.Check check) {
            for (CoverageSetBuilder.Clash c : check.clashes()) {
                problem(ApiException.invalid(null, describe(c)));
            }
            moreProblems += check.clashCount() - check.clashes().size();
            RegistryView v = service.registry().freshView();
            sites.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                if (!v.sites().containsKey(e.getKey())
                        && service.registry().read(Kind.SITES, e.getKey(), Site.class) == null) {
                    problem(ApiException.invalid(null, e.getValue() + ": no site '" + e.getKey()
                            + "'; create it first (PUT /v1/sites/" + e.getKey() + ")"));
                }
            });
            JsonArray listed = new JsonArray(new ArrayList<>(problems));
            if (moreProblems > 0) {
                listed.add("... and " + moreProblems + " more problem" + (moreProblems == 1 ? "" : "s"));
            }
            return new JsonObject().put("dryRun", true).put("valid", listed.isEmpty())
                    .put("count", check.count()).put("ipv4", check.ipv4()).put("ipv6", check.ipv6())
                    .put("entries", builder.size()).put("duplicates", check.repeats())
                    .put("sites", new JsonArray(builder.sites().stream().sorted().toList()))
                    .put("problems", listed);
        }
    }
}
