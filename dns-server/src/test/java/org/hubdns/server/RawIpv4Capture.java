package org.hubdns.server;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAccess;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;

/**
 * The IPv4 headers of UDP datagrams as they went over the loopback interface, read from a raw
 * socket (root only: Java has no raw sockets, so this calls libc through the foreign linker, as the
 * server's batch calls do). A test checks with it what only the wire shows, such as the Don't
 * Fragment bit and the IP ID of a reply.
 */
final class RawIpv4Capture implements AutoCloseable {
    /** One datagram seen: its IP header's fields and its UDP ports. */
    record Datagram(int id, boolean dontFragment, int fragmentOffset, boolean moreFragments, int sourcePort,
            int destinationPort) {
    }

    private static final int AF_INET = 2;
    private static final int SOCK_RAW = 3;
    private static final int IPPROTO_UDP = 17;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final MethodHandle SOCKET;
    private static final MethodHandle SETSOCKOPT;
    private static final MethodHandle RECV;
    private static final MethodHandle CLOSE;

    static {
        CLinker c = CLinker.getInstance();
        SOCKET = c.downcallHandle(symbol("socket"), MethodType.methodType(int.class, int.class, int.class, int.class),
                FunctionDescriptor.of(CLinker.C_INT, CLinker.C_INT, CLinker.C_INT, CLinker.C_INT));
        SETSOCKOPT = c.downcallHandle(symbol("setsockopt"),
                MethodType.methodType(int.class, int.class, int.class, int.class, MemoryAddress.class, int.class),
                FunctionDescriptor.of(CLinker.C_INT, CLinker.C_INT, CLinker.C_INT, CLinker.C_INT, CLinker.C_POINTER,
                        CLinker.C_INT));
        RECV = c.downcallHandle(symbol("recv"),
                MethodType.methodType(long.class, int.class, MemoryAddress.class, long.class, int.class),
                FunctionDescriptor.of(CLinker.C_LONG, CLinker.C_INT, CLinker.C_POINTER, CLinker.C_LONG, CLinker.C_INT));
        CLOSE = c.downcallHandle(symbol("close"), MethodType.methodType(int.class, int.class),
                FunctionDescriptor.of(CLinker.C_INT, CLinker.C_INT));
    }

    private static MemoryAddress symbol(String name) {
        return CLinker.systemLookup().lookup(name).orElseThrow();
    }

    private final ResourceScope scope = ResourceScope.newConfinedScope();
    private final MemorySegment buffer = MemorySegment.allocateNative(65536, scope);
    private final int fd;

    /**
     * Opens the raw socket: from now on it holds a copy of every UDP datagram delivered on this host.
     *
     * @throws IllegalStateException when the kernel refuses (not root: no CAP_NET_RAW)
     */
    RawIpv4Capture() throws Throwable {
        fd = (int) SOCKET.invokeExact(AF_INET, SOCK_RAW, IPPROTO_UDP);
        if (fd < 0) {
            scope.close();
            throw new IllegalStateException("no raw socket (CAP_NET_RAW is needed: run the tests as root)");
        }
        MemorySegment timeout = MemorySegment.allocateNative(16, scope); // struct timeval: 0.2 s
        MemoryAccess.setLongAtOffset(timeout, 8, 200_000);
        int r = (int) SETSOCKOPT.invokeExact(fd, SOL_SOCKET, SO_RCVTIMEO, timeout.address(), 16);
        if (r != 0) {
            close();
            throw new IllegalStateException("setsockopt(SO_RCVTIMEO) failed on the raw socket");
        }
    }

    /**
     * The datagrams sent from {@code sourcePort} to {@code destinationPort} among those read until
     * {@code count} of them are found or {@code millis} have passed.
     */
    List<Datagram> from(int sourcePort, int destinationPort, int count, long millis) throws Throwable {
        List<Datagram> found = new ArrayList<>();
        long end = System.nanoTime() + millis * 1_000_000;
        while (found.size() < count && System.nanoTime() < end) {
            long n = (long) RECV.invokeExact(fd, buffer.address(), buffer.byteSize(), 0);
            if (n < 28) {
                continue; // the timeout (-1), or not an IPv4 header and a UDP one
            }
            int ihl = (MemoryAccess.getByteAtOffset(buffer, 0) & 0x0f) * 4;
            int flags = u16(2 + 4);
            Datagram d = new Datagram(u16(4), (flags & 0x4000) != 0, flags & 0x1fff, (flags & 0x2000) != 0,
                    u16(ihl), u16(ihl + 2));
            if (d.sourcePort() == sourcePort && d.destinationPort() == destinationPort) {
                found.add(d);
            }
        }
        return found;
    }

    private int u16(int at) {
        return (MemoryAccess.getByteAtOffset(buffer, at) & 0xff) << 8 | MemoryAccess.getByteAtOffset(buffer, at + 1) & 0xff;
    }

    @Override
    public void close() {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable e) {
            throw new IllegalStateException("close downcall failed", e);
        } finally {
            scope.close();
        }
    }
}
