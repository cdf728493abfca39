package org.hubdns.bgpfeed;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** {@code POST {api}/v1/coverage-feeds/{feed}/updates} over java.net.http, with an optional PEM CA for https. */
final class FeedApi {
    /**
     * The API's answer: its status, (the start of) its body, and how long its {@code Retry-After}
     * asks to wait (a 429 or 503 of the API's limits), or -1 without one.
     */
    record Reply(int status, String body, long retryAfterMillis) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    /** A day: a longer Retry-After is taken as a day (the forwarder caps its wait far lower anyway). */
    private static final long MAX_RETRY_AFTER_SECONDS = 86_400;

    /**
     * {@code Retry-After} in milliseconds: delta-seconds or an HTTP date (RFC 9110 10.2.3); -1 when
     * absent or unreadable (the caller's own backoff then applies).
     */
    static long retryAfterMillis(String value, long nowMillis) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        String v = value.strip();
        if (v.chars().allMatch(Character::isDigit)) {
            return v.length() > 6 ? MAX_RETRY_AFTER_SECONDS * 1000
                    : Math.min(Long.parseLong(v), MAX_RETRY_AFTER_SECONDS) * 1000;
        }
        try {
            long at = java.time.ZonedDateTime.parse(v, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant().toEpochMilli();
            return Math.max(0, Math.min(at - nowMillis, MAX_RETRY_AFTER_SECONDS * 1000));
        } catch (java.time.format.DateTimeParseException e) {
            return -1;
        }
    }

    private final HttpClient client;
    private final URI updates;
    private final String token;
    private final Duration timeout;

    FeedApi(URI api, String feed, String token, Path caCert, Duration timeout) throws IOException, GeneralSecurityException {
        String base = api.toString().replaceAll("/+$", "");
        this.updates = URI.create(base + "/v1/coverage-feeds/" + URLEncoder.encode(feed, StandardCharsets.UTF_8)
                .replace("+", "%20") + "/updates");
        this.token = token;
        this.timeout = timeout;
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5));
        if (caCert != null) {
            b.sslContext(trusting(caCert));
        }
        this.client = b.build();
    }

    URI updates() {
        return updates;
    }

    /** Posts the body (empty: a heartbeat). IOException when the API could not be reached or did not answer in time. */
    Reply post(byte[] ndjson) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(updates).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(ndjson));
        if (ndjson.length > 0) {
            r.header("Content-Type", "application/x-ndjson");
        }
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> resp = client.send(r.build(), HttpResponse.BodyHandlers.ofString());
        String body = resp.body() == null ? "" : resp.body();
        return new Reply(resp.statusCode(), body.length() > 300 ? body.substring(0, 300) + "..." : body,
                retryAfterMillis(resp.headers().firstValue("Retry-After").orElse(null), System.currentTimeMillis()));
    }

    /** An SSL context that trusts the certificates of a PEM file (and nothing else). */
    static SSLContext trusting(Path pem) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(pem)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (certs.isEmpty()) {
            throw new GeneralSecurityException(pem + ": no PEM certificate in it");
        }
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        for (Certificate c : certs) {
            ks.setCertificateEntry("ca" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
