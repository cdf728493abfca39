package org.hubdns.server;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's table of UDP sockets ({@code /proc/net/udp} and {@code udp6}), for tests that check
 * which sockets a listener made and what waits in their queues.
 */
final class UdpTable {
    private UdpTable() {
    }

    /**
     * One socket: its local and remote address as the table prints them (hex, each 32-bit word of
     * an address in host byte order) and the bytes waiting in its receive queue.
     */
    record Row(String local, String remote, long receiveQueue) {
    }

    /** This machine's UDP sockets bound to {@code address} and {@code port}. */
    static List<Row> sockets(InetAddress address, int port) throws IOException {
        Path table = Path.of(address instanceof Inet4Address ? "/proc/net/udp" : "/proc/net/udp6");
        String local = hex(address) + ":" + String.format("%04X", port);
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(table)) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 4 && f[1].equals(local)) {
                rows.add(new Row(f[1], f[2], Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16)));
            }
        }
        return rows;
    }

    private static String hex(InetAddress address) {
        byte[] b = address.getAddress();
        StringBuilder s = new StringBuilder();
        for (int word = 0; word < b.length; word += 4) {
            for (int i = 3; i >= 0; i--) {
                s.append(String.format("%02X", b[word + i] & 0xFF));
            }
        }
        return s.toString();
    }
}
