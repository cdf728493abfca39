package org.hubdns.dns.zone;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

/**
 * One validated zone: its apex, the SOA, every record (duplicates removed) and where it came from.
 *
 * @param source a human-readable origin of the data (a file path, "demo", later "cluster")
 */
public record ZoneContent(Name apex, SOARecord soa, List<Record> records, String source) {
    public ZoneContent {
        records = List.copyOf(records);
    }

    public long serial() {
        return soa.getSerial();
    }

    /**
     * The types of the records {@code name} owns itself: none for an empty non-terminal or a name
     * only a wildcard covers (a platform hostname may go there: it is the more specific name).
     */
    public Set<String> typesAt(Name name) {
        Set<String> types = new TreeSet<>();
        for (Record r : records) {
            if (r.getName().equals(name)) {
                types.add(org.xbill.DNS.Type.string(r.getType()));
            }
        }
        return types;
    }

    /**
     * The highest delegation at or above {@code name}: a name below the apex with NS records, below
     * which other servers answer (RFC 1034 4.2.1); null when there is none.
     */
    public Name delegationOver(Name name) {
        Name cut = null;
        for (Record r : records) {
            Name owner = r.getName();
            if (r.getType() == org.xbill.DNS.Type.NS && !owner.equals(apex) && name.subdomain(owner)
                    && (cut == null || cut.subdomain(owner))) {
                cut = owner;
            }
        }
        return cut;
    }

    /** Master-format text: absolute names, one record per line, SOA first (as the cluster keeps zones). */
    public String masterText() {
        StringBuilder sb = new StringBuilder(64 * (records.size() + 2));
        sb.append("$ORIGIN ").append(apex).append('\n');
        sb.append(soa).append('\n');
        for (Record r : records) {
            if (!r.equals(soa)) {
                sb.append(r).append('\n');
            }
        }
        return sb.toString();
    }
}
