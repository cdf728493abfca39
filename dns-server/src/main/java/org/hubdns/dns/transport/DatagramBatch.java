package org.hubdns.dns.transport;

import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;

/**
 * One UDP socket's batch of received datagrams and of the replies to them, in the native memory
 * that one {@code recvmmsg} fills and one {@code sendmmsg} sends. Two ways to make those calls:
 * through Netty's JNI ({@code JniBatch}) or straight into libc ({@link ForeignBatch}); the
 * {@link io.netty.channel.epoll.BatchDatagramChannel} on top is the same. Used by one event loop.
 */
public interface DatagramBatch {
    /**
     * Reads up to a batch of datagrams (the socket is non-blocking).
     *
     * @return how many were read; 0 when none was waiting
     * @throws IOException when the receive itself failed
     */
    int receive(FileDescriptor socket) throws IOException;

    /** Datagram {@code i}'s length (cut at the slot's size). */
    int length(int i);

    /** Copies datagram {@code i} to {@code to}. */
    void query(int i, byte[] to);

    /**
     * Copies datagram {@code i}'s sender address to {@code to}: 4 bytes for IPv4 (also when it came
     * mapped into IPv6), else 16.
     *
     * @return 4 or 16, or 0 when the sender is of no family this socket answers
     */
    int sender(int i, byte[] to);

    /** The IPv6 scope of datagram {@code i}'s link-local sender, else 0. */
    int scopeId(int i);

    int port(int i);

    /** Puts reply {@code k} of this batch: {@code data[0, length)} to the sender of datagram {@code i}. */
    void reply(int k, int i, byte[] data, int length);

    /** Puts reply {@code k}: {@code data[0, length)} to an address given as 4 or 16 bytes. */
    void replyTo(int k, byte[] data, int length, byte[] to, int toLength, int scopeId, int port);

    /**
     * Sends the replies {@code [offset, offset + count)}.
     *
     * @return how many were sent; 0 when the socket's send buffer is full
     * @throws IOException when the first of them cannot be sent (a refused or unreachable destination)
     */
    int send(FileDescriptor socket, int offset, int count) throws IOException;

    /** Frees the native memory; the batch is not used again. */
    void release();
}
