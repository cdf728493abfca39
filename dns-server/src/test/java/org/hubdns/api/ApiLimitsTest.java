package org.hubdns.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hubdns.server.RunningServer;
import org.hubdns.testsupport.ApiClient;
import org.hubdns.testsupport.Await;
import org.junit.jupiter.api.Test;

/**
 * The API's limits against a real member over real HTTP (issue 16, "Limits"): writes over their
 * limit get 429 with Retry-After while reads pass; a failed-authentication flood from one address
 * gets 429 while a valid token from that address still works, counted by reason in
 * {@code hubdns_api_auth_failures_total}; a third concurrent large upload gets 503; an upload
 * over its limit gets 413 without the member's heap holding the body. Clients on other addresses
 * are real sockets bound to 127.0.0.x.
 */
class ApiLimitsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static RunningServer member(ApiLimits limits) throws Exception {
        return RunningServer.demo(c -> c.withApiLimits(limits));
    }

    @Test
    void writesOverTheLimitGet429WithRetryAfterWhileReadsStillPass() throws Exception {
        try (RunningServer m = member(ApiLimits.DEFAULTS.withWrites(1, 5))) {
            ApiClient api = ApiClient.local(m.httpPort(), TIMEOUT);
            String admin = m.adminToken();
            List<Integer> statuses = new ArrayList<>();
            HttpResponse<String> limited = null;
            for (int i = 0; i < 12 && limited == null; i++) {
                HttpResponse<String> r = api.send("PUT", "/v1/sites/lim-" + i, admin, ApiClient.JSON,
                        Api.site("Islamabad").encode());
                statuses.add(r.statusCode());
                if (r.statusCode() == 429) {
                    limited = r;
                }
            }
            assertThat(limited).as("statuses %s", statuses).isNotNull();
            // the same token from another address: the token's own bucket is empty too
            Raw other = raw("127.0.0.2", m, "PUT", "/v1/sites/lim-other", admin, ApiClient.JSON, Api.site("Lahore").encode());
            assertThat(other.status()).as(other.body()).isEqualTo(429);
            assertThat(other.body()).contains("with this token");
            assertThat(other.headers()).containsKey("retry-after");
            assertThat(statuses.subList(0, 5)).as("the burst passes").allMatch(s -> s == 201);
            JsonObject p = problem(limited, 429);
            assertThat(p.getString("detail")).contains("writes a second").contains("Retry-After");
            int retry = retryAfter(limited);
            assertThat(retry).isBetween(1, 2);

            // reads have their own, higher limit
            for (int i = 0; i < 20; i++) {
                assertThat(api.get("/v1/sites", admin).statusCode()).isEqualTo(200);
            }
            // another address without a token is its own client
            Raw anonymous = raw("127.0.0.3", m, "GET", "/v1/health", null, null, null);
            assertThat(anonymous.status()).isEqualTo(200);

            // after Retry-After the client may write again
            Thread.sleep(retry * 1000L + 100);
            HttpResponse<String> again = api.send("PUT", "/v1/sites/lim-again", admin, ApiClient.JSON,
                    Api.site("Karachi").encode());
            assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
            assertThat(metric(m, "hubdns_api_limited_total{limit=\"write\"}")).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void failedAuthenticationFloodGets429WhileAValidTokenFromTheSameAddressStillWorks() throws Exception {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(ApiLimiter.class);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try (RunningServer m = member(ApiLimits.DEFAULTS.withAuthFailures(1, 3))) {
            String admin = m.adminToken();
            String flooder = "127.0.0.5";
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                statuses.add(raw(flooder, m, "GET", "/v1/whoami", "wrong-" + i, null, null).status());
            }
            assertThat(statuses.subList(0, 3)).as("%s", statuses).containsOnly(401);
            assertThat(statuses.subList(3, 20)).as("%s", statuses).contains(429).doesNotContain(200);
            Raw refused = raw(flooder, m, "GET", "/v1/whoami", "still-wrong", null, null);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.headers()).containsKey("retry-after");
            assertThat(refused.headers().get("content-type")).startsWith("application/problem+json");
            assertThat(refused.body()).contains("failed authentications").contains("valid token");

            // a valid token from the flooding address is not refused, to read or to write
            Raw whoami = raw(flooder, m, "GET", "/v1/whoami", admin, null, null);
            assertThat(whoami.status()).as(whoami.body()).isEqualTo(200);
            assertThat(whoami.body()).contains("admin");
            Raw write = raw(flooder, m, "PUT", "/v1/sites/after-flood", admin, ApiClient.JSON, Api.site("Quetta").encode());
            assertThat(write.status()).as(write.body()).isEqualTo(201);
            // nor is another address's first failure
            assertThat(raw("127.0.0.6", m, "GET", "/v1/whoami", "wrong", null, null).status()).isEqualTo(401);
            // no token at all counts as "missing"
            assertThat(raw("127.0.0.7", m, "GET", "/v1/nodes", null, null, null).status()).isEqualTo(401);
            assertThat(raw("127.0.0.7", m, "POST", "/v1/nodes", "", ApiClient.JSON, "{}").status()).isEqualTo(401);

            assertThat(metric(m, "hubdns_api_auth_failures_total{reason=\"invalid\"}")).isEqualTo(22);
            assertThat(metric(m, "hubdns_api_auth_failures_total{reason=\"missing\"}")).isEqualTo(2);
            assertThat(metric(m, "hubdns_api_auth_failures_total{reason=\"expired\"}")).isEqualTo(0);
            assertThat(metric(m, "hubdns_api_limited_total{limit=\"auth-failure\"}")).isGreaterThanOrEqualTo(1);

            // one WARN per address within the minute, saying what was wrong
            List<String> warns = seen.list.stream().filter(e -> e.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(warns.stream().filter(w -> w.contains("from " + flooder + ":")).toList()).hasSize(1)
                    .allSatisfy(w -> assertThat(w).contains("authentication failed").contains("token"));
            assertThat(warns.stream().filter(w -> w.contains("from 127.0.0.7:")).toList()).hasSize(1)
                    .allSatisfy(w -> assertThat(w).contains("no bearer token"));
        } finally {
            log.detachAppender(seen);
        }
    }

    @Test
    void aThirdConcurrentLargeUploadGets503AndASlotFreesWhenAnUploadEnds() throws Exception {
        try (RunningServer m = member(ApiLimits.DEFAULTS)) {
            ApiClient api = ApiClient.local(m.httpPort(), TIMEOUT);
            String admin = m.adminToken();
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    Socket s = connect("127.0.0.1", m);
                    OutputStream out = s.getOutputStream();
                    out.write(("PUT /v1/geoip HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + admin
                            + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + (10 << 20)
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(new byte[64 << 10]);
                    out.flush();
                    stalled.add(s);
                }
                Await.until(Duration.ofSeconds(10), "two uploads in progress",
                        () -> metric(m, "hubdns_api_uploads_in_progress") == 2);

                HttpResponse<String> third = api.send("PUT", "/v1/coverage-zones", admin, ApiClient.JSON, "[]");
                JsonObject p = problem(third, 503);
                assertThat(p.getString("detail")).contains("large uploads").contains("retry");
                assertThat(retryAfter(third)).isPositive();
                HttpResponse<String> fourth = api.send("PUT", "/v1/geoip", admin, "application/octet-stream",
                        new byte[1024]);
                problem(fourth, 503);
                // small writes are not uploads
                assertThat(api.send("PUT", "/v1/sites/during-uploads", admin, ApiClient.JSON,
                        Api.site("Multan").encode()).statusCode()).isEqualTo(201);

                stalled.remove(0).close(); // a client that gives up frees its slot
                Await.until(Duration.ofSeconds(10), "one upload in progress",
                        () -> metric(m, "hubdns_api_uploads_in_progress") == 1);
                HttpResponse<String> next = api.send("PUT", "/v1/coverage-zones", admin, ApiClient.JSON, "[]");
                assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
                assertThat(metric(m, "hubdns_api_limited_total{limit=\"large-upload\"}")).isEqualTo(2);
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }
            Await.until(Duration.ofSeconds(10), "no upload in progress",
                    () -> metric(m, "hubdns_api_uploads_in_progress") == 0);
        }
    }

    @Test
    void anUploadOverItsLimitGets413WithoutTheHeapGrowingByTheBody() throws Exception {
        try (RunningServer m = member(ApiLimits.DEFAULTS)) {
            String admin = m.adminToken();
            long body = GeoIpApi.MAX_BYTES + (1 << 20);
            // announced: refused before a byte of the body is read
            Raw announced = raw("127.0.0.1", m, "PUT", "/v1/geoip", admin, "application/octet-stream", null,
                    Map.of("Content-Length", Long.toString(body)));
            assertThat(announced.status()).as(announced.body()).isEqualTo(413);
            assertThat(announced.body()).contains("200 MiB");

            // chunked, so the member finds out only by counting: it must not have kept what it read
            System.gc();
            List<MemoryPoolMXBean> tenured = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP)
                    .filter(p -> !p.getName().contains("Eden") && !p.getName().contains("Survivor")).toList();
            long before = 0;
            for (MemoryPoolMXBean p : tenured) {
                p.resetPeakUsage();
                before += p.getUsage().getUsed();
            }
            Raw chunked = chunkedUpload(m, admin, body);
            long peak = 0;
            for (MemoryPoolMXBean p : tenured) {
                peak += p.getPeakUsage().getUsed();
            }
            assertThat(chunked.status()).as(chunked.body()).isEqualTo(413);
            assertThat(chunked.body()).contains("GeoIP database upload is limited to 200 MiB");
            long grew = peak - before;
            System.out.printf(Locale.ROOT, "413 after %d MiB streamed: long-lived heap grew by at most %d MiB%n",
                    body >> 20, grew >> 20);
            assertThat(grew).as("long-lived heap growth during a %d MiB upload", body >> 20).isLessThan(64L << 20);
            // and the member still serves
            assertThat(ApiClient.local(m.httpPort(), TIMEOUT).get("/v1/geoip", admin).statusCode()).isEqualTo(200);
        }
    }

    // ---- helpers ----

    record Raw(int status, Map<String, String> headers, String body) {
    }

    private static Socket connect(String from, RunningServer m) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout((int) TIMEOUT.toMillis());
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), m.httpPort()), 5000);
        return s;
    }

    private static Raw raw(String from, RunningServer m, String method, String path, String token, String type,
            String body) throws IOException {
        return raw(from, m, method, path, token, type, body, Map.of());
    }

    /** One HTTP/1.1 request from a socket bound to {@code from} (a 127.0.0.x address), read to the end. */
    private static Raw raw(String from, RunningServer m, String method, String path, String token, String type,
            String body, Map<String, String> extra) throws IOException {
        try (Socket s = connect(from, m)) {
            byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\n");
            if (token != null) {
                req.append("Authorization: Bearer ").append(token).append("\r\n");
            }
            if (type != null) {
                req.append("Content-Type: ").append(type).append("\r\n");
            }
            extra.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            if (!extra.containsKey("Content-Length")) {
                req.append("Content-Length: ").append(b.length).append("\r\n");
            }
            req.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.write(b);
            out.flush();
            return read(s.getInputStream());
        }
    }

    /** Streams {@code bytes} of zeros, chunked, and reads the response on another thread meanwhile. */
    private static Raw chunkedUpload(RunningServer m, String admin, long bytes) throws Exception {
        try (Socket s = connect("127.0.0.1", m)) {
            CompletableFuture<Raw> response = CompletableFuture.supplyAsync(() -> {
                try {
                    return read(s.getInputStream());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            OutputStream out = s.getOutputStream();
            out.write(("PUT /v1/geoip HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + admin
                    + "\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[256 << 10];
            byte[] head = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
            try {
                for (long sent = 0; sent < bytes && !response.isDone(); sent += chunk.length) {
                    out.write(head);
                    out.write(chunk);
                    out.write(crlf);
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException closedByTheMember) {
                // expected: the member closes the connection after its 413
            }
            return response.get(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** Status line, headers (lower-case names) and the body up to Content-Length or the end. */
    private static Raw read(InputStream in) throws IOException {
        ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
        int matched = 0;
        for (int c; matched < 4 && (c = in.read()) >= 0; ) {
            headBytes.write(c);
            matched = (c == '\r' || c == '\n') && "\r\n\r\n".charAt(matched) == c ? matched + 1 : 0;
        }
        String[] lines = headBytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
        }
        byte[] body = headers.containsKey("content-length")
                ? in.readNBytes(Integer.parseInt(headers.get("content-length"))) : in.readAllBytes();
        return new Raw(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static JsonObject problem(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(ApiClient.contentType(r)).startsWith("application/problem+json");
        JsonObject p = new JsonObject(r.body());
        assertThat(p.getInteger("status")).isEqualTo(status);
        return p;
    }

    private static int retryAfter(HttpResponse<String> r) {
        return Integer.parseInt(r.headers().firstValue("Retry-After").orElseThrow());
    }

    /** One sample of {@code GET /metrics}, e.g. {@code name{label="value"}}; 0 when absent. */
    private static long metric(RunningServer m, String sample) throws Exception {
        String text = ApiClient.local(m.httpPort(), TIMEOUT).get("/metrics", null).body();
        Matcher x = Pattern.compile("(?m)^" + Pattern.quote(sample) + " ([0-9.eE+-]+)$").matcher(text);
        return x.find() ? (long) Double.parseDouble(x.group(1)) : 0;
    }
}
