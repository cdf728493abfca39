/**
 * Listeners on Vert.x's event loops: UDP as one SO_REUSEPORT Netty epoll socket per loop, TCP
 * (RFC 7766) as a Vert.x net server per loop with length framing, pipelining, an idle timeout
 * ({@code --tcp-idle-timeout}) and a connection cap ({@code --tcp-max-connections}).
 */
package org.hubdns.dns.transport;
