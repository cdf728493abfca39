package org.hubdns.bench.wire;

/**
 * One parsed response, read in place from a receive buffer. It is a mutable, reused object on
 * purpose (one per socket handler): a record per response would be the only allocation left on
 * the receive path.
 */
public final class Response {
    /** Addresses beyond this many in one answer are not counted (answers carry a handful). */
    public static final int MAX_ADDRESSES = 64;

    public enum Status {
        /** Header and question parsed; the record sections may still be cut ({@link #recordsMalformed}). */
        OK,
        /** Shorter than a header, QR not set, or a question that cannot be parsed. */
        MALFORMED
    }

    Status status;
    int id;
    int flags;
    int rcode;
    int qdcount;
    int ancount;
    boolean recordsMalformed;
    final int[] v4 = new int[MAX_ADDRESSES];
    /** Offsets of AAAA rdata in the buffer, in answer order; -1 marks an IPv4 entry in {@link #order}. */
    final int[] v6 = new int[MAX_ADDRESSES];
    /** Per address in answer order: index into v4 (>= 0) or -1 - index into v6. */
    final int[] order = new int[MAX_ADDRESSES];
    int addresses;
    int v4Count;
    int v6Count;
    int cnameOffset;
    int ecsScope;
    byte[] buffer;
    int length;

    public Status status() {
        return status;
    }

    public int id() {
        return id;
    }

    /** The response code, extended by the OPT record's upper bits when there is one. */
    public int rcode() {
        return rcode;
    }

    public boolean truncated() {
        return (flags & 0x0200) != 0;
    }

    public int qdcount() {
        return qdcount;
    }

    public boolean recordsMalformed() {
        return recordsMalformed;
    }

    /** A and AAAA records in the answer section, in order (up to {@link #MAX_ADDRESSES}). */
    public int addressCount() {
        return addresses;
    }

    /** True when the {@code i}-th address is IPv4; then {@link #v4(int)} gives it. */
    public boolean isV4(int i) {
        return order[i] >= 0;
    }

    public int v4(int i) {
        return v4[order[i]];
    }

    /** The offset of the {@code i}-th address's 16 bytes in {@link #buffer()} (when it is IPv6). */
    public int v6Offset(int i) {
        return v6[-1 - order[i]];
    }

    public byte[] buffer() {
        return buffer;
    }

    /** The offset of the first CNAME's target in the answer section, or -1. */
    public int cnameOffset() {
        return cnameOffset;
    }

    /** The ECS option's scope prefix length in the response, or -1 when it has none. */
    public int ecsScope() {
        return ecsScope;
    }
}
