package org.hubdns.testsupport;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;

/** Ports nothing listens on right now, for members started as processes (in-JVM ones take port 0). */
public final class FreePorts {
    private FreePorts() {
    }

    /** A port free for TCP on loopback. */
    public static int tcp() throws IOException {
        return tcp(InetAddress.getLoopbackAddress());
    }

    /** A port free for TCP on {@code a} (probed with a ServerSocket on port 0). */
    public static int tcp(InetAddress a) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, a)) {
            return s.getLocalPort();
        }
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
