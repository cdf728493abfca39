package org.hubdns.feed;

import java.util.Map;
import org.hubdns.cluster.feed.RouteSink;

/**
 * One feed's routes on this member, as the replica needs them: changed through {@link RouteSink},
 * counted for the API and metrics, streamed out for compaction. Only the feed thread touches it.
 */
interface FeedTable extends RouteSink {
    long routesV4();

    long routesV6();

    /** Routes by announcer: key {@code "AS<n>"} or {@code "AS<n>/<address>"}. */
    Map<Announcer, Long> announcers();

    /** Every route, as announcements, into {@code out}. */
    void forEach(RouteSink out);

    /** An announcing member as routes name it. */
    record Announcer(long as, String address) {
    }
}
