/**
 * The load engine: {@link org.hubdns.bench.engine.LoadRun} opens {@code --sockets} UDP sockets
 * (unconnected, so Netty's native epoll reads them with recvmmsg and writes queued queries with
 * sendmmsg) or TCP connections on {@code --threads} event loops, keeps {@code --concurrency}
 * queries in flight (closed loop) or sends on a fixed schedule ({@code --rate}, open loop, latency
 * from the intended send time), expires queries after {@code --timeout}, and counts per loop
 * (HdrHistogram in microseconds, RCODEs, addresses, ECS scopes) without locks. Configured through
 * {@link org.hubdns.bench.engine.RunSettings}.
 */
package org.hubdns.bench.engine;
