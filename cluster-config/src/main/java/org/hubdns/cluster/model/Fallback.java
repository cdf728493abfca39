package org.hubdns.cluster.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a platform's hostnames answer when no local node can serve: a CNAME to the global origin,
 * or fixed origin addresses. Exactly one of the two is set.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Fallback(String cname, List<String> addresses) {
    public Fallback {
        addresses = addresses == null ? null : List.copyOf(addresses);
    }
}
