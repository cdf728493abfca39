package io.netty.channel.epoll;

import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.SocketProtocolFamily;
import java.io.IOException;
import java.net.SocketAddress;
import org.hubdns.dns.transport.DatagramBatch;

/**
 * A UDP socket on a Netty epoll event loop that answers whole {@code recvmmsg} batches and sends
 * the replies with one {@code sendmmsg}, the way gdnsd does: no pipeline hop, no
 * {@code DatagramPacket}, {@code InetSocketAddress} or buffer slice per datagram. Netty's own
 * datagram channel builds those for every packet, which the profile showed as most of the JVM's
 * share of a UDP answer.
 *
 * <p>The batch's native memory and the two system calls are a {@link DatagramBatch}: straight
 * into libc where the JVM allows it, else through Netty's JNI. The channel lives in Netty's package
 * because {@code AbstractEpollChannel}'s unsafe is package-private there; the UDP tests check it on
 * every Netty upgrade. It reads and writes only from its event loop.
 */
public final class BatchDatagramChannel extends AbstractEpollChannel {
    /** Answers one datagram; called on the channel's event loop only. */
    public interface Responder {
        /**
         * @param index the datagram's place in its batch (0: the first)
         * @param query the datagram in {@code [0, length)}
         * @param sender the sender's address: 4 bytes (IPv4) or 16 (IPv6), valid during this call only
         * @param scopeId the IPv6 scope of a link-local sender, else 0
         * @param reply where the answer goes
         * @return the answer's length in {@code reply}; 0 or less for no answer now
         */
        int respond(int index, byte[] query, int length, byte[] sender, int senderLength, int scopeId, int port,
                byte[] reply);

        /** A receive or send failed (ICMP unreachable and the like concern one client); the channel goes on. */
        void failed(IOException e);
    }

    private static final ChannelMetadata METADATA = new ChannelMetadata(true);

    private final EpollChannelConfig config = new EpollChannelConfig(this);
    private final Responder responder;
    private final int batch;
    private final int replySlot;
    private final int maxRounds;
    private final DatagramBatch io;
    private final byte[] query;
    private final byte[] reply;
    private final byte[] sender = new byte[16];
    private long dropped;

    /**
     * @param io the batch's memory and system calls, for {@code batch} datagrams of {@code maxDatagram}
     *     bytes and replies of {@code maxReply}
     * @param batch datagrams per {@code recvmmsg}
     * @param maxDatagram bytes kept of each datagram (a longer one arrives cut)
     * @param maxReply the longest reply the responder writes
     * @param maxRounds batches read per readiness event before other channels of the loop get a turn
     */
    public BatchDatagramChannel(SocketProtocolFamily family, Responder responder, DatagramBatch io, int batch,
            int maxDatagram, int maxReply, int maxRounds, int bufferBytes) throws IOException {
        super(null, LinuxSocket.newSocketDgram(family), false, EpollIoOps.valueOf(0));
        this.responder = responder;
        this.batch = batch;
        this.replySlot = maxReply;
        this.maxRounds = maxRounds;
        this.io = io;
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
        io.replyTo(0, data, length, to, toLength, scopeId, port);
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
            io.release();
        }
    }

    private void readBatches() {
        for (int round = 0; round < maxRounds && isOpen(); round++) {
            int n;
            try {
                n = io.receive(socket);
            } catch (IOException e) {
                responder.failed(e); // reading it cleared the socket error; the queue may hold more
                continue;
            }
            if (n <= 0) {
                return;
            }
            int k = 0;
            for (int i = 0; i < n; i++) {
                int length = io.length(i);
                int senderLength = io.sender(i, sender);
                if (senderLength == 0) {
                    continue;
                }
                io.query(i, query);
                int r = responder.respond(i, query, length, sender, senderLength, io.scopeId(i), io.port(i), reply);
                if (r > 0 && r <= replySlot) {
                    io.reply(k++, i, reply, r);
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

    private void flush(int count) {
        int offset = 0;
        while (offset < count) {
            try {
                int sent = io.send(socket, offset, count - offset);
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
