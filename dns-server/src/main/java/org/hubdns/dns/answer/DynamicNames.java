package org.hubdns.dns.answer;

import java.util.Map;
import org.xbill.DNS.Name;

/**
 * Which names are answered per query, and by what: read each time the snapshot is rebuilt. The
 * steering of issue 5 provides one built from the registry; a server without it has none.
 */
@FunctionalInterface
public interface DynamicNames {
    DynamicNames NONE = Map::of;

    /** The current names (inside served zones) and their answers; the map is not modified after return. */
    Map<Name, DynamicAnswers> current();
}
