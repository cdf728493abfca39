package org.hubdns.cluster.feed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hubdns.cluster.coverage.Cidr;

/** A RouteSink that keeps what it hears as text, for table tests. */
final class RecordingSink implements RouteSink {
    final List<String> events = new ArrayList<>();

    @Override
    public void announce(String session, byte[] prefix, int prefixLength, long pathId, long announcerAs,
            byte[] announcerAddress, long[] asPath) {
        events.add("announce " + session + " " + Cidr.formatAddress(prefix) + "/" + prefixLength + " id " + pathId
                + " by AS" + announcerAs + " " + (announcerAddress == null ? "-" : Cidr.formatAddress(announcerAddress))
                + " path " + Arrays.toString(asPath));
    }

    @Override
    public void withdraw(String session, byte[] prefix, int prefixLength, long pathId) {
        events.add("withdraw " + session + " " + Cidr.formatAddress(prefix) + "/" + prefixLength + " id " + pathId);
    }

    @Override
    public void sessionDown(String session) {
        events.add("down " + session);
    }
}
