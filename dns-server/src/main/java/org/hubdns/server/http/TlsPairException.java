package org.hubdns.server.http;

/** A certificate and key that cannot serve HTTPS; the message names the file, what is wrong and what to do. */
public final class TlsPairException extends Exception {
    public TlsPairException(String message) {
        super(message);
    }
}
