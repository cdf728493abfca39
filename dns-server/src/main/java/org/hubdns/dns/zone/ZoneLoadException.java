package org.hubdns.dns.zone;

/** A zone that cannot be served; the message names the file (and line where the parser knows it) and what is wrong. */
public final class ZoneLoadException extends Exception {
    public ZoneLoadException(String message) {
        super(message);
    }

    public ZoneLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
