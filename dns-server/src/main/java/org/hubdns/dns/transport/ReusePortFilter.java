package org.hubdns.dns.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.foreign.MemoryAccess;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;

/**
 * The classic BPF program that picks which socket of a SO_REUSEPORT group gets a datagram, so that
 * a listener's reply sockets can join the group of its receiving sockets and never be given a
 * query. The kernel's own choice hashes the four-tuple over every socket of the group; this one
 * hashes the sender's address and port over the first {@code receivers}, the receiving sockets,
 * bound before any reply socket (a group numbers its sockets in the order they joined). So a
 * resolver's port keeps landing on one event loop, as before.
 *
 * <p>The kernel runs it with the packet's data at the UDP payload; the sender is read through the
 * network header ({@code SKF_NET_OFF}): an IPv4 header's length from its first byte, an IPv6
 * header taken as 40 bytes (with extension headers, other bytes are hashed: still one socket per
 * packet, only not per port). A read past the packet ends the program with 0: the first socket.
 */
final class ReusePortFilter {
    static final int SOL_SOCKET = 1;
    static final int SO_ATTACH_REUSEPORT_CBPF = 51;

    private static final int SKF_NET_OFF = -0x100000;
    // classic BPF opcodes (linux/filter.h)
    private static final int LD_W_ABS = 0x20;
    private static final int LD_W_IND = 0x40;
    private static final int LDX_B_MSH = 0xb1;
    private static final int TAX = 0x07;
    private static final int ALU_XOR_X = 0xac;
    private static final int ALU_MUL_K = 0x24;
    private static final int ALU_RSH_K = 0x74;
    private static final int ALU_MOD_K = 0x94;
    private static final int RET_A = 0x16;
    /** Knuth's multiplicative hash: spreads ports that differ in few bits over the sockets. */
    private static final int GOLDEN = 0x9E3779B1;

    private ReusePortFilter() {
    }

    /** The program as the kernel's {@code struct sock_filter} array (8 bytes an instruction, host order). */
    static byte[] program(boolean ipv6, int receivers) {
        if (receivers < 1) {
            throw new IllegalArgumentException("a SO_REUSEPORT group needs at least one receiving socket");
        }
        // A = the UDP ports word, X = A, A = (part of) the source address
        int[][] sender = ipv6
                ? new int[][] {
                    {LD_W_ABS, SKF_NET_OFF + 40}, // UDP source and destination ports after a bare IPv6 header
                    {TAX, 0},
                    {LD_W_ABS, SKF_NET_OFF + 20}} // the source address's last 32 bits
                : new int[][] {
                    {LDX_B_MSH, SKF_NET_OFF}, // X = the IPv4 header's length
                    {LD_W_IND, SKF_NET_OFF}, // UDP source and destination ports right after it
                    {TAX, 0},
                    {LD_W_ABS, SKF_NET_OFF + 12}}; // the source address
        int[][] pick = {{ALU_XOR_X, 0}, {ALU_MUL_K, GOLDEN}, {ALU_RSH_K, 16}, {ALU_MOD_K, receivers}, {RET_A, 0}};
        ByteBuffer b = ByteBuffer.allocate((sender.length + pick.length) * 8).order(ByteOrder.nativeOrder());
        for (int[] insn : java.util.stream.Stream.concat(Arrays.stream(sender), Arrays.stream(pick)).toList()) {
            b.putShort((short) insn[0]).put((byte) 0).put((byte) 0).putInt(insn[1]);
        }
        return b.array();
    }

    /**
     * Attaches the program to the group of socket {@code fd} (any member; it then applies to all).
     *
     * @throws IOException when the kernel refuses it (the caller then keeps replying from the receiving sockets)
     */
    static void attach(int fd, boolean ipv6, int receivers) throws IOException {
        byte[] program = program(ipv6, receivers);
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment filter = Libc.allocate(program.length, scope);
            filter.copyFrom(MemorySegment.ofArray(program));
            MemorySegment fprog = Libc.allocate(16, scope); // struct sock_fprog: u16 len, pointer at 8
            MemoryAccess.setShortAtOffset(fprog, 0, (short) (program.length / 8));
            MemoryAccess.setAddressAtOffset(fprog, 8, filter.address());
            if (Libc.setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, fprog.address(), 16) != 0) {
                throw new IOException("setsockopt(SO_ATTACH_REUSEPORT_CBPF) failed: errno " + Libc.errno());
            }
        }
    }
}
