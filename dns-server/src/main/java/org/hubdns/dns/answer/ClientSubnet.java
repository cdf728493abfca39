package org.hubdns.dns.answer;

/**
 * Who asked: the EDNS Client Subnet (RFC 7871) of the query when it carried a usable one, else the
 * address the packet came from. A mutable per-thread view, valid only during one query.
 */
public final class ClientSubnet {
    final byte[] address = new byte[16];
    int family;
    int sourcePrefix;
    boolean fromEcs;
    /** Per-thread working memory of whoever answers, by {@link ScratchSlot}: kept across queries to avoid allocating. */
    Object[] scratch = new Object[1];
    /** The site steering answered from ({@code "fallback"} for the origin), for counting and the query log. */
    public String site;

    /** 1 for IPv4, 2 for IPv6 (the ECS family numbers). */
    public int family() {
        return family;
    }

    /** The address bytes: 4 for IPv4, 16 for IPv6; bits past {@link #sourcePrefix()} are zero. */
    public byte[] address() {
        return address;
    }

    public int addressLength() {
        return family == 1 ? 4 : 16;
    }

    /** How many leading bits of the address are known (32/128 for a packet's source address). */
    public int sourcePrefix() {
        return sourcePrefix;
    }

    /** Whether the address came from an ECS option rather than the packet's source. */
    public boolean fromEcs() {
        return fromEcs;
    }

    public void set(int family, byte[] addr, int addrLength, int prefix, boolean ecs) {
        this.family = family;
        java.util.Arrays.fill(address, (byte) 0);
        System.arraycopy(addr, 0, address, 0, addrLength);
        this.sourcePrefix = prefix;
        this.fromEcs = ecs;
    }
}
