package org.hubdns.dns.transport;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAccess;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;

/**
 * The libc calls of {@link ForeignBatch}, through Java 17's foreign linker (incubating, so the JVM
 * needs {@code --add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED}): loading
 * this class fails without them, and {@link ForeignBatch#unavailable()} says so. A downcall costs
 * about 9 ns here, against about 1 µs for the system call itself on this kind of machine.
 */
final class Libc {
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int ENOBUFS = 105;

    private static final MethodHandle RECVMMSG;
    private static final MethodHandle SENDMMSG;
    private static final MethodHandle ERRNO_LOCATION;
    private static final MethodHandle SETSOCKOPT;
    /** All of the process's memory, to read errno where libc keeps it without a segment per read. */
    private static final MemorySegment ALL = MemorySegment.globalNativeSegment();

    static {
        CLinker linker = CLinker.getInstance();
        RECVMMSG = linker.downcallHandle(symbol("recvmmsg"),
                MethodType.methodType(int.class, int.class, MemoryAddress.class, int.class, int.class,
                        MemoryAddress.class),
                FunctionDescriptor.of(CLinker.C_INT, CLinker.C_INT, CLinker.C_POINTER, CLinker.C_INT, CLinker.C_INT,
                        CLinker.C_POINTER));
        SENDMMSG = linker.downcallHandle(symbol("sendmmsg"),
                MethodType.methodType(int.class, int.class, MemoryAddress.class, int.class, int.class),
                FunctionDescriptor.of(CLinker.C_INT, CLinker.C_INT, CLinker.C_POINTER, CLinker.C_INT, CLinker.C_INT));
        SETSOCKOPT = linker.downcallHandle(symbol("setsockopt"),
                MethodType.methodType(int.class, int.class, int.class, int.class, MemoryAddress.class, int.class),
                FunctionDescriptor.of(CLinker.C_INT, CLinker.C_INT, CLinker.C_INT, CLinker.C_INT, CLinker.C_POINTER,
                        CLinker.C_INT));
        ERRNO_LOCATION = linker.downcallHandle(symbol("__errno_location"),
                MethodType.methodType(MemoryAddress.class), FunctionDescriptor.of(CLinker.C_POINTER));
    }

    private Libc() {
    }

    private static MemoryAddress symbol(String name) {
        return CLinker.systemLookup().lookup(name)
                .orElseThrow(() -> new UnsupportedOperationException("libc has no " + name));
    }

    /** {@code recvmmsg(fd, vec, n, 0, NULL)}: -1 and {@link #errno()} on failure. */
    static int recvmmsg(int fd, MemoryAddress vec, int n) {
        try {
            return (int) RECVMMSG.invokeExact(fd, vec, n, 0, MemoryAddress.NULL);
        } catch (Throwable e) {
            throw new IllegalStateException("recvmmsg downcall failed", e);
        }
    }

    /** {@code sendmmsg(fd, vec, n, 0)}: -1 and {@link #errno()} on failure. */
    static int sendmmsg(int fd, MemoryAddress vec, int n) {
        try {
            return (int) SENDMMSG.invokeExact(fd, vec, n, 0);
        } catch (Throwable e) {
            throw new IllegalStateException("sendmmsg downcall failed", e);
        }
    }

    /** {@code setsockopt(fd, level, name, value, length)}: -1 and {@link #errno()} on failure. */
    static int setsockopt(int fd, int level, int name, MemoryAddress value, int length) {
        try {
            return (int) SETSOCKOPT.invokeExact(fd, level, name, value, length);
        } catch (Throwable e) {
            throw new IllegalStateException("setsockopt downcall failed", e);
        }
    }

    /** {@code setsockopt} of one {@code int} value: -1 and {@link #errno()} on failure. */
    static int setsockopt(int fd, int level, int name, int value) {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment v = allocate(4, scope);
            MemoryAccess.setInt(v, value);
            return setsockopt(fd, level, name, v.address(), 4);
        }
    }

    /**
     * The calling thread's errno, read right after a failed call. Java 17's linker cannot capture
     * it with the call, so the JVM could in principle change it in between; the callers only tell
     * "try again later" from "this datagram failed" with it, and either reading costs one datagram.
     */
    static int errno() {
        try {
            MemoryAddress at = (MemoryAddress) ERRNO_LOCATION.invokeExact();
            return MemoryAccess.getIntAtOffset(ALL, at.toRawLongValue());
        } catch (Throwable e) {
            throw new IllegalStateException("__errno_location downcall failed", e);
        }
    }

    /** Native memory of {@code bytes}, 64-byte aligned, freed when {@code scope} closes. */
    static MemorySegment allocate(long bytes, ResourceScope scope) {
        return MemorySegment.allocateNative(bytes, 64, scope);
    }
}
