package org.hubdns.geo;

/** A file or upload that hubdns cannot use as its GeoIP database; the message is shown to operators as is. */
public final class InvalidGeoIpException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidGeoIpException(String message) {
        super(message);
    }

    public InvalidGeoIpException(String message, Throwable cause) {
        super(message, cause);
    }
}
