package io.netty.channel.epoll;

import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.FileDescriptor;
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
 * <p>Replies leave from a second socket where the listener could give one
 * ({@link #openReplySocket}): sent from the epoll-registered socket, every reply woke that
 * socket's waiter, epoll's entry, with a write-space event as loopback or the driver released it,
 * a twentieth of the server's CPU per answer in the profile, which gdnsd (blocking in
 * {@code recvmmsg}, no epoll) never pays. Nothing waits on the reply socket.
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

        /**
         * Every datagram of the batch read last has been answered (or failed); their replies are
         * about to be handed to the kernel. Called once per batch, even when answering it threw.
         */
        void answered();

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
    private long received;
    private final SocketProtocolFamily family;
    private final int bufferBytes;
    /** Where replies leave from once open; until then, and after, this socket. Used on the event loop only. */
    private LinuxSocket replySocket;

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
        this.family = family;
        this.bufferBytes = bufferBytes;
        this.query = new byte[maxDatagram];
        this.reply = new byte[Math.max(maxReply, 65535 + 1024)];
        socket.setReusePort(true);
        socket.setReceiveBufferSize(bufferBytes);
        socket.setSendBufferSize(bufferBytes);
    }

    /**
     * Binds a reply socket to this socket's address and port, in its SO_REUSEPORT group, and sends
     * every reply from it from now on. The caller must first have made sure the group never hands
     * it a datagram (a filter that picks only the receiving sockets, all bound before): the
     * channel never reads it. Call on the channel's event loop.
     */
    public void openReplySocket() throws IOException {
        assert eventLoop().inEventLoop();
        LinuxSocket s = LinuxSocket.newSocketDgram(family);
        try {
            s.setReusePort(true);
            s.setSendBufferSize(bufferBytes);
            s.bind(socket.localAddress());
        } catch (IOException | RuntimeException e) {
            closeQuietly(s);
            throw e;
        }
        replySocket = s;
    }

    /**
     * Replies leave from this socket again and the reply socket is closed, before a listener closes
     * its receiving sockets: a closed member's place in the group goes to the last one, which must
     * not be a reply socket. Call on the channel's event loop (never close a descriptor another
     * thread may be sending on).
     */
    public void closeReplySocket() {
        assert eventLoop().inEventLoop();
        LinuxSocket s = replySocket;
        replySocket = null;
        closeQuietly(s);
    }

    private static void closeQuietly(LinuxSocket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing more is sent from it
            }
        }
    }

    /** The reply socket, or null while replies leave from this socket. Read on the channel's event loop. */
    public FileDescriptor replySocket() {
        return replySocket;
    }

    /** Datagrams read from this socket (written by its event loop; a read from elsewhere may lag). */
    public long received() {
        return received;
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
            closeQuietly(replySocket);
            replySocket = null;
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
            received += n;
            int k = 0;
            try {
                for (int i = 0; i < n; i++) {
                    int length = io.length(i);
                    int senderLength = io.sender(i, sender);
                    if (senderLength == 0) {
                        continue;
                    }
                    io.query(i, query);
                    int r = responder.respond(i, query, length, sender, senderLength, io.scopeId(i), io.port(i),
                            reply);
                    if (r > 0 && r <= replySlot) {
                        io.reply(k++, i, reply, r);
                    } else if (r > replySlot) {
                        responder.failed(new IOException("a reply of " + r + " bytes is over the " + replySlot
                                + "-byte UDP limit; not sent"));
                    }
                }
            } finally {
                // before the replies leave: a client that has its answer finds it counted and timed
                responder.answered();
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
                LinuxSocket reply = replySocket;
                int sent = io.send(reply != null ? reply : socket, offset, count - offset);
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
