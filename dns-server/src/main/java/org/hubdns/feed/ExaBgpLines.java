package org.hubdns.feed;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.hubdns.cluster.coverage.Cidr;
import org.hubdns.cluster.feed.RouteSink;

/**
 * One line of ExaBGP's JSON ({@code encoder json}) into a {@link RouteSink}: an update's
 * {@code announce} and {@code withdraw} of IPv4/IPv6 unicast, and a {@code state} message
 * {@code down}. The session is the neighbour's peer address; the announcer is the first AS of the
 * AS path and the route's next hop. Other messages (keepalive, open, notification, other
 * families) are ExaBGP JSON that changes no route.
 *
 * <p>A stand-in for i15-bgp's reader until it lands; kept small on purpose.
 */
public final class ExaBgpLines {
    private ExaBgpLines() {
    }

    /** False when the line is not an ExaBGP JSON message. */
    public static boolean read(String line, RouteSink sink) {
        JsonObject m;
        try {
            m = new JsonObject(line);
        } catch (DecodeException | ClassCastException e) {
            return false;
        }
        if (!m.containsKey("exabgp") || !(m.getValue("type") instanceof String type)) {
            return false;
        }
        JsonObject neighbor = m.getJsonObject("neighbor");
        if (neighbor == null) {
            return !type.equals("update") && !type.equals("state");
        }
        JsonObject address = neighbor.getJsonObject("address");
        String session = address == null ? null : address.getString("peer");
        if (session == null) {
            return false;
        }
        if (type.equals("state")) {
            if ("down".equals(neighbor.getString("state"))) {
                sink.sessionDown(session);
            }
            return true;
        }
        if (!type.equals("update")) {
            return true;
        }
        JsonObject message = neighbor.getJsonObject("message");
        JsonObject update = message == null ? null : message.getJsonObject("update");
        if (update == null) {
            return true; // e.g. end-of-rib markers
        }
        JsonObject attribute = update.getJsonObject("attribute", new JsonObject());
        long[] path = asPath(attribute.getValue("as-path"));
        long announcerAs = path.length == 0 ? 0 : path[0];
        JsonObject withdraw = update.getJsonObject("withdraw");
        if (withdraw != null) {
            for (String family : withdraw.fieldNames()) {
                if (!unicast(family)) {
                    continue;
                }
                for (Object n : withdraw.getJsonArray(family)) {
                    Cidr c = nlri(n);
                    sink.withdraw(session, c.address(), c.prefix(), pathId(n));
                }
            }
        }
        JsonObject announce = update.getJsonObject("announce");
        if (announce != null) {
            for (String family : announce.fieldNames()) {
                if (!unicast(family)) {
                    continue;
                }
                JsonObject byNextHop = announce.getJsonObject(family);
                for (String nextHop : byNextHop.fieldNames()) {
                    byte[] hop;
                    try {
                        hop = Cidr.parseAddress(nextHop);
                    } catch (IllegalArgumentException e) {
                        hop = null;
                    }
                    for (Object n : byNextHop.getJsonArray(nextHop)) {
                        Cidr c = nlri(n);
                        sink.announce(session, c.address(), c.prefix(), pathId(n), announcerAs, hop, path);
                    }
                }
            }
        }
        return true;
    }

    private static boolean unicast(String family) {
        return family.equals("ipv4 unicast") || family.equals("ipv6 unicast");
    }

    private static Cidr nlri(Object n) {
        String text = n instanceof JsonObject o ? o.getString("nlri") : (String) n;
        return Cidr.parse(text);
    }

    private static long pathId(Object n) {
        if (n instanceof JsonObject o && o.getValue("path-information") instanceof String id) {
            if (id.contains(".")) {
                byte[] b = Cidr.parseAddress(id);
                return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
            }
            return Long.parseLong(id);
        }
        return 0;
    }

    private static long[] asPath(Object v) {
        List<Long> out = new ArrayList<>();
        if (v instanceof JsonArray a) {
            flatten(a, out);
        } else if (v instanceof JsonObject o) {
            // ExaBGP 5: {"0": {"element": "as-sequence", "value": [...]}, ...}
            o.fieldNames().stream().sorted().forEach(k -> {
                JsonObject seg = o.getJsonObject(k);
                if (seg != null && seg.getValue("value") instanceof JsonArray a) {
                    flatten(a, out);
                }
            });
        }
        long[] p = new long[out.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = out.get(i);
        }
        return p;
    }

    private static void flatten(JsonArray a, List<Long> out) {
        for (Object x : a) {
            if (x instanceof Number n) {
                out.add(n.longValue());
            } else if (x instanceof JsonArray inner) {
                flatten(inner, out);
            }
        }
    }
}
