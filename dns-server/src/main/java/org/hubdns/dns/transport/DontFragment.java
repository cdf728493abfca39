package org.hubdns.dns.transport;

import java.io.IOException;

/**
 * Sets a UDP socket's replies to leave unfragmented and with the Don't Fragment bit, sized by the
 * interface's MTU and never by a path MTU learnt from ICMP ({@code IP_PMTUDISC_PROBE}), as RFC
 * 9715 asks of DNS responders: a forged "fragmentation needed" can then neither shrink our replies
 * nor get them fragmented, and fragments are what off-path spoofing of a reply relies on.
 * Replies never need fragments: a UDP reply is at most {@code QueryProcessor.OUR_UDP_PAYLOAD}
 * (1232) bytes, 1280 with IPv6's headers, the least MTU IPv6 allows. A reply over an interface's
 * MTU (an IPv4 link under 1260) fails to send with EMSGSIZE and counts as an error.
 *
 * <p>It also spares every IPv4 reply the kernel's shared IP ID generator: a datagram with DF that
 * may not be fragmented carries ID 0 (about 0.08 µs of kernel time a reply on this machine).
 */
final class DontFragment {
    static final int IPPROTO_IP = 0;
    static final int IP_MTU_DISCOVER = 10;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_MTU_DISCOVER = 23;
    /** Same value for IPv4 and IPv6: set DF (IPv6 never fragments in transit), ignore the path MTU. */
    static final int PMTUDISC_PROBE = 3;

    private DontFragment() {
    }

    /**
     * Sets socket {@code fd}. An IPv6 socket gets both levels: a dual-stack one sends IPv4 replies
     * to v4-mapped senders through the IPv4 settings.
     *
     * @throws IOException when the kernel refuses it, with the errno
     */
    static void set(int fd, boolean ipv6) throws IOException {
        if (ipv6 && Libc.setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, PMTUDISC_PROBE) != 0) {
            throw new IOException("setsockopt(IPV6_MTU_DISCOVER) failed: errno " + Libc.errno());
        }
        if (Libc.setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, PMTUDISC_PROBE) != 0) {
            throw new IOException("setsockopt(IP_MTU_DISCOVER) failed: errno " + Libc.errno());
        }
    }
}
