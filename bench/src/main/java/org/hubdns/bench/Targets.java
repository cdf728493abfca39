package org.hubdns.bench;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import org.hubdns.bench.wire.EcsList;

/**
 * Parses {@code HOST:PORT} targets and enforces the loopback-only rule: load is a weapon when
 * aimed at someone else's server, so anything outside 127.0.0.0/8 and ::1 needs --allow-remote.
 */
public final class Targets {
    private Targets() {
    }

    /** {@code 127.0.0.1:5300}, {@code [::1]:5300}, {@code localhost:5300}; the port defaults to 53. */
    public static InetSocketAddress parse(String text, boolean allowRemote) throws BenchInputException {
        String host;
        String port = "53";
        String t = text.strip();
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new BenchInputException("--server " + text + ": missing ']' (write IPv6 as [::1]:5300)");
            }
            host = t.substring(1, close);
            String rest = t.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new BenchInputException("--server " + text + ": expected [ADDRESS]:PORT");
                }
                port = rest.substring(1);
            }
        } else if (t.indexOf(':') != t.lastIndexOf(':')) {
            host = t; // a bare IPv6 literal
        } else {
            int colon = t.indexOf(':');
            host = colon < 0 ? t : t.substring(0, colon);
            if (colon >= 0) {
                port = t.substring(colon + 1);
            }
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 1 || p > 65535) {
            throw new BenchInputException("--server " + text + ": the port must be 1-65535 (e.g. 127.0.0.1:5300)");
        }
        InetAddress a = address(host, "--server " + text);
        check(a, "--server " + text, allowRemote);
        return new InetSocketAddress(a, p);
    }

    /** The host of an HTTP(S) URL, checked like a DNS target. */
    public static URI url(String text, String flag, boolean allowRemote) throws BenchInputException {
        URI u;
        try {
            u = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (IllegalArgumentException e) {
            throw new BenchInputException(flag + " " + text + ": not a URL (e.g. http://127.0.0.1:8053)");
        }
        if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                || u.getHost() == null) {
            throw new BenchInputException(flag + " " + text + ": expected http://HOST:PORT (e.g. http://127.0.0.1:8053)");
        }
        String host = u.getHost().startsWith("[") ? u.getHost().substring(1, u.getHost().length() - 1) : u.getHost();
        check(address(host, flag + " " + text), flag + " " + text, allowRemote);
        return u;
    }

    private static InetAddress address(String host, String what) throws BenchInputException {
        byte[] literal = EcsList.parseLiteral(host);
        try {
            return literal != null ? InetAddress.getByAddress(literal) : InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new BenchInputException(what + ": cannot resolve '" + host + "'; give an address such as 127.0.0.1");
        }
    }

    public static boolean isLoopback(InetAddress a) {
        if (a instanceof Inet4Address) {
            return (a.getAddress()[0] & 0xff) == 127;
        }
        return a instanceof Inet6Address && a.isLoopbackAddress();
    }

    private static void check(InetAddress a, String what, boolean allowRemote) throws BenchInputException {
        if (!allowRemote && !isLoopback(a)) {
            throw new BenchInputException(what + ": refusing " + a.getHostAddress()
                    + ", which is outside 127.0.0.0/8 and ::1. Load tests send a lot of traffic: aim them only at "
                    + "servers you run, and add --allow-remote to confirm");
        }
    }
}
