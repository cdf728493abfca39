package org.hubdns.cluster.feed;

import java.util.Locale;

/**
 * An MRT file that is not what RFC 6396 describes, or that ends in the middle of a record. The
 * message names the record (counting from 1), the byte offset where it starts in the decompressed
 * stream, and what was wrong, so that an API can hand it to the operator as it is.
 */
public final class MrtFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    private final long record;
    private final long offset;
    private final String reason;

    public MrtFormatException(long record, long offset, String reason) {
        super(String.format(Locale.ENGLISH, "record %,d at byte %,d: %s", record, offset, reason));
        this.record = record;
        this.offset = offset;
        this.reason = reason;
    }

    /** The record's number, counting from 1. */
    public long record() {
        return record;
    }

    /** Where the record starts, in bytes from the start of the decompressed stream. */
    public long offset() {
        return offset;
    }

    /** What was wrong, without the record and offset. */
    public String reason() {
        return reason;
    }
}
