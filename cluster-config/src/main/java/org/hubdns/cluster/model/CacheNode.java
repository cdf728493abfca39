package org.hubdns.cluster.model;

import java.util.List;

/**
 * One cache node registered by a partner: which platform it serves, at which site, on which
 * addresses, how much of the site's traffic it takes (weight 1-1000), how it is probed, and whether
 * the partner has it active or draining.
 */
public record CacheNode(String id, String partner, String platform, String site, List<String> addresses,
        int weight, HealthCheck check, String admin) {
    public static final String ACTIVE = "active";
    public static final String DRAINING = "draining";

    public CacheNode {
        addresses = List.copyOf(addresses);
    }

    public boolean active() {
        return ACTIVE.equals(admin);
    }

    public CacheNode withAdmin(String state) {
        return new CacheNode(id, partner, platform, site, addresses, weight, check, state);
    }
}
