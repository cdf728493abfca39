/**
 * Listeners on Vert.x's event loops: UDP as one SO_REUSEPORT Netty epoll socket per loop (AF_INET
 * for an IPv4 address, recvmmsg/sendmmsg batches, Netty's pooled allocator so that a datagram
 * leaves no buffer garbage), TCP
 * (RFC 7766) as a Vert.x net server per loop with length framing, pipelining, an idle timeout
 * ({@code --tcp-idle-timeout}) and a connection cap ({@code --tcp-max-connections}).
 */
package org.hubdns.dns.transport;
