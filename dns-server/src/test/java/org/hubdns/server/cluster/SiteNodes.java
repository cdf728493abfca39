package org.hubdns.server.cluster;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A site's cache nodes for {@link SitesTest}, run as a process of its own inside the site's network
 * namespace (a test JVM cannot open sockets in another namespace): {@code GET} any path on
 * {@code address:port} answers 200, or 503 while the file {@code <dir>/<address>.down} exists, so
 * the test fails and recovers a node by touching and deleting a file.
 *
 * <p>{@code SiteNodes DIR PORT ADDRESS...}
 */
public final class SiteNodes {
    private SiteNodes() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        for (int i = 2; i < args.length; i++) {
            String address = args[i];
            Path down = dir.resolve(address + ".down");
            HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 64);
            server.createContext("/", exchange -> {
                int status = Files.exists(down) ? 503 : 200;
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
        }
        System.out.println("nodes ready");
        Thread.currentThread().join();
    }
}
