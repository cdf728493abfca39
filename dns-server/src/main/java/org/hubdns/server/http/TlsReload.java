package org.hubdns.server.http;

/** What re-reading {@code --tls-cert} and {@code --tls-key} did. */
public sealed interface TlsReload {
    /** The listener now serves the new pair to new connections. */
    record Swapped(String certificate) implements TlsReload {
    }

    /** The files hold what is already served. */
    record Unchanged(String certificate) implements TlsReload {
    }

    /** The new files cannot be served; the old pair keeps serving. */
    record Refused(String reason) implements TlsReload {
    }
}
