package org.hubdns.server;

import org.hubdns.cluster.api.ZoneValidator;
import org.hubdns.cluster.model.StoredZone;
import org.hubdns.dns.zone.ZoneContent;
import org.hubdns.dns.zone.ZoneLoadException;
import org.hubdns.dns.zone.ZoneParser;
import org.hubdns.http.ApiException;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;

/** Checks an uploaded zone with the same parser and rules as zone files ({@code PUT /v1/zones/{name}}). */
final class ZoneUploads implements ZoneValidator {
    @Override
    public StoredZone validate(String apex, String text, String source) {
        Name origin;
        try {
            origin = Name.fromString(apex);
        } catch (TextParseException e) {
            throw ApiException.badRequest("name", "'" + apex + "' is not a zone name");
        }
        ZoneContent z;
        try {
            z = ZoneParser.parseText(text, origin, source);
        } catch (ZoneLoadException e) {
            throw ApiException.invalid(null, e.getMessage() + "; nothing was changed");
        }
        if (!z.apex().equals(origin)) {
            throw ApiException.invalid("name", "the zone's SOA is at " + z.apex() + ", not at " + apex
                    + " as the path says");
        }
        return new StoredZone(z.apex().toString(), z.serial(), source, masterText(z));
    }

    /** Master-format text of a parsed zone: absolute names, one record per line, SOA first. */
    static String masterText(ZoneContent z) {
        StringBuilder sb = new StringBuilder(64 * (z.records().size() + 2));
        sb.append("$ORIGIN ").append(z.apex()).append('\n');
        sb.append(z.soa()).append('\n');
        for (Record r : z.records()) {
            if (!r.equals(z.soa())) {
                sb.append(r).append('\n');
            }
        }
        return sb.toString();
    }
}
