package org.hubdns.cluster.model;

import java.util.List;

/**
 * A content partner that registers its own cache nodes, for the platforms it may serve. Only the
 * SHA-256 of its bearer token is kept.
 */
public record Partner(String name, List<String> platforms, String tokenSha256) {
    public Partner {
        platforms = List.copyOf(platforms);
    }
}
