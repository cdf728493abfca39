package org.hubdns.api;

import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.hubdns.cluster.model.StoredZone;
import org.hubdns.dns.zone.ZoneContent;
import org.hubdns.dns.zone.ZoneLoadException;
import org.hubdns.dns.zone.ZoneParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Checks an uploaded zone with the same parser and rules as zone files ({@code PUT /v1/zones/{name}}),
 * and looks names up in the cluster's zones: the DNS side of the registry service's
 * {@link ZoneValidator} seam (the service lives in cluster-config, the parser here).
 */
public final class ZoneUploads implements ZoneValidator {
    private static final Logger LOG = LoggerFactory.getLogger(ZoneUploads.class);

    /** The zone as the current snapshot parsed it, or null (then it is parsed here). */
    private final Function<StoredZone, ZoneContent> parsed;

    /** @param parsed the zone as the current snapshot parsed it, or null (then it is parsed here) */
    public ZoneUploads(Function<StoredZone, ZoneContent> parsed) {
        this.parsed = parsed;
    }

    @Override
    public CheckedZone validate(String apex, String text, String source, LongConsumer serialSeen) {
        Name origin;
        try {
            origin = Name.fromString(apex);
        } catch (TextParseException e) {
            throw ApiException.badRequest("name", "'" + apex + "' is not a zone name");
        }
        ZoneContent z;
        try {
            z = ZoneParser.parseText(text, origin, source, serialSeen);
        } catch (ZoneLoadException e) {
            throw ApiException.invalid(null, e.getMessage() + "; nothing was changed");
        }
        if (!z.apex().equals(origin)) {
            throw ApiException.invalid("name", "the zone's SOA is at " + z.apex() + ", not at " + apex
                    + " as the path says");
        }
        Map<String, Integer> types = new TreeMap<>();
        z.records().forEach(r -> types.merge(Type.string(r.getType()), 1, Integer::sum));
        return new CheckedZone(new StoredZone(z.apex().toString(), z.serial(), source, z.masterText()),
                z.records().size(), types, names(z));
    }

    @Override
    public ZoneNames names(StoredZone zone) {
        ZoneContent z = parsed.apply(zone);
        if (z == null) {
            try {
                z = ZoneParser.parseText(zone.text(), Name.fromString(zone.name()), zone.source());
            } catch (ZoneLoadException | TextParseException e) {
                // it was checked before it entered the cluster; this member does not serve it either
                LOG.error("zone {} serial {} from the cluster cannot be read by this member: {}", zone.name(),
                        zone.serial(), e.getMessage());
                return fqdn -> NameUse.FREE;
            }
        }
        return names(z);
    }

    /** What a parsed zone holds at each name (also for this member's zone files at start-up and reload). */
    public static ZoneNames names(ZoneContent z) {
        return fqdn -> {
            Name n;
            try {
                n = Name.fromString(fqdn);
            } catch (TextParseException e) {
                return NameUse.FREE;
            }
            Name cut = z.delegationOver(n);
            return new NameUse(cut == null ? null : cut.toString(), new ArrayList<>(z.typesAt(n)));
        };
    }
}
