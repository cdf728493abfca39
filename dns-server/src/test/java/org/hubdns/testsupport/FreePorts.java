package org.hubdns.testsupport;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports nothing listens on right now, for members started as processes (in-JVM ones take port 0).
 *
 * <p>Picked below the kernel's ephemeral range (32768 and up on Linux) and never twice by one JVM:
 * a port the kernel gave out for port 0 is one it may give again at once to any outgoing
 * connection (a cluster member's, an HTTP client's) before the member under test binds it, which
 * made members started side by side fail with "address already in use".
 */
public final class FreePorts {
    private static final int FIRST = 20_000;
    private static final int SPAN = 12_000; // up to 31,999
    /** Where this JVM starts in the span: two test JVMs at once mostly take different ports. */
    private static final AtomicInteger NEXT = new AtomicInteger((int) (ProcessHandle.current().pid() * 997 % SPAN));

    private FreePorts() {
    }

    private static int candidate() {
        return FIRST + Math.floorMod(NEXT.getAndIncrement(), SPAN);
    }

    /** A port free for TCP on loopback. */
    public static int tcp() throws IOException {
        return tcp(InetAddress.getLoopbackAddress());
    }

    /** A port free for TCP on {@code a} (probed by binding it). */
    public static int tcp(InetAddress a) throws IOException {
        for (int i = 0; i < 200; i++) {
            int port = candidate();
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(a, port), 1);
                return port;
            } catch (IOException e) {
                // taken: try the next
            }
        }
        throw new IOException("no free TCP port found on " + a + " in " + FIRST + "-" + (FIRST + SPAN - 1));
    }

    /** A port free for both TCP and UDP on loopback (a DNS port). */
    public static int dns() throws IOException {
        return dns(InetAddress.getLoopbackAddress());
    }

    /** A port free for both TCP and UDP on {@code a}. */
    public static int dns(InetAddress a) throws IOException {
        for (int i = 0; i < 50; i++) {
            int port = tcp(a);
            try (DatagramSocket u = new DatagramSocket(new InetSocketAddress(a, port))) {
                return port;
            } catch (SocketException e) {
                // taken over UDP: try another
            }
        }
        throw new IOException("no port free for both TCP and UDP on " + a);
    }
}
