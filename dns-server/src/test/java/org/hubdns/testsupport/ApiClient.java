package org.hubdns.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The one small HTTP client the tests talk to a member's API with: bearer token, content type,
 * body, the response as text. Fixtures keep their own shortcuts (JSON parsing, tokens) on top.
 */
public final class ApiClient {
    public static final String JSON = "application/json";
    /** Java's default client (HTTP/2 offered by upgrade, spoken as HTTP/1.1 by the server). */
    public static final HttpClient DEFAULT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Plain HTTP/1.1, as curl speaks it (the cluster and GeoIP fixtures). */
    public static final HttpClient HTTP_1_1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final HttpClient http;
    private final String base;
    private final Duration timeout;

    /**
     * @param base e.g. {@code http://127.0.0.1:8080}
     * @param timeout how long one request may take
     */
    public ApiClient(HttpClient http, String base, Duration timeout) {
        this.http = http;
        this.base = base;
        this.timeout = timeout;
    }

    /** The API of the member whose HTTP port on 127.0.0.1 is {@code port}. */
    public static ApiClient local(int port, Duration timeout) {
        return new ApiClient(DEFAULT, "http://127.0.0.1:" + port, timeout);
    }

    public URI uri(String path) {
        return URI.create(base + path);
    }

    /** A request with the timeout set; {@code token} and {@code contentType} may be null. */
    public HttpRequest.Builder request(String method, String path, String token, String contentType,
            HttpRequest.BodyPublisher body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(timeout).method(method, body);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return b;
    }

    public HttpRequest.Builder request(String method, String path, String token, String contentType, String body) {
        return request(method, path, token, contentType, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }

    public HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> send(String method, String path, String token, String contentType, String body)
            throws IOException, InterruptedException {
        return send(request(method, path, token, contentType, body));
    }

    public HttpResponse<String> send(String method, String path, String token, String contentType, byte[] body)
            throws IOException, InterruptedException {
        return send(request(method, path, token, contentType, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    public HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        return send("GET", path, token, null, (String) null);
    }

    public static String contentType(HttpResponse<?> r) {
        return r.headers().firstValue("Content-Type").orElse("");
    }
}
