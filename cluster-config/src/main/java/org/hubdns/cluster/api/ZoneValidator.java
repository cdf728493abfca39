package org.hubdns.cluster.api;

import org.hubdns.cluster.model.StoredZone;

/**
 * Checks master-format zone text before it enters the cluster (the DNS server provides it: it owns
 * the zone parser). Throws {@link org.hubdns.http.ApiException} naming the line at fault.
 */
@FunctionalInterface
public interface ZoneValidator {
    StoredZone validate(String apex, String text, String source);
}
