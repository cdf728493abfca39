package org.hubdns.server.http;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How a member's HTTP API listens: HTTPS or plain HTTP, and the limits that keep slow or idle clients
 * from holding connections (the API, the dashboard and {@code /metrics} share one listener).
 *
 * @param tls the certificate and key files, null for plain HTTP
 * @param insecureHttp plain HTTP allowed on a non-loopback address ({@code --insecure-http}: a member
 *        behind a TLS-terminating proxy)
 * @param headerTimeoutSeconds a new connection's first request line and headers must arrive within this
 * @param bodyTimeoutSeconds a request's whole body must arrive within this after its headers
 * @param keepAliveSeconds a kept-alive connection with no request in progress is closed after this
 * @param maxConnections more concurrent connections than this are closed as they are accepted
 * @param tlsCheckSeconds how often the certificate files are checked for a change; 0: only on SIGHUP
 */
public record HttpSettings(Tls tls, boolean insecureHttp, int headerTimeoutSeconds, int bodyTimeoutSeconds,
        int keepAliveSeconds, int maxConnections, int tlsCheckSeconds) {
    public static final int DEFAULT_HEADER_TIMEOUT = 10;
    /** Long enough for the largest upload (a 200 MiB GeoIP database) at about 1 MB/s. */
    public static final int DEFAULT_BODY_TIMEOUT = 300;
    public static final int DEFAULT_KEEP_ALIVE = 30;
    public static final int DEFAULT_MAX_CONNECTIONS = 512;
    public static final int DEFAULT_TLS_CHECK = 10;

    /** Plain HTTP with the default limits (tests on loopback). */
    public static final HttpSettings DEFAULT = new HttpSettings(null, false, DEFAULT_HEADER_TIMEOUT,
            DEFAULT_BODY_TIMEOUT, DEFAULT_KEEP_ALIVE, DEFAULT_MAX_CONNECTIONS, DEFAULT_TLS_CHECK);

    /** The PEM files: {@code --tls-cert} (the certificate, then any intermediates) and {@code --tls-key}. */
    public record Tls(Path cert, Path key) {
        public Tls {
            Objects.requireNonNull(cert, "cert");
            Objects.requireNonNull(key, "key");
        }
    }

    public HttpSettings {
        if (headerTimeoutSeconds < 1 || bodyTimeoutSeconds < 1 || keepAliveSeconds < 1) {
            throw new IllegalArgumentException("HTTP time limits must be at least 1 second");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("the HTTP connection cap must be at least 1");
        }
        if (tlsCheckSeconds < 0) {
            throw new IllegalArgumentException("the TLS file check interval must be 0 (off) or more seconds");
        }
    }

    public boolean https() {
        return tls != null;
    }

    public HttpSettings withTls(Tls files, int checkSeconds) {
        return new HttpSettings(files, insecureHttp, headerTimeoutSeconds, bodyTimeoutSeconds, keepAliveSeconds,
                maxConnections, checkSeconds);
    }

    public HttpSettings withLimits(int headerTimeout, int bodyTimeout, int keepAlive, int connections) {
        return new HttpSettings(tls, insecureHttp, headerTimeout, bodyTimeout, keepAlive, connections, tlsCheckSeconds);
    }
}
