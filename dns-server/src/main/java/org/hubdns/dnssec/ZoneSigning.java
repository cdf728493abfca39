package org.hubdns.dnssec;

import java.util.List;
import java.util.Map;
import org.hubdns.cluster.store.Json;

/**
 * A zone's DNSSEC settings and keys, kept in the cluster's {@code secrets} map under
 * {@link #secretKey} (persisted with the registry in the data dir; never in an API response or a
 * log: {@link #toString()} leaves the keys out).
 *
 * @param enabled whether the zone is signed
 * @param algorithm the algorithm new keys use
 * @param keys every key not yet removed, oldest first
 */
public record ZoneSigning(boolean enabled, String algorithm, List<ZoneKey> keys) {
    public static final String PREFIX = "dnssec:";

    public ZoneSigning {
        keys = keys == null ? List.of() : List.copyOf(keys);
    }

    public static String secretKey(String apex) {
        return PREFIX + apex;
    }

    public String encode() {
        return Json.write(this);
    }

    public static ZoneSigning decode(String json) {
        return Json.read(json, ZoneSigning.class);
    }

    /** Every signed zone's settings in a view's secrets, by apex ("example.com."). */
    public static Map<String, ZoneSigning> fromSecrets(Map<String, String> secrets) {
        Map<String, ZoneSigning> out = new java.util.HashMap<>();
        secrets.forEach((k, v) -> {
            if (k.startsWith(PREFIX)) {
                try {
                    out.put(k.substring(PREFIX.length()), decode(v));
                } catch (IllegalArgumentException e) {
                    org.slf4j.LoggerFactory.getLogger(ZoneSigning.class).error(
                            "the DNSSEC settings of {} cannot be read; that zone is served unsigned", k);
                }
            }
        });
        return out;
    }

    @Override
    public String toString() {
        return "ZoneSigning[enabled=" + enabled + ", algorithm=" + algorithm + ", keys=" + keys + "]";
    }
}
