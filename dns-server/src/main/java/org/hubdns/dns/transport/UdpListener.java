package org.hubdns.dns.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.BatchDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.hubdns.dns.protocol.QueryProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over UDP on Vert.x's own event loops. With the native epoll transport there is one
 * SO_REUSEPORT {@link io.netty.channel.epoll.BatchDatagramChannel} per event loop, so every core
 * reads, a batch at a time; without it (not Linux) one Netty NIO datagram channel.
 */
public final class UdpListener {
    private static final Logger LOG = LoggerFactory.getLogger(UdpListener.class);
    private static final int MAX_QUERY = 65535;
    private static final int MAX_DATAGRAM = BatchResponder.MAX_DATAGRAM;
    private static final int BUFFER_BYTES = BatchResponder.BUFFER_BYTES;

    private final List<Channel> channels;
    private final boolean reusePort;

    private final String batchCalls;
    private final String replies;
    private final String address;
    private final boolean dontFragment;

    private UdpListener(InetSocketAddress address, List<Channel> channels, boolean reusePort, String batchCalls,
            String replies, boolean dontFragment) {
        this.dontFragment = dontFragment;
        this.address = (address.getAddress() instanceof Inet4Address ? address.getAddress().getHostAddress()
                : "[" + address.getAddress().getHostAddress() + "]") + ":" + address.getPort();
        this.channels = channels;
        this.reusePort = reusePort;
        this.batchCalls = batchCalls;
        this.replies = replies;
    }

    /** Binds the address on every loop of {@code loops} (or on one, without epoll); blocks until bound. */
    public static UdpListener bind(EventLoopGroup loops, boolean epoll, InetSocketAddress address,
            QueryProcessorFactory processors, AtomicLong errors) throws InterruptedException {
        List<EventLoop> targets = new ArrayList<>();
        for (EventExecutor e : loops) {
            targets.add((EventLoop) e);
            if (!epoll) {
                break;
            }
        }
        List<Channel> bound = new ArrayList<>();
        // An IPv4 address gets an AF_INET socket: a dual-stack AF_INET6 one sends each v4 reply
        // through udpv6_sendmsg first and maps every sender into a v4-mapped v6 address.
        SocketProtocolFamily family = address.getAddress() instanceof Inet4Address
                ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
        String calls = epoll ? BatchResponder.calls() : null;
        try {
            for (EventLoop loop : targets) {
                Bootstrap b = new Bootstrap().group(loop);
                if (epoll) {
                    // one recvmmsg of up to BATCH datagrams, each cut at MAX_DATAGRAM bytes, answered
                    // straight into one sendmmsg (BatchDatagramChannel says why not Netty's own channel)
                    BatchResponder responder = new BatchResponder(processors.create(), errors, calls.equals("libc"));
                    b.channelFactory(() -> responder.open(family))
                            .handler(new ChannelInboundHandlerAdapter());
                } else {
                    b.channel(NioDatagramChannel.class)
                            .option(ChannelOption.SO_RCVBUF, BUFFER_BYTES)
                            .option(ChannelOption.SO_SNDBUF, BUFFER_BYTES)
                            // pooled, not Netty's default adaptive allocator: its buffers copy a reply in
                            // through a fresh NIO slice per write; the pooled ones copy with Unsafe
                            .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                            .handler(new Handler(processors.create(), errors));
                }
                bound.add(b.bind(address).sync().channel());
            }
        } catch (Exception e) {
            // sync() rethrows a failed bind as the undeclared checked exception it is (a NativeIoException
            // for "Address already in use"), so catch everything; precise rethrow keeps the signature
            for (Channel c : bound) {
                c.close();
            }
            throw e;
        }
        boolean dontFragment = epoll && calls.equals("libc") && dontFragment(bound, family == SocketProtocolFamily.INET6);
        String replies = null;
        if (epoll) {
            try {
                replies = openReplySockets(bound, family == SocketProtocolFamily.INET6, calls.equals("libc"),
                        dontFragment);
            } catch (InterruptedException e) {
                for (Channel c : bound) {
                    c.close();
                }
                throw e;
            }
        }
        return new UdpListener(address, bound, epoll, calls, replies, dontFragment);
    }

    /**
     * Sets {@link DontFragment} on every receiving socket (their reply sockets get it when opened).
     *
     * @return whether every one took it; if not, replies keep the kernel's default (fragments allowed)
     */
    private static boolean dontFragment(List<Channel> bound, boolean ipv6) {
        try {
            for (Channel c : bound) {
                DontFragment.set(((BatchDatagramChannel) c).fd().intValue(), ipv6);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("UDP replies may be fragmented: {}", e.getMessage());
            return false;
        }
    }

    /**
     * Gives every receiving socket a reply socket ({@link BatchDatagramChannel} says why), once a
     * {@link ReusePortFilter} on their SO_REUSEPORT group has made sure the kernel hands queries to
     * the receiving sockets only. Without the filter (it is set through the libc calls) replies keep
     * leaving from the receiving sockets.
     *
     * @return {@code "reply sockets"}, or {@code "receiving sockets (why)"}
     */
    private static String openReplySockets(List<Channel> bound, boolean ipv6, boolean libc, boolean dontFragment)
            throws InterruptedException {
        if (!libc) {
            return "receiving sockets (the reuseport filter is set through the libc calls)";
        }
        try {
            ReusePortFilter.attach(((BatchDatagramChannel) bound.get(0)).fd().intValue(), ipv6, bound.size());
        } catch (IOException | RuntimeException e) {
            LOG.warn("UDP replies leave from the receiving sockets: {}", e.getMessage());
            return "receiving sockets (" + e.getMessage() + ")";
        }
        List<BatchDatagramChannel> opened = new ArrayList<>();
        try {
            for (Channel c : bound) {
                BatchDatagramChannel b = (BatchDatagramChannel) c;
                b.eventLoop().submit(() -> {
                    b.openReplySocket();
                    if (dontFragment) {
                        try {
                            DontFragment.set(b.replySocket().intValue(), ipv6);
                        } catch (IOException e) {
                            b.closeReplySocket();
                            throw e;
                        }
                    }
                    return null;
                }).sync();
                opened.add(b);
            }
            return "reply sockets";
        } catch (InterruptedException e) {
            closeReplySockets(opened);
            throw e;
        } catch (Exception e) { // sync() rethrows the bind's IOException undeclared
            closeReplySockets(opened);
            LOG.warn("UDP replies leave from the receiving sockets: no reply socket ({})", e.toString());
            return "receiving sockets (" + e + ")";
        }
    }

    private static void closeReplySockets(List<? extends Channel> channels) throws InterruptedException {
        for (Channel c : channels) {
            if (c instanceof BatchDatagramChannel b) {
                try {
                    b.eventLoop().submit(b::closeReplySocket).await();
                } catch (RejectedExecutionException e) {
                    // the loop has stopped: closing the channel closes its reply socket
                }
            }
        }
    }

    public int sockets() {
        return channels.size();
    }

    public boolean reusePort() {
        return reusePort;
    }

    /**
     * How the sockets' batches make their system calls: "libc", "jni (why not libc)", or null
     * without the epoll transport (Netty's NIO channel, one datagram at a time).
     */
    public String batchCalls() {
        return batchCalls;
    }

    /** The address and port listened on, as {@code 127.0.0.1:53} or {@code [::1]:53}. */
    public String address() {
        return address;
    }

    /** Replies each receiving socket's loop could not send because the send buffer was full (epoll only). */
    public long[] dropped() {
        return perSocket(BatchDatagramChannel::dropped);
    }

    /** Datagrams read by each receiving socket so far (with the epoll transport; else zeros). */
    public long[] received() {
        return perSocket(BatchDatagramChannel::received);
    }

    private long[] perSocket(java.util.function.ToLongFunction<BatchDatagramChannel> count) {
        long[] n = new long[channels.size()];
        for (int i = 0; i < n.length; i++) {
            if (channels.get(i) instanceof BatchDatagramChannel b) {
                n[i] = count.applyAsLong(b);
            }
        }
        return n;
    }

    /**
     * Where the replies leave from, for the startup line: {@code "reply sockets"}, or
     * {@code "receiving sockets (why)"}; null without the epoll transport.
     */
    public String replies() {
        return replies;
    }

    /**
     * Whether replies leave with Don't Fragment and never in fragments ({@link DontFragment}; set
     * through the libc calls, so false with the JNI ones or without epoll).
     */
    public boolean dontFragment() {
        return dontFragment;
    }

    /** Stops reading; what was already read is answered and flushed by the loop first. */
    public void close() throws InterruptedException {
        // reply sockets first: a closed receiving socket's place in the group goes to the last member
        closeReplySockets(channels);
        for (Channel c : channels) {
            c.close().await();
        }
    }

    private static final class Handler extends ChannelInboundHandlerAdapter {
        private final QueryProcessor processor;
        private final AtomicLong errors;
        private final byte[] in = new byte[MAX_QUERY];
        private final byte[] out = new byte[MAX_QUERY + 1024];

        Handler(QueryProcessor processor, AtomicLong errors) {
            this.processor = processor;
            this.errors = errors;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket packet = (DatagramPacket) msg;
            try {
                ByteBuf content = packet.content();
                int n = content.readableBytes();
                content.getBytes(content.readerIndex(), in, 0, n);
                InetSocketAddress sender = packet.sender();
                int r = processor.process(in, n, out, false, sender.getAddress());
                if (r == QueryProcessor.DEFERRED) {
                    answerLater(ctx, java.util.Arrays.copyOf(in, n), sender);
                }
                if (r > 0) {
                    ByteBuf reply = ctx.alloc().directBuffer(r);
                    reply.writeBytes(out, 0, r);
                    ctx.write(new DatagramPacket(reply, sender), ctx.voidPromise());
                }
            } catch (RuntimeException e) {
                // a bug must cost one query, never the listener
                if (errors.getAndIncrement() < 10) {
                    LOG.error("query failed; it gets no answer", e);
                }
            } finally {
                packet.release();
            }
        }

        /**
         * A DO=1 query whose signature is being made on the signing pool: processed again on this
         * loop once it is (a second wait is not granted: the query is then dropped and retried).
         */
        private void answerLater(ChannelHandlerContext ctx, byte[] query, InetSocketAddress sender) {
            EventLoop loop = ctx.channel().eventLoop();
            processor.deferred().whenComplete((v, e) -> loop.execute(() -> {
                int r = processor.process(query, query.length, out, false, sender.getAddress());
                if (r > 0) {
                    ByteBuf reply = ctx.alloc().directBuffer(r);
                    reply.writeBytes(out, 0, r);
                    ctx.writeAndFlush(new DatagramPacket(reply, sender), ctx.voidPromise());
                }
            }));
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP port unreachable and the like arrive here; they concern one client only
            if (errors.getAndIncrement() < 10) {
                LOG.debug("UDP socket error: {}", cause.toString());
            }
        }
    }
}
