package org.hubdns.bench.engine;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * A UDP socket bound to an ephemeral port. With epoll it is left unconnected on purpose: Netty
 * reads an unconnected datagram channel with recvmmsg (a batch of datagrams per system call) and
 * writes a queued batch with sendmmsg on flush; a connected one would cost a read() per answer.
 */
final class UdpFlow extends Flow {
    static final int MAX_DATAGRAM = 4096;
    private static final int BATCH = 32;
    private static final int MAX_READ = 1024;

    private final InetSocketAddress target;
    private final byte[] rx = new byte[MAX_DATAGRAM];

    UdpFlow(LoopDriver driver, int index, int sockets, int server, int window, int slotCapacity,
            InetSocketAddress target) {
        super(driver, index, sockets, server, window, slotCapacity);
        this.target = target;
    }

    /** Binds the socket; the returned future completes on the flow's loop. */
    ChannelFuture open(boolean epoll) {
        Bootstrap b = new Bootstrap().group(driver.loop)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                .option(ChannelOption.SO_SNDBUF, 4 << 20)
                .handler(new Handler());
        // Netty stops reading a datagram socket after 16 datagrams per wake-up by default; an open-loop pacer sends
        // hundreds per pass, and reads that lagged behind the sends turned a busy machine into seconds of latency
        if (epoll) {
            b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM)
                    .option(ChannelOption.RCVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(MAX_DATAGRAM * BATCH).maxMessagesPerRead(MAX_READ));
        } else {
            b.option(ChannelOption.RCVBUF_ALLOCATOR,
                    new FixedRecvByteBufAllocator(MAX_DATAGRAM).maxMessagesPerRead(MAX_READ));
        }
        ChannelFuture f = b.bind(new InetSocketAddress(wildcardFor(target.getAddress()), 0));
        channel = f.channel();
        return f;
    }

    private static InetAddress wildcardFor(InetAddress a) {
        try {
            return a instanceof Inet6Address ? InetAddress.getByName("::") : InetAddress.getByName("0.0.0.0");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // literals never need a lookup
        }
    }

    @Override
    boolean ready() {
        return channel != null && channel.isActive();
    }

    @Override
    ByteBuf buffer(int length) {
        return channel.alloc().directBuffer(length);
    }

    @Override
    void write(ByteBuf message) {
        queue(new DatagramPacket(message, target));
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket p = (DatagramPacket) msg;
            try {
                long now = System.nanoTime();
                if (!target.equals(p.sender())) {
                    if (now - driver.measureStart >= 0) {
                        driver.stats.unexpected++; // from somewhere else: not an answer to us
                    }
                    return;
                }
                ByteBuf c = p.content();
                int n = Math.min(c.readableBytes(), rx.length);
                c.getBytes(c.readerIndex(), rx, 0, n);
                received(rx, n, now);
            } finally {
                p.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            driver.afterReads();
            flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP errors and refused sends concern single datagrams; the queries time out and are counted lost
            driver.stats.sendErrors++;
        }
    }
}
