package io.netty.channel.epoll;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import org.hubdns.dns.transport.DatagramBatch;

/**
 * A {@link DatagramBatch} through Netty's JNI batch calls: they copy every datagram's address and
 * length in and out of Java objects field by field (about ten JNI calls a datagram) and ask the
 * socket for {@code IP_RECVORIGDSTADDR} before each receive. The fallback where libc cannot be
 * called directly (see {@code ForeignBatch}). It lives in Netty's package because the packet
 * array and the batch calls are package-private there; the UDP tests check what it relies on
 * (the array's field names, {@code LinuxSocket}'s batch calls) on every Netty upgrade.
 */
public final class JniBatch implements DatagramBatch {
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

    private final int batch;
    private final int maxDatagram;
    private final int replySlot;
    private final NativeDatagramPacketArray received = new NativeDatagramPacketArray();
    private final NativeDatagramPacketArray replies = new NativeDatagramPacketArray();
    private final ByteBuf in;
    private final ByteBuf out;

    public JniBatch(int batch, int maxDatagram, int replySlot) {
        this.batch = batch;
        this.maxDatagram = maxDatagram;
        this.replySlot = replySlot;
        this.in = Unpooled.directBuffer(batch * maxDatagram);
        this.out = Unpooled.directBuffer(batch * replySlot);
    }

    @Override
    public int receive(FileDescriptor socket) throws IOException {
        received.clear();
        for (int i = 0; i < batch; i++) {
            received.addWritable(in, i * maxDatagram, maxDatagram);
        }
        return Math.max(0, ((LinuxSocket) socket).recvmmsg(received.packets(), 0, batch));
    }

    @Override
    public int length(int i) {
        return (int) COUNT.get(received.packets()[i]);
    }

    @Override
    public void query(int i, byte[] to) {
        in.getBytes(i * maxDatagram, to, 0, length(i));
    }

    @Override
    public int sender(int i, byte[] to) {
        NativeDatagramPacketArray.NativeDatagramPacket p = received.packets()[i];
        int length = (int) SENDER_LEN.get(p);
        System.arraycopy((byte[]) SENDER_ADDR.get(p), 0, to, 0, length);
        return length;
    }

    @Override
    public int scopeId(int i) {
        return (int) SENDER_SCOPE.get(received.packets()[i]);
    }

    @Override
    public int port(int i) {
        return (int) SENDER_PORT.get(received.packets()[i]);
    }

    @Override
    public void reply(int k, int i, byte[] data, int length) {
        NativeDatagramPacketArray.NativeDatagramPacket p = received.packets()[i];
        replyTo(k, data, length, (byte[]) SENDER_ADDR.get(p), (int) SENDER_LEN.get(p), (int) SENDER_SCOPE.get(p),
                (int) SENDER_PORT.get(p));
    }

    @Override
    public void replyTo(int k, byte[] data, int length, byte[] to, int toLength, int scopeId, int port) {
        if (k == 0) {
            replies.clear();
        }
        out.setBytes(k * replySlot, data, 0, length);
        replies.addWritable(out, k * replySlot, length);
        // the JNI send call takes every recipient as 16 bytes, an IPv4 one mapped (::ffff:a.b.c.d)
        NativeDatagramPacketArray.NativeDatagramPacket p = replies.packets()[k];
        byte[] a = (byte[]) RECIPIENT_ADDR.get(p);
        if (toLength == 4) {
            Arrays.fill(a, 0, 10, (byte) 0);
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

    @Override
    public int send(FileDescriptor socket, int offset, int count) throws IOException {
        return Math.max(0, ((LinuxSocket) socket).sendmmsg(replies.packets(), offset, count));
    }

    @Override
    public void release() {
        received.release();
        replies.release();
        in.release();
        out.release();
    }
}
