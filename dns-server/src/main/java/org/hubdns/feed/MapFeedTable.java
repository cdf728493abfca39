package org.hubdns.feed;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.hubdns.cluster.coverage.Cidr;
import org.hubdns.cluster.feed.RouteSink;

/** A plain hash map of routes (per session, prefix and path id). */
final class MapFeedTable implements FeedTable {
    private record Key(String session, Cidr prefix, long pathId) {
    }

    record Route(String session, Cidr prefix, long pathId, long as, byte[] announcer, long[] asPath) {
    }

    private final Map<Key, Route> routes = new HashMap<>();
    private long v4;
    private long v6;

    @Override
    public void announce(String session, byte[] prefix, int prefixLength, long pathId, long announcerAs,
            byte[] announcerAddress, long[] asPath) {
        Cidr c = Cidr.of(prefix.clone(), prefixLength);
        Route r = new Route(session, c, pathId, announcerAs, announcerAddress == null ? null : announcerAddress.clone(),
                asPath == null ? new long[0] : asPath.clone());
        if (routes.put(new Key(session, c, pathId), r) == null) {
            count(c, 1);
        }
    }

    @Override
    public void withdraw(String session, byte[] prefix, int prefixLength, long pathId) {
        Cidr c = Cidr.of(prefix.clone(), prefixLength);
        if (routes.remove(new Key(session, c, pathId)) != null) {
            count(c, -1);
        }
    }

    @Override
    public void sessionDown(String session) {
        routes.values().removeIf(r -> {
            if (r.session.equals(session)) {
                count(r.prefix, -1);
                return true;
            }
            return false;
        });
    }

    private void count(Cidr c, int d) {
        if (c.isIpv4()) {
            v4 += d;
        } else {
            v6 += d;
        }
    }

    @Override
    public long routesV4() {
        return v4;
    }

    @Override
    public long routesV6() {
        return v6;
    }

    @Override
    public Map<Announcer, Long> announcers() {
        Map<Announcer, Long> out = new TreeMap<>((a, b) -> a.as() != b.as() ? Long.compare(a.as(), b.as())
                : String.valueOf(a.address()).compareTo(String.valueOf(b.address())));
        for (Route r : routes.values()) {
            out.merge(new Announcer(r.as, r.announcer == null ? null : Cidr.formatAddress(r.announcer)), 1L,
                    Long::sum);
        }
        return out;
    }

    @Override
    public void forEach(RouteSink out) {
        for (Route r : routes.values()) {
            out.announce(r.session, r.prefix.address(), r.prefix.prefix(), r.pathId, r.as, r.announcer, r.asPath);
        }
    }

    Iterable<Route> routes() {
        return routes.values();
    }

    @Override
    public String toString() {
        return "routes v4 " + v4 + " v6 " + v6 + " " + Arrays.toString(new long[0]);
    }
}
