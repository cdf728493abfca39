package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.hubdns.server.http.HttpSettings;
import org.hubdns.testsupport.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP listener's limits on slow and idle clients, with real sockets to a real member on
 * 127.0.0.1: headers sent a line at a time, a body that trickles, a kept-alive connection left idle,
 * and one connection more than the cap.
 */
class SlowClientsTest {
    private RunningServer server;
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(int headerS, int bodyS, int keepAliveS, int maxConnections) throws Exception {
        server = RunningServer.demo(c -> c.withHttp(HttpSettings.DEFAULT.withLimits(headerS, bodyS, keepAliveS,
                maxConnections)));
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(RunningServer.LOOPBACK, server.httpPort());
        s.setSoTimeout(200);
        sockets.add(s);
        return s;
    }

    /** True once the server has closed {@code s} (end of stream or reset); reads and drops what arrives. */
    private static boolean closedByServer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    /** Writes {@code chunk} every 200 ms until the server closes the connection; returns how long that took. */
    private static Duration trickle(Socket s, String chunk, Duration limit) throws Exception {
        OutputStream out = s.getOutputStream();
        return Await.timed(limit, "the server closes the trickling connection", () -> {
            try {
                out.write(chunk.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                return true;
            }
            Thread.sleep(200);
            return closedByServer(s);
        });
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    }

    /** Sends one request on {@code s} and reads the whole response (it has a Content-Length). */
    private static String exchange(Socket s, String request) throws IOException {
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        s.setSoTimeout(5000);
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after: " + head);
            }
            head.append((char) b);
        }
        String h = head.toString();
        int length = Integer.parseInt(h.replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
        byte[] body = in.readNBytes(length);
        s.setSoTimeout(200);
        return h + new String(body, StandardCharsets.UTF_8);
    }

    @Test
    void headersSentSlowlyAreCutOffAtTheHeaderTimeout() throws Exception {
        start(1, 30, 30, 64);
        Socket s = connect();
        s.getOutputStream().write("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
        Duration took = trickle(s, "X-Slow: 1\r\n", Duration.ofSeconds(10));
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(server.server().httpListener().slowConnectionsClosed()).isEqualTo(1);
        // a client that sends its request at once is served, and sees the slow one counted
        assertThat(exchange(connect(), get("/v1/health"))).startsWith("HTTP/1.1 200");
        assertThat(exchange(connect(), get("/metrics"))).contains("hubdns_http_connections_slow_closed_total 1.0");
    }

    @Test
    void aBodyThatTricklesIsCutOffAtTheBodyTimeout() throws Exception {
        start(30, 1, 30, 64);
        Socket s = connect();
        s.getOutputStream().write(("PUT /v1/sites/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + server.adminToken() + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
                .getBytes(StandardCharsets.US_ASCII));
        Duration took = trickle(s, " ", Duration.ofSeconds(10));
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(server.server().httpListener().slowConnectionsClosed()).isEqualTo(1);
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAndABusyOneIsNot() throws Exception {
        start(30, 30, 1, 64);
        Socket busy = connect();
        for (int i = 0; i < 4; i++) { // 4 requests 400 ms apart: never idle for the whole second
            assertThat(exchange(busy, get("/v1/health"))).startsWith("HTTP/1.1 200");
            Thread.sleep(400);
        }
        Socket idle = connect();
        assertThat(exchange(idle, get("/v1/health"))).startsWith("HTTP/1.1 200");
        long t0 = System.nanoTime();
        Await.until(Duration.ofSeconds(10), "the idle kept-alive connection is closed", () -> closedByServer(idle));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
        assertThat(server.server().httpListener().slowConnectionsClosed()).as("idle keep-alive is not a slow client")
                .isZero();
    }

    @Test
    void theConnectionOverTheCapIsClosedAndAFreedSlotServesAgain() throws Exception {
        start(30, 30, 30, 4);
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Socket s = connect();
            held.add(s);
            assertThat(exchange(s, get("/v1/health"))).startsWith("HTTP/1.1 200");
        }
        Socket fifth = connect();
        Await.until(Duration.ofSeconds(10), "the 5th connection is closed", () -> closedByServer(fifth));
        assertThat(server.server().httpListener().refusedConnections()).isEqualTo(1);
        assertThat(server.server().httpListener().openConnections()).isEqualTo(4);
        // the held ones still work, and an operator sees the refusal in the metrics
        assertThat(exchange(held.get(0), get("/v1/health"))).startsWith("HTTP/1.1 200");
        assertThat(exchange(held.get(1), get("/metrics"))).contains("hubdns_http_connections_refused_total 1.0",
                "hubdns_http_connections_open 4.0", "hubdns_http_connections_slow_closed_total 0.0");

        held.get(3).close();
        Await.until(Duration.ofSeconds(10), "the freed slot is counted", () ->
                server.server().httpListener().openConnections() == 3);
        assertThat(exchange(connect(), get("/v1/health"))).startsWith("HTTP/1.1 200");
    }
}
