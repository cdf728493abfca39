package org.hubdns.dns.zone;

import java.util.List;
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
}
