package org.hubdns.bgpfeed;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * A real HTTP server on 127.0.0.1 standing in for {@code POST /v1/coverage-feeds/{name}/updates}:
 * it records every request and answers 200, or the statuses queued with {@link #failNext}.
 */
final class RecordingApi implements AutoCloseable {
    /** One request as it arrived. */
    record Post(String method, String path, String contentType, String authorization, String body, long nanos) {
        boolean heartbeat() {
            return body.isEmpty();
        }

        List<String> lines() {
            return body.isEmpty() ? List.of() : List.of(body.split("\n"));
        }
    }

    final List<Post> posts = new CopyOnWriteArrayList<>();
    /** A queued failure: its status, and its Retry-After header value (null: none). */
    private record Failure(int status, String retryAfter) {
    }

    private final Deque<Failure> failures = new ConcurrentLinkedDeque<>();
    private final HttpServer server;

    private RecordingApi(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newSingleThreadExecutor());
        server.start();
    }

    static RecordingApi http() throws IOException {
        return new RecordingApi(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
    }

    static RecordingApi https(SSLContext tls) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(tls));
        return new RecordingApi(s);
    }

    String url() {
        return (server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next requests get these statuses (with a problem body), in order, and are not recorded. */
    void failNext(int... statuses) {
        for (int s : statuses) {
            failures.addLast(new Failure(s, null));
        }
    }

    /** The next request gets {@code status} with this {@code Retry-After} header, and is not recorded. */
    void failNext(int status, String retryAfter) {
        failures.addLast(new Failure(status, retryAfter));
    }

    /** Every line posted, in order (heartbeats have none). */
    List<String> lines() {
        List<String> out = new ArrayList<>();
        for (Post p : posts) {
            out.addAll(p.lines());
        }
        return out;
    }

    long heartbeats() {
        return posts.stream().filter(Post::heartbeat).count();
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        Failure fail = failures.pollFirst();
        byte[] reply;
        int status;
        if (fail != null) {
            status = fail.status();
            reply = ("{\"title\":\"test failure\",\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
            if (fail.retryAfter() != null) {
                ex.getResponseHeaders().add("Retry-After", fail.retryAfter());
            }
        } else {
            posts.add(new Post(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                    ex.getRequestHeaders().getFirst("Content-Type"), ex.getRequestHeaders().getFirst("Authorization"),
                    new String(body, StandardCharsets.UTF_8), System.nanoTime()));
            status = 200;
            reply = "{\"applied\":0,\"skipped\":0}".getBytes(StandardCharsets.UTF_8);
        }
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, reply.length);
        ex.getResponseBody().write(reply);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
