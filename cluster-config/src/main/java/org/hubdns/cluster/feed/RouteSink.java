package org.hubdns.cluster.feed;

/**
 * Where parsed BGP routes go: the seam between the readers of the outside formats (MRT table
 * dumps, ExaBGP's JSON) and a feed's route table. A route is kept per BGP session, prefix and path
 * id (RFC 7911; 0 without ADD-PATH).
 *
 * <p>The <em>announcer</em> of a route is the exchange member that announced it, which is what the
 * feed's {@code peers} map keys: in an MRT dump taken on the route server it is the dump's peer
 * (peer AS, peer address); in a live feed that hears the route server it is the first AS of the AS
 * path and the route's next hop. The <em>session</em> is the BGP session the route was heard on:
 * the dump's peer, or the live feed's neighbour (ExaBGP's {@code neighbor.address.peer}).
 *
 * <p>Arrays passed in may be reused by the caller after the call returns: copy what you keep.
 */
public interface RouteSink {
    /**
     * A path to {@code prefix}: replaces the session's earlier path with the same prefix and path id
     * (implicit withdraw).
     *
     * @param prefix the network address, 4 or 16 bytes, host bits zero
     * @param announcerAs the announcing member's AS (0 when unknown)
     * @param announcerAddress its address, 4 or 16 bytes (null when unknown)
     * @param asPath the AS path as heard, first AS first (AS_SET members flattened in order; may be empty)
     */
    void announce(String session, byte[] prefix, int prefixLength, long pathId, long announcerAs,
            byte[] announcerAddress, long[] asPath);

    /** The session's path to {@code prefix} with {@code pathId} is gone. */
    void withdraw(String session, byte[] prefix, int prefixLength, long pathId);

    /** The session went down: every route heard on it is gone. */
    void sessionDown(String session);
}
