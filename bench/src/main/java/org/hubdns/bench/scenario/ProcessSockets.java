package org.hubdns.bench.scenario;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The addresses a process listens on, from Linux's {@code /proc}: the socket inodes among its open
 * files ({@code /proc/PID/fd}) matched to the sockets of its network namespace
 * ({@code /proc/PID/net/udp}, {@code udp6}, {@code tcp}, {@code tcp6}; TCP only in LISTEN).
 * This is how the cluster scenario knows which {@code --server} its {@code --pid} is.
 */
final class ProcessSockets {
    private static final String TCP_LISTEN = "0A";

    private ProcessSockets() {
    }

    /** UDP ({@code tcp} false) or listening TCP addresses of {@code pid}; an IOException says why it cannot tell. */
    static Set<InetSocketAddress> listening(long pid, boolean tcp) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[") && target.endsWith("]")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        Set<InetSocketAddress> out = new LinkedHashSet<>();
        String kind = tcp ? "tcp" : "udp";
        for (String table : List.of(kind, kind + "6")) {
            Path file = proc.resolve("net").resolve(table);
            if (!Files.exists(file)) {
                continue; // no IPv6 in this kernel
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 10 || !inodes.contains(f[9]) || (tcp && !f[3].equals(TCP_LISTEN))) {
                    continue;
                }
                out.add(address(f[1]));
            }
        }
        return out;
    }

    /**
     * {@code 0100007F:14B4} (IPv4) or 32 hex digits and a port (IPv6): the address as the kernel prints
     * it, each 32-bit word in the host's byte order, and the port in hex.
     */
    static InetSocketAddress address(String hex) throws IOException {
        int colon = hex.indexOf(':');
        String a = hex.substring(0, colon);
        byte[] bytes = new byte[a.length() / 2];
        boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int src = word * 4 + (little ? 3 - i : i);
                bytes[word * 4 + i] = (byte) Integer.parseInt(a.substring(src * 2, src * 2 + 2), 16);
            }
        }
        return new InetSocketAddress(InetAddress.getByAddress(bytes), Integer.parseInt(hex.substring(colon + 1), 16));
    }

    /** True when a socket bound to {@code bound} receives what is sent to {@code server}. */
    static boolean serves(InetSocketAddress bound, InetSocketAddress server) {
        if (bound.getPort() != server.getPort()) {
            return false;
        }
        InetAddress b = bound.getAddress();
        return b.isAnyLocalAddress() || b.equals(server.getAddress());
    }
}
