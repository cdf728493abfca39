package org.hubdns.cluster.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A service whose users are steered: its hostnames (inside served zones), the TTL and number of
 * addresses per answer, the fallback used when no local cache node can serve, and its steering
 * settings (null: the default).
 *
 * @param defaultSite where clients that cannot be located are sent (else: all sites together)
 * @param answerUnknown whether nodes whose health is not known yet are answered (default false)
 * @param spillAt the load from which a node's effective weight falls, to zero at load 1.0 (default 0.8)
 * @param affinityPrefixV4 the client network (IPv4 prefix length) that keeps hitting the same nodes (default 24)
 * @param affinityPrefixV6 the same for IPv6 (default 48)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Platform(String name, List<String> hostnames, int ttl, int answers, Fallback fallback,
        String defaultSite, Boolean answerUnknown, Double spillAt, Integer affinityPrefixV4, Integer affinityPrefixV6) {
    public static final double DEFAULT_SPILL_AT = 0.8;
    public static final int DEFAULT_AFFINITY_V4 = 24;
    public static final int DEFAULT_AFFINITY_V6 = 48;

    public Platform {
        hostnames = List.copyOf(hostnames);
    }

    public Platform(String name, List<String> hostnames, int ttl, int answers, Fallback fallback) {
        this(name, hostnames, ttl, answers, fallback, null, null, null, null, null);
    }

    public boolean answersUnknown() {
        return Boolean.TRUE.equals(answerUnknown);
    }

    public double effectiveSpillAt() {
        return spillAt == null ? DEFAULT_SPILL_AT : spillAt;
    }

    public int affinityPrefix(int family) {
        if (family == 1) {
            return affinityPrefixV4 == null ? DEFAULT_AFFINITY_V4 : affinityPrefixV4;
        }
        return affinityPrefixV6 == null ? DEFAULT_AFFINITY_V6 : affinityPrefixV6;
    }
}
