package org.hubdns.dns.stats;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every query processor's {@link QueryStats} on this member, summed when asked (scrape, dashboard). */
public final class StatsRegistry {
    private final List<QueryStats> all = new CopyOnWriteArrayList<>();

    /** A new processor's counters, included in every later sum. */
    public QueryStats newStats() {
        QueryStats s = new QueryStats();
        all.add(s);
        return s;
    }

    public QueryStats.Totals totals() {
        QueryStats.Totals t = new QueryStats.Totals();
        for (QueryStats s : all) {
            s.addTo(t);
        }
        return t;
    }
}
