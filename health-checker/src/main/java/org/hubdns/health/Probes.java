package org.hubdns.health;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.ArrayList;
import java.util.List;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.HealthCheck;
import org.hubdns.cluster.model.ProbePolicy;

/**
 * Runs one check against every address of a node, on the caller's Vert.x context, never blocking
 * it: {@code http} opens a fresh connection (no keep-alive: a probe must see what a new client
 * sees) and compares the status; {@code tcp} connects and closes. The whole probe of an address is
 * bounded by {@code timeoutMs}; a node passes when every address passes.
 */
final class Probes {
    static final String USER_AGENT = "hubdns-health/1";

    private final Vertx vertx;
    private final HttpClientAgent http;
    private final NetClient tcp;
    private final ProbePolicy policy;

    Probes(Vertx vertx, ProbePolicy policy, String sourceAddress) {
        this.vertx = vertx;
        this.policy = policy;
        HttpClientOptions ho = new HttpClientOptions().setKeepAlive(false).setMaxRedirects(0)
                .setName("hubdns-health");
        NetClientOptions no = new NetClientOptions();
        if (sourceAddress != null) {
            ho.setLocalAddress(sourceAddress);
            no.setLocalAddress(sourceAddress);
        }
        // probes of many nodes share one client: the pool must not queue them behind each other
        this.http = vertx.createHttpClient(ho, new PoolOptions().setHttp1MaxSize(4096).setMaxWaitQueueSize(-1));
        this.tcp = vertx.createNetClient(no);
    }

    Future<ProbeResult> run(CacheNode node, HealthCheck check) {
        long t0 = System.nanoTime();
        List<Future<String>> each = new ArrayList<>(node.addresses().size());
        for (String a : node.addresses()) {
            each.add(policy.allows(a) ? probe(a, check)
                    : Future.succeededFuture("not probed: " + a + " is outside this member's --probe-allow ("
                            + policy.describe() + ")"));
        }
        return Future.join(each).transform(ar -> {
            long micros = (System.nanoTime() - t0) / 1000;
            String error = null;
            boolean timedOut = false;
            for (Future<String> f : each) {
                String e = f.succeeded() ? f.result() : String.valueOf(f.cause().getMessage());
                if (e != null && error == null) {
                    error = e;
                    timedOut = e.contains("timed out");
                }
            }
            return Future.succeededFuture(new ProbeResult(error == null, micros, System.currentTimeMillis(), error,
                    timedOut));
        });
    }

    /** Null when the address passed; else what was wrong. */
    private Future<String> probe(String address, HealthCheck c) {
        Promise<String> done = Promise.promise();
        int timeout = c.timeoutMs();
        String where = (address.contains(":") ? "[" + address + "]" : address) + ":" + c.port();
        long timer = vertx.setTimer(timeout, t -> done.tryComplete(where + ": timed out after " + timeout + " ms"));
        Future<String> attempt = "http".equals(c.type()) ? http(address, where, c) : tcp(address, where, c);
        attempt.onComplete(ar -> {
            vertx.cancelTimer(timer);
            done.tryComplete(ar.succeeded() ? ar.result() : where + ": " + describe(ar.cause()));
        });
        return done.future();
    }

    private Future<String> http(String address, String where, HealthCheck c) {
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setHost(address).setPort(c.port())
                .setURI(c.path()).setConnectTimeout(c.timeoutMs()).setIdleTimeout(c.timeoutMs())
                .putHeader("Host", where).putHeader("User-Agent", USER_AGENT);
        return http.request(ro).compose(req -> req.send().compose(resp -> {
            int status = resp.statusCode();
            resp.handler(ignored -> { }); // the body is read and dropped, never buffered
            return resp.end().map(done -> status == c.expectStatus() ? null
                    : where + ": HTTP status " + status + ", expected " + c.expectStatus());
        }));
    }

    private Future<String> tcp(String address, String where, HealthCheck c) {
        return tcp.connect(new ConnectOptions().setHost(address).setPort(c.port()).setTimeout(c.timeoutMs()))
                .map(socket -> {
                    socket.close();
                    return (String) null;
                });
    }

    private static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        // Netty prefixes "connection refused" with the address we already name
        int colon = m.indexOf(": ");
        if (m.toLowerCase().contains("connection refused")) {
            return "connection refused";
        }
        if (m.toLowerCase().contains("timed out") || m.toLowerCase().contains("timeout")) {
            return "timed out";
        }
        return colon > 0 && m.startsWith("/") ? m.substring(colon + 2) : m;
    }

    void close() {
        http.close();
        tcp.close();
    }
}
