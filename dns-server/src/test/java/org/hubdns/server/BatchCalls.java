package org.hubdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.UnaryOperator;
import org.hubdns.dns.transport.UdpListener;

/**
 * The two ways the UDP listeners make their batch system calls, for the tests that check both:
 * straight into libc (what the tests' JVMs get, started as ./hubdns starts the server) and
 * through Netty's JNI (the fallback, forced with {@code hubdns.udp.batch=jni}).
 */
enum BatchCalls {
    LIBC(null, "libc", "reply sockets", true),
    JNI("jni", "jni (hubdns.udp.batch=jni)", "receiving sockets (the reuseport filter is set through the libc calls)",
            false);

    private final String property;
    /** What the listener says it uses ({@code UdpListener.batchCalls()}, the startup line). */
    final String reported;
    /** Where the listener says its replies leave from ({@code UdpListener.replies()}, the startup line). */
    final String replies;
    /** Whether replies leave with Don't Fragment set by the listener ({@code UdpListener.dontFragment()}). */
    final boolean dontFragment;

    BatchCalls(String property, String reported, String replies, boolean dontFragment) {
        this.property = property;
        this.reported = reported;
        this.replies = replies;
        this.dontFragment = dontFragment;
    }

    /** Sockets a listener binds per event loop: a receiving one, and a reply one with the libc calls. */
    int socketsPerLoop() {
        return this == LIBC ? 2 : 1;
    }

    /** A demo member, its configuration changed by {@code tweak}, whose UDP listeners make their calls this way. */
    RunningServer start(UnaryOperator<ServerConfig> tweak) throws Exception {
        if (property != null) {
            System.setProperty("hubdns.udp.batch", property);
        }
        RunningServer server;
        try {
            server = RunningServer.demo(tweak);
        } finally {
            System.clearProperty("hubdns.udp.batch");
        }
        assertThat(server.server().udpListeners()).extracting(UdpListener::batchCalls).as("how each UDP listener makes its batch calls")
                .isNotEmpty().containsOnly(reported);
        return server;
    }
}
