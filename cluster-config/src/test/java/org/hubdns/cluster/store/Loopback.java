package org.hubdns.cluster.store;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.function.BooleanSupplier;

/** What the tests that start real members on 127.0.0.1 share: a free port each, and a bounded wait. */
final class Loopback {
    static final InetAddress ADDRESS = InetAddress.getLoopbackAddress();

    private Loopback() {
    }

    /** A port free on loopback a moment ago, for a member's cluster port. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, ADDRESS)) {
            return s.getLocalPort();
        }
    }

    /** Polls {@code done} every 50 ms, for at most 30 s: members join, leave and copy at their own pace. */
    static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 30 s waiting until " + what);
            }
            Thread.sleep(50);
        }
    }
}
