package org.hubdns.server.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener's defence against clients that hold connections without using them: a cap on
 * concurrent connections (the one over it is closed as it is accepted), and per connection a time
 * limit on the request headers, on the request body, and on a kept-alive connection between requests.
 * Vert.x's own idle timeout does not do this: a client sending a byte every few seconds is never idle.
 *
 * <p>Each connection has one timer on its own event loop, ticking every {@link #TICK_MS}; the limits
 * are checked there, so nothing is added to the handlers that the router and the other routes own.
 */
final class SlowClients {
    private static final Logger LOG = LoggerFactory.getLogger(SlowClients.class);
    static final long TICK_MS = 250;

    private final Vertx vertx;
    private final HttpSettings settings;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final Map<HttpConnection, Watch> watches = new ConcurrentHashMap<>();
    private final AtomicLong lastWarnNanos = new AtomicLong(System.nanoTime() - 120_000_000_000L);
    private final AtomicLong unreported = new AtomicLong();

    SlowClients(Vertx vertx, HttpSettings settings) {
        this.vertx = vertx;
        this.settings = settings;
    }

    /** The server's connection handler: runs on the connection's event loop as it is accepted. */
    void accepted(HttpConnection c) {
        if (open.incrementAndGet() > settings.maxConnections()) {
            open.decrementAndGet();
            refused.incrementAndGet();
            warn("refused an HTTP connection from " + c.remoteAddress() + ": " + settings.maxConnections()
                    + " are open (--http-max-connections)");
            c.close();
            return;
        }
        Watch w = new Watch(c);
        watches.put(c, w);
        w.timer = vertx.setPeriodic(TICK_MS, t -> w.tick());
        c.closeHandler(v -> {
            vertx.cancelTimer(w.timer);
            watches.remove(c);
            open.decrementAndGet();
        });
    }

    /** Called as each request's headers are complete, before the router sees it. */
    void requested(HttpServerRequest req) {
        Watch w = watches.get(req.connection());
        if (w != null) {
            w.request = req;
            w.state = State.REQUEST;
            w.since = System.nanoTime();
        }
    }

    int open() {
        return open.get();
    }

    long refused() {
        return refused.get();
    }

    long timedOut() {
        return timedOut.get();
    }

    private enum State { HEADERS, REQUEST, KEPT_ALIVE }

    /** One connection's clock; touched only on its event loop. */
    private final class Watch {
        final HttpConnection connection;
        long timer;
        State state = State.HEADERS;
        long since = System.nanoTime();
        HttpServerRequest request;

        Watch(HttpConnection connection) {
            this.connection = connection;
        }

        void tick() {
            long elapsedMs = (System.nanoTime() - since) / 1_000_000;
            switch (state) {
                case HEADERS -> {
                    if (elapsedMs > settings.headerTimeoutSeconds() * 1000L) {
                        close("request headers not complete within " + settings.headerTimeoutSeconds()
                                + " s (--http-header-timeout)");
                    }
                }
                case REQUEST -> {
                    if (request.response().ended()) {
                        state = State.KEPT_ALIVE;
                        since = System.nanoTime();
                        request = null;
                    } else if (!request.isEnded() && elapsedMs > settings.bodyTimeoutSeconds() * 1000L) {
                        close("request body not complete within " + settings.bodyTimeoutSeconds()
                                + " s (--http-body-timeout)");
                    }
                }
                case KEPT_ALIVE -> {
                    if (elapsedMs > settings.keepAliveSeconds() * 1000L) {
                        // an idle keep-alive is routine: closed without a warning
                        vertx.cancelTimer(timer);
                        connection.close();
                    }
                }
            }
        }

        void close(String why) {
            timedOut.incrementAndGet();
            vertx.cancelTimer(timer);
            warn("closed the HTTP connection from " + connection.remoteAddress() + ": " + why);
            connection.close();
        }
    }

    /** At most one WARN a minute (a flood of slow clients must not flood the log), counting the rest. */
    private void warn(String message) {
        long now = System.nanoTime();
        long last = lastWarnNanos.get();
        if (now - last >= 60_000_000_000L && lastWarnNanos.compareAndSet(last, now)) {
            long more = unreported.getAndSet(0);
            LOG.warn("{}{}", message, more == 0 ? "" : " (and " + more + " more refused or closed since the last "
                    + "such warning)");
        } else {
            unreported.incrementAndGet();
            LOG.debug(message);
        }
    }
}
