package org.hubdns.server;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.hubdns.testsupport.FreePorts;

/**
 * A cache node's health endpoint for tests, on a loopback address (127.0.0.x) and a fixed port: an
 * HTTP server ({@code GET /health}) or a bare TCP listener that a test can stop and start again,
 * make answer another status, slow down, or refuse to a given prober (by source address). It keeps
 * the time and source of every probe it saw, so tests can count probes per interval and per prober.
 */
public final class StandIn implements AutoCloseable {
    /** One probe seen: when (System.nanoTime), from which address, for which path (null for TCP). */
    public record Hit(long nanos, String source, String path) {
    }

    private final InetAddress address;
    private final int port;
    private final boolean http;
    private final List<Hit> hits = new CopyOnWriteArrayList<>();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private volatile int status = 200;
    private volatile long delayMs;
    private HttpServer server;
    private ServerSocket socket;
    private ExecutorService pool;

    private StandIn(InetAddress address, int port, boolean http) {
        this.address = address;
        this.port = port;
        this.http = http;
    }

    /** An HTTP stand-in on {@code address} (e.g. "127.0.0.21") and a free port, started. */
    public static StandIn http(String address) throws IOException {
        return start(address, true);
    }

    /** A TCP stand-in (accepts and closes), started. */
    public static StandIn tcp(String address) throws IOException {
        return start(address, false);
    }

    private static StandIn start(String address, boolean http) throws IOException {
        InetAddress a = InetAddress.getByName(address);
        StandIn s = new StandIn(a, FreePorts.tcp(a), http);
        s.start();
        return s;
    }

    public synchronized StandIn start() throws IOException {
        if (pool != null) {
            return this;
        }
        pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stand-in-" + address.getHostAddress() + ":" + port);
            t.setDaemon(true);
            return t;
        });
        if (http) {
            server = HttpServer.create();
            server.bind(new InetSocketAddress(address, port), 100);
            server.setExecutor(pool);
            server.createContext("/", ex -> {
                String source = ex.getRemoteAddress().getAddress().getHostAddress();
                hits.add(new Hit(System.nanoTime(), source, ex.getRequestURI().getPath()));
                try (InputStream in = ex.getRequestBody()) {
                    in.readAllBytes();
                }
                long d = delayMs;
                if (d > 0) {
                    try {
                        Thread.sleep(d); // a slow node: the probe's timeout must cut it short
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                int code = refused.contains(source) ? 503 : status;
                byte[] body = ("status " + code + "\n").getBytes();
                ex.sendResponseHeaders(code, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            server.start();
        } else {
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port), 100);
            ServerSocket ss = socket;
            pool.execute(() -> {
                while (!ss.isClosed()) {
                    try (Socket c = ss.accept()) {
                        hits.add(new Hit(System.nanoTime(), c.getInetAddress().getHostAddress(), null));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }
        return this;
    }

    /** Stops listening: probes get "connection refused". */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closed anyway
            }
            socket = null;
        }
        if (pool != null) {
            pool.shutdownNow();
            try {
                pool.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            pool = null;
        }
    }

    public StandIn status(int code) {
        status = code;
        return this;
    }

    public StandIn delay(long ms) {
        delayMs = ms;
        return this;
    }

    /** Answers 503 to probes from {@code source} only: that prober's view of the node is bad. */
    public StandIn refuse(String source) {
        refused.add(source);
        return this;
    }

    public StandIn allow(String source) {
        refused.remove(source);
        return this;
    }

    public String address() {
        return address.getHostAddress();
    }

    public int port() {
        return port;
    }

    public List<Hit> hits() {
        return new ArrayList<>(hits);
    }

    public int count() {
        return hits.size();
    }

    /** Probes seen since {@code sinceNanos}, by source address. */
    public Map<String, Integer> sources(long sinceNanos) {
        Map<String, Integer> out = new java.util.TreeMap<>();
        for (Hit h : hits) {
            if (h.nanos() >= sinceNanos) {
                out.merge(h.source(), 1, Integer::sum);
            }
        }
        return out;
    }

    @Override
    public void close() {
        stop();
    }
}
