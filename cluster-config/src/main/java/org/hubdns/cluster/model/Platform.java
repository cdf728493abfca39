package org.hubdns.cluster.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
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
 * @param geoipMaxRadiusKm a GeoIP record whose accuracy radius is larger places the client only in its
 *     country, not at a point (default 200)
 * @param serveCountries ISO 3166-1 alpha-2 codes of the countries whose clients the nodes serve;
 *     others get the fallback ({@code ["*"]}: every country; default: the countries of the sites
 *     the platform has nodes at)
 * @param answerUnlocated what a client that cannot be placed at all gets (default {@link Unlocated#DEFAULT})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Platform(String name, List<String> hostnames, int ttl, int answers, Fallback fallback,
        String defaultSite, Boolean answerUnknown, Double spillAt, Integer affinityPrefixV4, Integer affinityPrefixV6,
        Integer geoipMaxRadiusKm, List<String> serveCountries, Unlocated answerUnlocated) {
    public static final double DEFAULT_SPILL_AT = 0.8;
    public static final int DEFAULT_AFFINITY_V4 = 24;
    public static final int DEFAULT_AFFINITY_V6 = 48;
    public static final int DEFAULT_GEOIP_MAX_RADIUS_KM = 200;
    /** The {@code serveCountries} entry that serves every country. */
    public static final String EVERY_COUNTRY = "*";

    /** What a client gets when neither coverage, feeds nor GeoIP place it. */
    public enum Unlocated {
        /** The defaultSite, else one ranking over every node (as before there was a choice). */
        @JsonProperty("default") DEFAULT,
        /** The platform's fallback. */
        @JsonProperty("fallback") FALLBACK;

        /** The word in JSON. */
        public String wire() {
            return this == DEFAULT ? "default" : "fallback";
        }
    }

    public Platform {
        hostnames = List.copyOf(hostnames);
        serveCountries = serveCountries == null ? null : List.copyOf(serveCountries);
    }

    public Platform(String name, List<String> hostnames, int ttl, int answers, Fallback fallback) {
        this(name, hostnames, ttl, answers, fallback, null, null, null, null, null);
    }

    public Platform(String name, List<String> hostnames, int ttl, int answers, Fallback fallback, String defaultSite,
            Boolean answerUnknown, Double spillAt, Integer affinityPrefixV4, Integer affinityPrefixV6) {
        this(name, hostnames, ttl, answers, fallback, defaultSite, answerUnknown, spillAt, affinityPrefixV4,
                affinityPrefixV6, null, null, null);
    }

    /** This platform with other country rules (tests and the demo). */
    public Platform withCountries(List<String> serveCountries, Unlocated answerUnlocated) {
        return new Platform(name, hostnames, ttl, answers, fallback, defaultSite, answerUnknown, spillAt,
                affinityPrefixV4, affinityPrefixV6, geoipMaxRadiusKm, serveCountries, answerUnlocated);
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

    public int effectiveGeoipMaxRadiusKm() {
        return geoipMaxRadiusKm == null ? DEFAULT_GEOIP_MAX_RADIUS_KM : geoipMaxRadiusKm;
    }

    public Unlocated effectiveAnswerUnlocated() {
        return answerUnlocated == null ? Unlocated.DEFAULT : answerUnlocated;
    }

    /** Whether {@code serveCountries} is {@code ["*"]}. */
    public boolean servesEveryCountry() {
        return serveCountries != null && serveCountries.contains(EVERY_COUNTRY);
    }
}
