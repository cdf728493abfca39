package org.hubdns.bench.engine;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hubdns.bench.BenchInputException;

/**
 * Before a run, the same engine sends a short closed-loop burst to an echo socket of its own on
 * 127.0.0.1 (never to the target), so that the JIT has compiled the query, socket and answer code
 * by the time the run starts. Without it an open-loop run spent its first seconds interpreting,
 * fell behind its schedule and carried stalls of 100+ ms into the measurement.
 */
final class Priming {
    static final long MAX_QUERIES = 300_000;
    /** Below this rate even interpreted code keeps up with the schedule. */
    static final double MIN_RATE = 5_000;
    static final long MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(1500);

    private Priming() {
    }

    static void run(RunSettings settings, EventLoopGroup group, boolean epoll) throws InterruptedException {
        Channel echo;
        try {
            Bootstrap b = new Bootstrap().group(group.next())
                    .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, 4 << 20)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(4096 * 32)
                            .maxMessagesPerRead(1024))
                    .handler(new Echo());
            if (epoll) {
                b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 4096);
            }
            echo = b.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        } catch (RuntimeException e) {
            return; // a warm-up is a nicety: without it the run is only slower to settle
        }
        try {
            RunSettings p = new RunSettings(List.of((InetSocketAddress) echo.localAddress()), settings.templates(),
                    settings.ecs(), 0, MAX_NANOS, MAX_QUERIES, Math.min(settings.concurrency(), 256),
                    settings.sockets(), settings.threads(), 0, false, TimeUnit.MILLISECONDS.toNanos(500),
                    settings.watch(), settings.dnssecOk());
            LoadRun.runOn(p, new LoadRun.Listener() {
                @Override
                public void progress(Progress progress) {
                }
            }, new RunControl(), group, epoll);
        } catch (BenchInputException | RuntimeException e) {
            // as above: the real run reports its own problems
        } finally {
            echo.close().await(1, TimeUnit.SECONDS);
        }
    }

    /** Answers each query at once: its header and question, QR and AA set, two A records. */
    private static final class Echo extends ChannelInboundHandlerAdapter {
        private final byte[] in = new byte[4096];

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket p = (DatagramPacket) msg;
            try {
                ByteBuf c = p.content();
                int n = Math.min(c.readableBytes(), in.length);
                c.getBytes(c.readerIndex(), in, 0, n);
                int q = questionEnd(in, n);
                if (q < 0) {
                    return;
                }
                ByteBuf out = ctx.alloc().directBuffer(q + 32);
                out.writeBytes(in, 0, q);
                out.setByte(2, in[2] | 0x84);
                out.setShort(6, 2);
                out.setShort(10, 0);
                for (int i = 1; i <= 2; i++) {
                    out.writeShort(0xc00c).writeShort(1).writeShort(1).writeInt(60).writeShort(4)
                            .writeInt(0x0a000000 | i);
                }
                ctx.write(new DatagramPacket(out, p.sender()), ctx.voidPromise());
            } finally {
                p.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        private static int questionEnd(byte[] b, int n) {
            int p = 12;
            while (p < n && b[p] != 0) {
                p += 1 + (b[p] & 0xff);
            }
            return p + 5 <= n ? p + 5 : -1;
        }
    }
}
