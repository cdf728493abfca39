package org.hubdns.bench;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny DNS responder on 127.0.0.1 (UDP and TCP on one port) for tests: it answers each query
 * with its header and question plus one A record (192.0.2.1), or misbehaves as its {@link Behaviour}
 * says: drop, delay, send garbage, use a wrong ID or a wrong question, stall for a while, close TCP
 * connections.
 */
final class Responder implements AutoCloseable {
    /** What to do with the {@code n}-th query (counted from 1 over both transports). */
    interface Behaviour {
        /** @return the datagrams to send back, in order, and how long to wait before sending them */
        Reply reply(long n, byte[] query);
    }

    record Reply(long delayMillis, List<byte[]> messages) {
        static Reply none() {
            return new Reply(0, List.of());
        }

        static Reply now(byte[]... m) {
            return new Reply(0, List.of(m));
        }
    }

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Behaviour behaviour;
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong queries = new AtomicLong();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    /** Close a TCP connection after this many queries on it (0: never). */
    private final int closeTcpAfter;

    Responder(Behaviour behaviour) throws IOException {
        this(behaviour, 0);
    }

    Responder(Behaviour behaviour, int closeTcpAfter) throws IOException {
        this.behaviour = behaviour;
        this.closeTcpAfter = closeTcpAfter;
        InetAddress lo = InetAddress.getLoopbackAddress();
        tcp = new ServerSocket(0, 50, lo);
        udp = new DatagramSocket(new InetSocketAddress(lo, tcp.getLocalPort()));
        udp.setReceiveBufferSize(4 << 20);
        udp.setSoTimeout(200);
        Thread u = new Thread(this::serveUdp, "responder-udp");
        u.setDaemon(true);
        u.start();
        Thread t = new Thread(this::acceptTcp, "responder-tcp");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return tcp.getLocalPort();
    }

    String server() {
        return "127.0.0.1:" + port();
    }

    long queries() {
        return queries.get();
    }

    /** A proper answer: the query's header and question, QR and AA set, one A record 192.0.2.1. */
    static byte[] answer(byte[] q) {
        int qEnd = questionEnd(q);
        byte[] r = Arrays.copyOf(q, qEnd + 16);
        r[2] = (byte) (r[2] | 0x84);
        r[7] = 1; // ANCOUNT
        r[10] = 0; // no additional records: the OPT is not echoed
        r[11] = 0;
        byte[] rr = {(byte) 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, (byte) 192, 0, 2, 1};
        System.arraycopy(rr, 0, r, qEnd, rr.length);
        return r;
    }

    static int questionEnd(byte[] q) {
        int p = 12;
        while (q[p] != 0) {
            p += 1 + (q[p] & 0xff);
        }
        return p + 5;
    }

    private void serveUdp() {
        byte[] buf = new byte[4096];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return;
            }
            byte[] q = Arrays.copyOf(p.getData(), p.getLength());
            Reply r = behaviour.reply(queries.incrementAndGet(), q);
            InetSocketAddress to = (InetSocketAddress) p.getSocketAddress();
            Runnable send = () -> {
                for (byte[] m : r.messages()) {
                    try {
                        udp.send(new DatagramPacket(m, m.length, to));
                    } catch (IOException e) {
                        return;
                    }
                }
            };
            if (r.delayMillis() > 0) {
                later.schedule(send, r.delayMillis(), TimeUnit.MILLISECONDS);
            } else {
                send.run();
            }
        }
    }

    private void acceptTcp() {
        while (!closed) {
            try {
                Socket s = tcp.accept();
                connections.add(s);
                Thread t = new Thread(() -> serveTcp(s), "responder-tcp-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serveTcp(Socket s) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            // one write per answer, sent at once: the length and the message written byte by byte
            // behind Nagle's algorithm waited out the client's delayed ACK (40 ms) on every answer
            s.setTcpNoDelay(true);
            DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(s.getOutputStream()));
            int onThis = 0;
            while (!closed) {
                int len = in.readUnsignedShort();
                byte[] q = new byte[len];
                in.readFully(q);
                if (closeTcpAfter > 0 && ++onThis > closeTcpAfter) {
                    return; // closes with this query unanswered
                }
                Reply r = behaviour.reply(queries.incrementAndGet(), q);
                Runnable send = () -> {
                    synchronized (out) {
                        try {
                            for (byte[] m : r.messages()) {
                                out.writeShort(m.length);
                                out.write(m);
                            }
                            out.flush();
                        } catch (IOException e) {
                            // the client went away
                        }
                    }
                };
                if (r.delayMillis() > 0) {
                    later.schedule(send, r.delayMillis(), TimeUnit.MILLISECONDS);
                } else {
                    send.run();
                }
            }
        } catch (SocketException | java.io.EOFException e) {
            // closed
        } catch (IOException e) {
            // closed
        }
    }

    static byte[] garbage(Random rnd, int len) {
        byte[] b = new byte[len];
        rnd.nextBytes(b);
        return b;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        udp.close();
        tcp.close();
        for (Socket s : connections) {
            s.close();
        }
        later.shutdownNow();
    }
}
