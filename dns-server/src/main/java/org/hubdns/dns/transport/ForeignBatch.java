package org.hubdns.dns.transport;

import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;

/**
 * A {@link DatagramBatch} that calls {@code recvmmsg} and {@code sendmmsg} in libc directly
 * ({@link Libc}), on message headers laid out once in native memory: a receive costs one system
 * call and no JNI, and a reply points at the sender's own {@code sockaddr} as the kernel wrote
 * it. Netty's JNI batch calls copy each datagram's address, port and length through about ten
 * JNI field accesses and add a {@code getsockopt} to every receive; on a machine where a system
 * call costs a microsecond, those were a tenth of the CPU of a UDP answer.
 *
 * <p>Linux on a 64-bit machine only (the struct offsets below are the LP64 ones); {@link #unavailable()}
 * says why it cannot be used elsewhere.
 */
final class ForeignBatch implements DatagramBatch {
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    // struct mmsghdr { struct msghdr { name, namelen, iov, iovlen, control, controllen, flags }, len }
    private static final int MMSGHDR = 64;
    private static final int NAME = 0;
    private static final int NAMELEN = 8;
    private static final int IOV = 16;
    private static final int IOVLEN = 24;
    private static final int MSG_LEN = 56;
    // struct iovec { base, len }
    private static final int IOVEC = 16;
    /** A sockaddr slot: sockaddr_in6 (28 bytes) rounded up. */
    private static final int SOCKADDR = 32;
    private static final int SOCKADDR_IN6_LEN = 28;

    private final int batch;
    private final int maxDatagram;
    private final int replySlot;
    private final boolean ipv6;
    private final ResourceScope scope = ResourceScope.newSharedScope();
    private final ByteBuffer m;
    private final long base;
    /** The receive headers' address, and each send header's, made once: an address object per call is garbage. */
    private final MemoryAddress recvAt;
    private final MemoryAddress[] sendAt;
    private final int recvIovs;
    private final int addrs;
    private final int sendHdrs;
    private final int sendIovs;
    private final int in;
    private final int out;
    /** Receive headers whose name length the kernel overwrote: reset before the next receive. */
    private int used;

    /**
     * Why the direct calls cannot be used in this JVM (the JNI batch is used instead), or null when
     * they can.
     */
    static String unavailable() {
        if (!"Linux".equals(System.getProperty("os.name"))) {
            return "not on Linux";
        }
        String arch = System.getProperty("os.arch");
        if (!"amd64".equals(arch) && !"aarch64".equals(arch)) {
            return "the machine (" + arch + ") is not one whose message headers this knows";
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.foreign").isEmpty()) {
            return "the JVM runs without --add-modules jdk.incubator.foreign (Java 17's foreign linker)";
        }
        try {
            Class.forName("org.hubdns.dns.transport.Libc", true, ForeignBatch.class.getClassLoader());
            return null;
        } catch (Throwable e) { // IllegalCallerException inside: native access not enabled, or no such symbol
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof IllegalCallerException) {
                return "the JVM runs without --enable-native-access=ALL-UNNAMED";
            }
            return "libc cannot be called: " + cause;
        }
    }

    ForeignBatch(int batch, int maxDatagram, int replySlot, boolean ipv6) {
        this.batch = batch;
        this.maxDatagram = maxDatagram;
        this.replySlot = replySlot;
        this.ipv6 = ipv6;
        recvIovs = batch * MMSGHDR;
        addrs = recvIovs + batch * IOVEC;
        sendHdrs = addrs + (batch + 1) * SOCKADDR; // the last sockaddr is replyTo's
        sendIovs = sendHdrs + batch * MMSGHDR;
        in = align(sendIovs + batch * IOVEC);
        out = align(in + batch * maxDatagram);
        int size = out + batch * replySlot;
        MemorySegment memory = Libc.allocate(size, scope);
        memory.fill((byte) 0);
        m = memory.asByteBuffer().order(ByteOrder.nativeOrder());
        base = memory.address().toRawLongValue();
        recvAt = memory.address();
        sendAt = new MemoryAddress[batch];
        for (int i = 0; i < batch; i++) {
            int h = i * MMSGHDR;
            m.putLong(h + NAME, base + addrs + (long) i * SOCKADDR);
            m.putInt(h + NAMELEN, SOCKADDR_IN6_LEN);
            m.putLong(h + IOV, base + recvIovs + (long) i * IOVEC);
            m.putLong(h + IOVLEN, 1);
            m.putLong(recvIovs + i * IOVEC, base + in + (long) i * maxDatagram);
            m.putLong(recvIovs + i * IOVEC + 8, maxDatagram);
            int s = sendHdrs + i * MMSGHDR;
            m.putLong(s + IOV, base + sendIovs + (long) i * IOVEC);
            m.putLong(s + IOVLEN, 1);
            m.putLong(sendIovs + i * IOVEC, base + out + (long) i * replySlot);
            sendAt[i] = memory.address().addOffset(s);
        }
    }

    private static int align(int offset) {
        return (offset + 63) & ~63;
    }

    @Override
    public int receive(FileDescriptor socket) throws IOException {
        for (int i = 0; i < used; i++) {
            m.putInt(i * MMSGHDR + NAMELEN, SOCKADDR_IN6_LEN);
        }
        int n;
        int errno = 0;
        do {
            n = Libc.recvmmsg(socket.intValue(), recvAt, batch);
        } while (n < 0 && (errno = Libc.errno()) == Libc.EINTR);
        if (n < 0) {
            used = 0;
            if (errno == Libc.EAGAIN) {
                return 0;
            }
            throw new IOException("recvmmsg failed: errno " + errno);
        }
        used = n;
        return n;
    }

    @Override
    public int length(int i) {
        return m.getInt(i * MMSGHDR + MSG_LEN);
    }

    @Override
    public void query(int i, byte[] to) {
        m.get(in + i * maxDatagram, to, 0, length(i));
    }

    private int addr(int i) {
        return addrs + i * SOCKADDR;
    }

    /** Whether sockaddr_in6 {@code a} holds an IPv4-mapped address (::ffff:a.b.c.d). */
    private boolean mapped(int a) {
        return m.getLong(a + 8) == 0 && m.getShort(a + 16) == 0 && m.getShort(a + 18) == (short) 0xFFFF;
    }

    @Override
    public int sender(int i, byte[] to) {
        int a = addr(i);
        int family = m.getShort(a) & 0xFFFF;
        if (family == AF_INET) {
            m.get(a + 4, to, 0, 4);
            return 4;
        }
        if (family != AF_INET6) {
            return 0;
        }
        if (mapped(a)) {
            m.get(a + 20, to, 0, 4);
            return 4;
        }
        m.get(a + 8, to, 0, 16);
        return 16;
    }

    @Override
    public int scopeId(int i) {
        int a = addr(i);
        return (m.getShort(a) & 0xFFFF) == AF_INET6 && !mapped(a) ? m.getInt(a + 24) : 0;
    }

    @Override
    public int port(int i) {
        int a = addr(i);
        return (m.get(a + 2) & 0xFF) << 8 | m.get(a + 3) & 0xFF;
    }

    @Override
    public void reply(int k, int i, byte[] data, int length) {
        put(k, data, length, addr(i), m.getInt(i * MMSGHDR + NAMELEN));
    }

    @Override
    public void replyTo(int k, byte[] data, int length, byte[] to, int toLength, int scopeId, int port) {
        int a = addrs + batch * SOCKADDR;
        for (int b = 0; b < SOCKADDR; b += 8) {
            m.putLong(a + b, 0);
        }
        int nameLength;
        if (!ipv6 && toLength == 4) {
            m.putShort(a, (short) AF_INET);
            m.put(a + 4, to, 0, 4);
            nameLength = 16;
        } else {
            m.putShort(a, (short) AF_INET6);
            if (toLength == 4) {
                m.putShort(a + 18, (short) 0xFFFF);
                m.put(a + 20, to, 0, 4);
            } else {
                m.put(a + 8, to, 0, 16);
                m.putInt(a + 24, scopeId);
            }
            nameLength = SOCKADDR_IN6_LEN;
        }
        m.put(a + 2, (byte) (port >>> 8));
        m.put(a + 3, (byte) port);
        put(k, data, length, a, nameLength);
    }

    private void put(int k, byte[] data, int length, int name, int nameLength) {
        m.put(out + k * replySlot, data, 0, length);
        int s = sendHdrs + k * MMSGHDR;
        m.putLong(s + NAME, base + name);
        m.putInt(s + NAMELEN, nameLength);
        m.putLong(sendIovs + k * IOVEC + 8, length);
    }

    @Override
    public int send(FileDescriptor socket, int offset, int count) throws IOException {
        int n;
        int errno = 0;
        do {
            n = Libc.sendmmsg(socket.intValue(), sendAt[offset], count);
        } while (n < 0 && (errno = Libc.errno()) == Libc.EINTR);
        if (n >= 0) {
            return n;
        }
        if (errno == Libc.EAGAIN || errno == Libc.ENOBUFS) {
            return 0;
        }
        throw new IOException("sendmmsg failed: errno " + errno);
    }

    @Override
    public void release() {
        scope.close();
    }
}
