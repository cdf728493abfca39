/**
 * Listeners on Vert.x's event loops: UDP as one SO_REUSEPORT socket per loop (AF_INET for an IPv4
 * address), a {@code BatchDatagramChannel} that answers each {@code recvmmsg} batch into one
 * {@code sendmmsg} from a reply socket beside it (kept out of the group's share of queries by a
 * {@link org.hubdns.dns.transport.ReusePortFilter}), replies never fragmented
 * ({@link org.hubdns.dns.transport.DontFragment}), through a
 * {@link org.hubdns.dns.transport.BatchResponder}, with no pipeline,
 * packet or buffer object per datagram (Netty NIO channel where epoll is missing), TCP
 * (RFC 7766) as a Vert.x net server per loop with length framing, pipelining, an idle timeout
 * ({@code --tcp-idle-timeout}) and a connection cap ({@code --tcp-max-connections}).
 */
package org.hubdns.dns.transport;
