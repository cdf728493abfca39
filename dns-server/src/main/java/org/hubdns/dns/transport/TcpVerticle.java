package org.hubdns.dns.transport;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.hubdns.dns.protocol.QueryProcessor;

/**
 * DNS over TCP (RFC 7766) on one event loop: two-byte length framing across any segmentation,
 * pipelined queries answered in order as they complete, an idle timeout, and a cap on concurrent
 * connections shared by all instances. Deploy one instance per event loop on the same port.
 */
public final class TcpVerticle extends VerticleBase {
    private final List<SocketAddress> addresses;
    private final QueryProcessorFactory processors;
    private final int idleTimeoutSeconds;
    private final int maxConnections;
    private final AtomicInteger connections;
    private final List<NetServer> servers = new ArrayList<>();
    private QueryProcessor processor;
    private final byte[] in = new byte[65535];
    private final byte[] out = new byte[65535 + 1024];

    public TcpVerticle(List<SocketAddress> addresses, QueryProcessorFactory processors, int idleTimeoutSeconds,
            int maxConnections, AtomicInteger connections) {
        this.addresses = addresses;
        this.processors = processors;
        this.idleTimeoutSeconds = idleTimeoutSeconds;
        this.maxConnections = maxConnections;
        this.connections = connections;
    }

    @Override
    public Future<?> start() {
        processor = processors.create();
        List<Future<NetServer>> listening = new ArrayList<>();
        for (SocketAddress address : addresses) {
            NetServer server = vertx.createNetServer(new NetServerOptions()
                    .setIdleTimeout(idleTimeoutSeconds)
                    .setIdleTimeoutUnit(TimeUnit.SECONDS)
                    .setTcpNoDelay(true)
                    .setAcceptBacklog(1024));
            server.connectHandler(this::accept);
            servers.add(server);
            listening.add(server.listen(address));
        }
        return Future.all(listening);
    }

    @Override
    public Future<?> stop() {
        List<Future<Void>> closing = new ArrayList<>();
        for (NetServer s : servers) {
            closing.add(s.close());
        }
        return Future.all(closing);
    }

    private void accept(NetSocket socket) {
        if (connections.incrementAndGet() > maxConnections) {
            connections.decrementAndGet();
            socket.close();
            return;
        }
        socket.closeHandler(v -> connections.decrementAndGet());
        InetAddress client = addressOf(socket.remoteAddress());
        Connection c = new Connection(socket, client);
        socket.handler(c::received);
    }

    private static InetAddress addressOf(SocketAddress a) {
        try {
            return a == null || a.hostAddress() == null ? null : InetAddress.getByName(a.hostAddress());
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private final class Connection {
        private final NetSocket socket;
        private final InetAddress client;
        private Buffer pending = Buffer.buffer(0);

        Connection(NetSocket socket, InetAddress client) {
            this.socket = socket;
            this.client = client;
        }

        void received(Buffer data) {
            Buffer buf = pending.length() == 0 ? data : pending.appendBuffer(data);
            int pos = 0;
            int len = buf.length();
            Buffer replies = null;
            while (len - pos >= 2) {
                int size = buf.getUnsignedShort(pos);
                if (len - pos - 2 < size) {
                    break;
                }
                buf.getBytes(pos + 2, pos + 2 + size, in, 0);
                pos += 2 + size;
                long arrived = System.nanoTime();
                int r = processor.process(in, size, out, true, client, arrived);
                if (r == QueryProcessor.DEFERRED) {
                    answerLater(java.util.Arrays.copyOf(in, size), arrived);
                    continue;
                }
                if (r < 0) {
                    // not a query (too short, or a response): nothing sensible can follow on this stream
                    flush(replies);
                    socket.close();
                    pending = Buffer.buffer(0);
                    return;
                }
                if (replies == null) {
                    replies = Buffer.buffer(r + 2);
                }
                replies.appendUnsignedShort(r).appendBytes(out, 0, r);
            }
            pending = pos == len ? Buffer.buffer(0) : buf.getBuffer(pos, len);
            flush(replies);
        }

        /** A DO=1 query whose signature is being made: answered on this context when it is (RFC 7766 allows any order). */
        private void answerLater(byte[] query, long arrivedNanos) {
            io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
            processor.deferred().whenComplete((v, e) -> context.runOnContext(x -> {
                // timed from its arrival: the wait for its signature is time in hubdns too
                int r = processor.process(query, query.length, out, true, client, arrivedNanos);
                if (r > 0) {
                    flush(Buffer.buffer(r + 2).appendUnsignedShort(r).appendBytes(out, 0, r));
                }
            }));
        }

        private void flush(Buffer replies) {
            if (replies == null) {
                return;
            }
            socket.write(replies);
            if (socket.writeQueueFull()) {
                // the client pipelines faster than it reads: stop reading until it catches up
                socket.pause();
                socket.drainHandler(v -> socket.resume());
            }
        }
    }
}
