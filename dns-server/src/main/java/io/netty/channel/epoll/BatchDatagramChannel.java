package io.netty.channel.epoll;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.SocketProtocolFamily;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;

/**
 * A UDP socket on a Netty epoll event loop that answers whole {@code recvmmsg} batches and sends
 * the replies with one {@code sendmmsg}, the way gdnsd does: no pipeline hop, no
 * {@code DatagramPacket}, {@code InetSocketAddress} or buffer slice per datagram. Netty's own
 * datagram channel builds those for every packet, which the profile showed as most of the JVM's
 * share of a UDP answer.
 *
 * <p>It lives in Netty's package because the batch system calls and their packet array are
 * package-private there; what it relies on (the packet array and its fields, {@code LinuxSocket}'s
 * batch calls, {@code AbstractEpollChannel}) is checked by the UDP tests on every Netty upgrade.
 * It reads and writes only from its event loop.
 */
public final class BatchDatagramChannel extends AbstractEpollChannel {
    /** Answers one datagram; called on the channel's event loop only. */
    public interface Responder {
        /**
         * @param query the datagram in {@code [0, length)}
         * @param sender the sender's address: 4 bytes (IPv4) or 16 (IPv6), valid during this call only
         * @param scopeId the IPv6 scope of a link-local sender, else 0
         * @param reply where the answer goes
         * @return the answer's length in {@code reply}; 0 or less for no answer now
         */
        int respond(byte[] query, int length, byte[] sender, int senderLength, int scopeId, int port, byte[] reply);

        /** A receive or send failed (ICMP unreachable and the like concern one client); the channel goes on. */
        void failed(IOException e);
    }

    private static final ChannelMetadata METADATA = new ChannelMetadata(true);
    private static final VarHandle COUNT;
    private static final VarHandle SENDER_ADDR;
    private static final VarHandle SENDER_LEN;
    private static final VarHandle SENDER_SCOPE;
    private static final VarHandle SENDER_PORT;
    private static final VarHandle RECIPIENT_ADDR;
    private static final VarHandle RECIPIENT_LEN;
    private static final VarHandle RECIPIENT_SCOPE;
    private static final VarHandle RECIPIENT_PORT;

    static {
        try {
            Class<NativeDatagramPacketArray.NativeDatagramPacket> c = NativeDatagramPacketArray.NativeDatagramPacket.class;
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
            COUNT = l.findVarHandle(c, "count", int.class);
            SENDER_ADDR = l.findVarHandle(c, "senderAddr", byte[].class);
            SENDER_LEN = l.findVarHandle(c, "senderAddrLen", int.class);
            SENDER_SCOPE = l.findVarHandle(c, "senderScopeId", int.class);
            SENDER_PORT = l.findVarHandle(c, "senderPort", int.class);
            RECIPIENT_ADDR = l.findVarHandle(c, "recipientAddr", byte[].class);
            RECIPIENT_LEN = l.findVarHandle(c, "recipientAddrLen", int.class);
            RECIPIENT_SCOPE = l.findVarHandle(c, "recipientScopeId", int.class);
            RECIPIENT_PORT = l.findVarHandle(c, "recipientPort", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final EpollChannelConfig config = new EpollChannelConfig(this);
    private final Responder responder;
    private final int batch;
    private final int maxDatagram;
    private final int replySlot;
    private final int maxRounds;
    private final NativeDatagramPacketArray received = new NativeDatagramPacketArray();
    private final NativeDatagramPacketArray replies = new NativeDatagramPacketArray();
    private final ByteBuf in;
    private final ByteBuf out;
    private final byte[] query;
    private final byte[] reply;
    private final byte[] sender = new byte[16];
    private long dropped;

    /**
     * @param batch datagrams per {@code recvmmsg}
     * @param maxDatagram bytes kept of each datagram (a longer one arrives cut)
     * @param maxReply the longest reply the responder writes
     * @param maxRounds batches read per readiness event before other channels of the loop get a turn
     */
    public BatchDatagramChannel(SocketProtocolFamily family, Responder responder, int batch, int maxDatagram,
            int maxReply, int maxRounds, int bufferBytes) throws IOException {
        super(null, LinuxSocket.newSocketDgram(family), false, EpollIoOps.valueOf(0));
        this.responder = responder;
        this.batch = batch;
        this.maxDatagram = maxDatagram;
        this.replySlot = maxReply;
        this.maxRounds = maxRounds;
        this.in = Unpooled.directBuffer(batch * maxDatagram);
        this.out = Unpooled.directBuffer(batch * maxReply);
        this.query = new byte[maxDatagram];
        this.reply = new byte[Math.max(maxReply, 65535 + 1024)];
        socket.setReusePort(true);
        socket.setReceiveBufferSize(bufferBytes);
        socket.setSendBufferSize(bufferBytes);
    }

    /** Replies that could not be sent because the socket's send buffer was full. */
    public long dropped() {
        return dropped;
    }

    /**
     * Sends one reply now, from the event loop (an answer that had to wait, for a DNSSEC signature).
     *
     * @param to the recipient's address, 4 or 16 bytes
     */
    public void send(byte[] data, int length, byte[] to, int toLength, int scopeId, int port) {
        assert eventLoop().inEventLoop();
        if (!isOpen() || length > replySlot) {
            return;
        }
        replies.clear();
        out.setBytes(0, data, 0, length);
        replies.addWritable(out, 0, length);
        address(replies.packets()[0], to, toLength, scopeId, port);
        flush(1);
    }

    @Override
    public EpollChannelConfig config() {
        return config;
    }

    @Override
    public boolean isActive() {
        return socket.isOpen() && active;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    protected AbstractEpollUnsafe newUnsafe() {
        return new BatchUnsafe();
    }

    @Override
    protected void doBind(SocketAddress local) throws Exception {
        super.doBind(local);
        active = true;
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer buffer) {
        // replies never pass through the pipeline; anything written there is refused, not leaked
        while (buffer.current() != null) {
            buffer.remove(new UnsupportedOperationException("a BatchDatagramChannel sends only its responder's replies"));
        }
    }

    @Override
    protected void doClose() throws Exception {
        try {
            super.doClose();
        } finally {
            received.release();
            replies.release();
            in.release();
            out.release();
        }
    }

    private void readBatches() {
        for (int round = 0; round < maxRounds && isOpen(); round++) {
            received.clear();
            for (int i = 0; i < batch; i++) {
                received.addWritable(in, i * maxDatagram, maxDatagram);
            }
            NativeDatagramPacketArray.NativeDatagramPacket[] packets = received.packets();
            int n;
            try {
                n = socket.recvmmsg(packets, 0, batch);
            } catch (IOException e) {
                responder.failed(e); // reading it cleared the socket error; the queue may hold more
                continue;
            }
            if (n <= 0) {
                return;
            }
            replies.clear();
            int k = 0;
            for (int i = 0; i < n; i++) {
                NativeDatagramPacketArray.NativeDatagramPacket p = packets[i];
                int length = (int) COUNT.get(p);
                int senderLength = (int) SENDER_LEN.get(p);
                System.arraycopy((byte[]) SENDER_ADDR.get(p), 0, sender, 0, senderLength);
                int scopeId = (int) SENDER_SCOPE.get(p);
                int port = (int) SENDER_PORT.get(p);
                in.getBytes(i * maxDatagram, query, 0, length);
                int r = responder.respond(query, length, sender, senderLength, scopeId, port, reply);
                if (r > 0 && r <= replySlot) {
                    out.setBytes(k * replySlot, reply, 0, r);
                    replies.addWritable(out, k * replySlot, r);
                    address(replies.packets()[k], sender, senderLength, scopeId, port);
                    k++;
                } else if (r > replySlot) {
                    responder.failed(new IOException("a reply of " + r + " bytes is over the " + replySlot
                            + "-byte UDP limit; not sent"));
                }
            }
            flush(k);
            if (n < batch) {
                return; // the queue was empty: wait for epoll
            }
        }
    }

    /** The JNI send call takes every recipient as 16 bytes, an IPv4 one mapped (::ffff:a.b.c.d). */
    private static void address(NativeDatagramPacketArray.NativeDatagramPacket p, byte[] to, int toLength,
            int scopeId, int port) {
        byte[] a = (byte[]) RECIPIENT_ADDR.get(p);
        if (toLength == 4) {
            java.util.Arrays.fill(a, 0, 10, (byte) 0);
            a[10] = (byte) 0xff;
            a[11] = (byte) 0xff;
            System.arraycopy(to, 0, a, 12, 4);
        } else {
            System.arraycopy(to, 0, a, 0, 16);
        }
        RECIPIENT_LEN.set(p, 16);
        RECIPIENT_SCOPE.set(p, scopeId);
        RECIPIENT_PORT.set(p, port);
    }

    private void flush(int count) {
        NativeDatagramPacketArray.NativeDatagramPacket[] packets = replies.packets();
        int offset = 0;
        while (offset < count) {
            try {
                int sent = socket.sendmmsg(packets, offset, count - offset);
                if (sent <= 0) {
                    dropped += count - offset; // send buffer full: a resolver retries, as with a lost packet
                    return;
                }
                offset += sent;
            } catch (IOException e) {
                // the first datagram of the rest failed (an unreachable or refused destination): skip only it
                responder.failed(e);
                offset++;
            }
        }
    }

    private final class BatchUnsafe extends AbstractEpollUnsafe {
        @Override
        void epollInReady() {
            readBatches();
        }
    }
}
