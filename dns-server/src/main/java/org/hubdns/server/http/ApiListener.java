package org.hubdns.server.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.ServerSSLOptions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The member's one HTTP listener (API, dashboard, {@code /metrics}): HTTPS when {@code --tls-cert}
 * and {@code --tls-key} are given, with {@link SlowClients}' limits either way. The certificate is
 * re-read on {@link #reloadTls} (SIGHUP) and, every {@link HttpSettings#tlsCheckSeconds()}, when the
 * files' contents changed (ACME clients renew under a running member). A new pair is checked before it
 * is switched to ({@link HttpServer#updateSSLOptions}: new connections get it, open ones keep theirs);
 * a bad one is refused with one log line per bad content and the old one keeps serving.
 */
public final class ApiListener {
    private static final Logger LOG = LoggerFactory.getLogger(ApiListener.class);
    /** TLS 1.0 and 1.1 are deprecated (RFC 8996). */
    static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

    private final Vertx vertx;
    private final HttpSettings settings;
    private final HttpServer server;
    private final SlowClients slowClients;
    private volatile CertificatePair served;
    /** The digest of the last pair refused, so that a pair left broken on disk is logged once, not every check. */
    private String lastRefused;
    private long checkTimer = -1;

    private ApiListener(Vertx vertx, HttpSettings settings, CertificatePair pair, Handler<HttpServerRequest> handler) {
        this.vertx = vertx;
        this.settings = settings;
        this.served = pair;
        this.slowClients = new SlowClients(vertx, settings);
        HttpServerOptions options = new HttpServerOptions().setIdleTimeout(60)
                // no h2c upgrades: clients racing the upgrade with a response got garbled frames
                .setHttp2ClearTextEnabled(false);
        if (pair != null) {
            ServerSSLOptions ssl = sslOptions(pair);
            options.setSsl(true).setKeyCertOptions(ssl.getKeyCertOptions())
                    .setEnabledSecureTransportProtocols(ssl.getEnabledSecureTransportProtocols())
                    .setUseAlpn(false) // HTTP/1.1 only, as over plain HTTP: one set of limits to reason about
                    .setSslHandshakeTimeout(settings.headerTimeoutSeconds()).setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
        }
        this.server = vertx.createHttpServer(options)
                .connectionHandler(slowClients::accepted)
                .requestHandler(req -> {
                    slowClients.requested(req);
                    handler.handle(req);
                });
    }

    /**
     * @param pair the certificate read (and checked) at start-up, null for plain HTTP; must be given
     *        exactly when {@code settings} has TLS files
     */
    public static ApiListener create(Vertx vertx, HttpSettings settings, CertificatePair pair,
            Handler<HttpServerRequest> handler) {
        if ((pair == null) == settings.https()) {
            throw new IllegalArgumentException("a certificate pair is needed exactly when TLS files are set");
        }
        return new ApiListener(vertx, settings, pair, handler);
    }

    public Future<HttpServer> listen(int port, String host) {
        return server.listen(port, host).onSuccess(s -> {
            CertificatePair pair = served;
            if (pair != null) {
                LOG.info("HTTPS (TLS 1.2 and 1.3) with {}", pair.describe());
                String problem = pair.validityProblem(Instant.now());
                if (problem != null) {
                    LOG.warn("--tls-cert {}: {}", settings.tls().cert(), problem);
                }
                if (settings.tlsCheckSeconds() > 0) {
                    checkTimer = vertx.setPeriodic(settings.tlsCheckSeconds() * 1000L,
                            t -> vertx.executeBlocking(() -> reread(false), false).onFailure(e -> LOG.error(
                                    "checking the TLS certificate files failed, still serving {}: {}",
                                    served.describe(), e.toString())));
                }
            }
        });
    }

    public boolean https() {
        return settings.https();
    }

    public int actualPort() {
        return server.actualPort();
    }

    /** Open connections (at most {@code --http-max-connections}). */
    public int openConnections() {
        return slowClients.open();
    }

    /** Connections refused over the cap since start. */
    public long refusedConnections() {
        return slowClients.refused();
    }

    /** Connections closed for slow headers or body since start. */
    public long slowConnectionsClosed() {
        return slowClients.timedOut();
    }

    /** The certificate served now, null without TLS. */
    public CertificatePair certificate() {
        return served;
    }

    /**
     * Re-reads the certificate and key files (SIGHUP) off the event loop and switches to them when
     * they changed and are a valid pair. A refusal is logged; plain HTTP answers {@link TlsReload.Unchanged}.
     */
    public Future<TlsReload> reloadTls() {
        if (!settings.https()) {
            return Future.succeededFuture(new TlsReload.Unchanged("no --tls-cert: plain HTTP"));
        }
        return vertx.executeBlocking(() -> reread(true), false);
    }

    public Future<Void> close() {
        if (checkTimer >= 0) {
            vertx.cancelTimer(checkTimer);
        }
        return server.close();
    }

    /** Blocking: reads both files, checks them and swaps; one at a time (a SIGHUP may meet a timed check). */
    private synchronized TlsReload reread(boolean asked) throws Exception {
        HttpSettings.Tls files = settings.tls();
        CertificatePair old = served;
        byte[] cert;
        byte[] key;
        try {
            cert = CertificatePair.readFile(files.cert(), "--tls-cert", "the PEM certificate (chain)");
            key = CertificatePair.readFile(files.key(), "--tls-key", "the PEM private key");
        } catch (TlsPairException e) {
            return refused(e.getMessage(), "missing:" + e.getMessage(), asked);
        }
        if (old.sameAs(cert, key)) {
            lastRefused = null;
            if (asked) {
                LOG.info("TLS certificate files unchanged on SIGHUP: serving {}", old.describe());
            }
            return new TlsReload.Unchanged(old.describe());
        }
        String digest = digest(cert, key);
        CertificatePair next;
        try {
            next = CertificatePair.read(files);
        } catch (TlsPairException e) {
            return refused(e.getMessage(), digest, asked);
        }
        if (!next.sameAs(cert, key)) {
            // the files changed again between the two reads (a renewal in progress): the next check sees it
            return refused("the files changed while they were read", "racing", false);
        }
        try {
            server.updateSSLOptions(sslOptions(next), true).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return refused("the TLS engine refused it (" + e.getCause().getMessage() + ")", digest, asked);
        }
        served = next;
        lastRefused = null;
        LOG.info("TLS certificate reloaded{}: now serving {} (was serial {})", asked ? " on SIGHUP" : " (files changed)",
                next.describe(), old.leaf().getSerialNumber().toString(16));
        String problem = next.validityProblem(Instant.now());
        if (problem != null) {
            LOG.warn("--tls-cert {}: {}", files.cert(), problem);
        }
        return new TlsReload.Swapped(next.describe());
    }

    private TlsReload refused(String reason, String digest, boolean asked) {
        if (asked || !digest.equals(lastRefused)) {
            LOG.error("new TLS certificate refused, still serving {}: {}", served.describe(), reason);
        }
        lastRefused = digest;
        return new TlsReload.Refused(reason);
    }

    private static ServerSSLOptions sslOptions(CertificatePair pair) {
        return new ServerSSLOptions().setKeyCertOptions(pair.options()).setEnabledSecureTransportProtocols(PROTOCOLS)
                .setUseAlpn(false);
    }

    private static String digest(byte[] cert, byte[] key) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(cert);
            md.update(key);
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
