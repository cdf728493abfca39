package org.hubdns.dns.transport;

import io.netty.channel.ChannelException;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.BatchDatagramChannel;
import io.netty.channel.epoll.JniBatch;
import io.netty.channel.socket.SocketProtocolFamily;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.hubdns.dns.protocol.QueryProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One event loop's UDP answers: the query processor behind a {@link BatchDatagramChannel}. */
final class BatchResponder implements BatchDatagramChannel.Responder {
    private static final Logger LOG = LoggerFactory.getLogger(BatchResponder.class);
    static final int BATCH = 16;
    /** Larger queries arrive cut and get FORMERR; real queries are a few hundred bytes at most. */
    static final int MAX_DATAGRAM = 4096;
    /** Batches read per readiness event before the loop's other channels (TCP, HTTP) get a turn. */
    static final int ROUNDS = 4;
    static final int BUFFER_BYTES = 4 << 20;

    /** Recent senders kept as address objects (a power of two). */
    private static final int SENDERS = 256;

    private final QueryProcessor processor;
    private final AtomicLong errors;
    private final InetAddress[] senders = new InetAddress[SENDERS];
    private final byte[][] senderKeys = new byte[SENDERS][16];
    private final int[] senderLengths = new int[SENDERS];
    private final int[] senderScopes = new int[SENDERS];
    private BatchDatagramChannel channel;
    private byte[] deferredOut;
    /** When the batch being answered was read; every answer of it is timed from there to its replies' send. */
    private long batchNanos;
    private boolean inBatch;

    private final boolean libc;

    /** @param libc whether the batch calls go straight into libc (else through Netty's JNI): {@link #calls()} */
    BatchResponder(QueryProcessor processor, AtomicLong errors, boolean libc) {
        this.processor = processor;
        this.errors = errors;
        this.libc = libc;
    }

    /**
     * How UDP batches make their system calls in this JVM: {@code "libc"} (directly) or {@code "jni"}
     * (through Netty's JNI, with the reason why not directly), for the startup log. The system
     * property {@code hubdns.udp.batch=jni} forces the JNI calls (to compare, or to rule them out).
     */
    static String calls() {
        String why = "jni".equals(System.getProperty("hubdns.udp.batch")) ? "hubdns.udp.batch=jni"
                : ForeignBatch.unavailable();
        return why == null ? "libc" : "jni (" + why + ")";
    }

    BatchDatagramChannel open(SocketProtocolFamily family) {
        try {
            int reply = QueryProcessor.OUR_UDP_PAYLOAD;
            DatagramBatch io = libc
                    ? new ForeignBatch(BATCH, MAX_DATAGRAM, reply, family == SocketProtocolFamily.INET6)
                    : new JniBatch(BATCH, MAX_DATAGRAM, reply);
            channel = new BatchDatagramChannel(family, this, io, BATCH, MAX_DATAGRAM, reply, ROUNDS, BUFFER_BYTES);
            return channel;
        } catch (IOException e) {
            throw new ChannelException("cannot open a UDP socket: " + e.getMessage(), e);
        }
    }

    @Override
    public int respond(int index, byte[] query, int length, byte[] sender, int senderLength, int scopeId, int port,
            byte[] reply) {
        try {
            InetAddress source = address(sender, senderLength, scopeId);
            if (!inBatch) {
                batchNanos = System.nanoTime();
                inBatch = true;
            }
            int r = processor.processInBatch(query, length, reply, source, batchNanos);
            if (r == QueryProcessor.DEFERRED) {
                answerLater(Arrays.copyOf(query, length), source, scopeId, port, batchNanos);
                return 0;
            }
            return r;
        } catch (RuntimeException | UnknownHostException e) {
            // a bug must cost one query, never the listener
            if (errors.getAndIncrement() < 10) {
                LOG.error("query failed; it gets no answer", e);
            }
            return 0;
        }
    }

    /**
     * The sender as an {@link InetAddress}, as Netty's own datagram channel made it (IPv4 from 4
     * bytes; from 16, IPv6, a mapped IPv4 one too), from a small cache of recent senders: most
     * queries come from a few busy resolvers, and an address object per datagram is garbage.
     */
    private InetAddress address(byte[] a, int length, int scopeId) throws UnknownHostException {
        int h = scopeId;
        for (int i = 0; i < length; i++) {
            h = h * 31 + a[i];
        }
        int slot = (h ^ h >>> 16) & (SENDERS - 1);
        InetAddress known = senders[slot];
        if (known != null && senderLengths[slot] == length && senderScopes[slot] == scopeId
                && Arrays.equals(senderKeys[slot], 0, length, a, 0, length)) {
            return known;
        }
        InetAddress made = length == 4 ? InetAddress.getByAddress(Arrays.copyOf(a, 4))
                : Inet6Address.getByAddress(null, Arrays.copyOf(a, 16), scopeId);
        System.arraycopy(a, 0, senderKeys[slot], 0, length);
        senderLengths[slot] = length;
        senderScopes[slot] = scopeId;
        senders[slot] = made;
        return made;
    }

    /**
     * A DO=1 query whose signature is being made on the signing pool: processed again on this
     * loop once it is (a second wait is not granted: the query is then dropped and retried).
     */
    private void answerLater(byte[] query, InetAddress source, int scopeId, int port, long arrivedNanos) {
        BatchDatagramChannel c = channel;
        EventLoop loop = c.eventLoop();
        byte[] to = source.getAddress();
        processor.deferred().whenComplete((v, e) -> loop.execute(() -> {
            byte[] out = deferredReply();
            try {
                // timed from its batch's arrival: the wait for its signature is time in hubdns too
                int r = processor.process(query, query.length, out, false, source, arrivedNanos);
                if (r > 0) {
                    c.send(out, r, to, to.length, scopeId, port);
                }
            } catch (RuntimeException ex) {
                if (errors.getAndIncrement() < 10) {
                    LOG.error("query failed; it gets no answer", ex);
                }
            }
        }));
    }

    /** The reply array of answers that waited: one per loop, made on first use (they run one at a time on it). */
    private byte[] deferredReply() {
        if (deferredOut == null) {
            deferredOut = new byte[65535 + 1024];
        }
        return deferredOut;
    }

    @Override
    public void answered() {
        if (inBatch) {
            processor.batchAnswered(System.nanoTime() - batchNanos);
            inBatch = false;
        }
    }

    @Override
    public void failed(IOException e) {
        // ICMP port unreachable and the like: they concern one client only
        if (errors.getAndIncrement() < 10) {
            LOG.debug("UDP socket error: {}", e.toString());
        }
    }
}
