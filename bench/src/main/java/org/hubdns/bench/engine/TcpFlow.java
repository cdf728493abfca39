package org.hubdns.bench.engine;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A DNS-over-TCP connection (RFC 7766): queries pipelined on it with two-byte length framing,
 * answers matched by ID in any order. When the server closes it, the queries in flight are
 * counted lost and the flow reconnects while the run is still sending.
 */
final class TcpFlow extends Flow {
    private static final long RECONNECT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final InetSocketAddress target;
    private final boolean epoll;
    /** Bytes of a message cut across reads; a DNS message is at most 65535 bytes plus its length. */
    private final byte[] acc = new byte[65537];
    private int accLength;

    TcpFlow(LoopDriver driver, int index, int sockets, int server, int window, int slotCapacity,
            InetSocketAddress target, boolean epoll) {
        super(driver, index, sockets, server, window, slotCapacity);
        this.target = target;
        this.epoll = epoll;
    }

    ChannelFuture open() {
        accLength = 0;
        ChannelFuture f = new Bootstrap().group(driver.loop)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new Handler())
                .connect(target);
        channel = f.channel();
        return f;
    }

    @Override
    boolean ready() {
        return channel != null && channel.isActive();
    }

    @Override
    ByteBuf buffer(int length) {
        ByteBuf b = channel.alloc().directBuffer(length + 2);
        b.writeShort(length);
        return b;
    }

    @Override
    void write(ByteBuf message) {
        queue(message);
    }

    private void reconnectLater() {
        driver.loop.schedule(() -> {
            if (!driver.sendingOver(System.nanoTime())) {
                open().addListener(f -> {
                    if (f.isSuccess()) {
                        driver.refill(this, System.nanoTime());
                        flush();
                    } else {
                        driver.stats.sendErrors++;
                        reconnectLater();
                    }
                });
            }
        }, RECONNECT_NANOS, TimeUnit.NANOSECONDS);
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                long now = System.nanoTime();
                while (in.isReadable()) {
                    int n = Math.min(in.readableBytes(), acc.length - accLength);
                    in.readBytes(acc, accLength, n);
                    accLength += n;
                    int p = 0;
                    while (accLength - p >= 2) {
                        int len = ((acc[p] & 0xff) << 8) | (acc[p + 1] & 0xff);
                        if (accLength - p - 2 < len) {
                            break;
                        }
                        receivedAt(p + 2, len, now);
                        p += 2 + len;
                    }
                    System.arraycopy(acc, p, acc, 0, accLength - p);
                    accLength -= p;
                }
            } finally {
                in.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            driver.afterReads();
            flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() != channel) {
                return;
            }
            loseAll();
            if (!driver.sendingOver(System.nanoTime())) {
                reconnectLater();
            }
            driver.checkDone(System.nanoTime());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            driver.stats.sendErrors++;
            ctx.close();
        }
    }

    private final byte[] one = new byte[65535];

    private void receivedAt(int offset, int len, long now) {
        // the parser reads from offset 0; a pipelined stream rarely aligns, so copy this one message
        System.arraycopy(acc, offset, one, 0, len);
        received(one, len, now);
    }
}
