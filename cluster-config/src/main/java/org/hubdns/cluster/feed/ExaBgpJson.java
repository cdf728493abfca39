package org.hubdns.cluster.feed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.hubdns.cluster.coverage.Cidr;

/**
 * Reads one line of the JSON that ExaBGP 4.2's process API writes ({@code encoder json}) into a
 * {@link RouteSink}. The feed session is an ExaBGP neighbour of the exchange's route server, so:
 * <ul>
 * <li>the <em>session</em> is the neighbour, keyed {@code "AS<asn.peer>/<address.peer>"} like the
 * peers of an MRT dump;</li>
 * <li>an {@code update}'s {@code announce} ({@code ipv4 unicast} / {@code ipv6 unicast}, keyed by
 * next hop, {@code path-information} with ADD-PATH) is a path whose announcer is the first AS of
 * {@code attribute.as-path} (route servers add none) and the next hop (the member's address on the
 * peering LAN); {@code withdraw} removes the session's path; withdrawals apply before
 * announcements, as in a BGP UPDATE;</li>
 * <li>{@code state} {@code down} withdraws every route of the session, and so does {@code up}: a
 * new BGP session starts from nothing (RFC 4271 9.1), so routes an earlier run of ExaBGP heard,
 * and never saw withdrawn because it was killed, do not outlive it;</li>
 * <li>keepalive, open, notification, refresh, end-of-RIB, {@code connected}, messages ExaBGP
 * sends, other address families and types: {@link Ignored};</li>
 * <li>anything else (not JSON, not ExaBGP's, a field of the wrong shape): {@link Malformed} with a
 * reason, and nothing of the line reaches the sink.</li>
 * </ul>
 * Thread-safe and stateless.
 */
public final class ExaBgpJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What a line did. */
    public sealed interface Outcome permits Applied, Ignored, Malformed {
    }

    /** What an applied line was. */
    public enum Kind {
        UPDATE, SESSION_UP, SESSION_DOWN
    }

    /** Routes announced or withdrawn, or a session that came up or went down (its routes cleared). */
    public record Applied(String session, Kind kind, int announced, int withdrawn) implements Outcome {
        /** Route changes, for batching by size. */
        public int routes() {
            return announced + withdrawn;
        }
    }

    /** Well-formed ExaBGP JSON that changes no route. */
    public record Ignored(String what) implements Outcome {
    }

    /** Not ExaBGP JSON, or not of the shape ExaBGP writes; nothing was applied. */
    public record Malformed(String reason) implements Outcome {
    }

    /** A sink that keeps nothing: {@code apply(line, DISCARD)} checks and counts a line. */
    public static final RouteSink DISCARD = new RouteSink() {
        @Override
        public void announce(String session, byte[] prefix, int prefixLength, long pathId, long announcerAs,
                byte[] announcerAddress, long[] asPath) {
        }

        @Override
        public void withdraw(String session, byte[] prefix, int prefixLength, long pathId) {
        }

        @Override
        public void sessionDown(String session) {
        }
    };

    private ExaBgpJson() {
    }

    private record Nlri(byte[] prefix, int length, long pathId, byte[] nextHop) {
    }

    /** A line that is not what ExaBGP writes; the message is the reason. */
    private static final class Bad extends Exception {
        private static final long serialVersionUID = 1L;

        Bad(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Parses one line (without its newline) and applies it to {@code sink} when it is a change. */
    public static Outcome apply(String line, RouteSink sink) {
        if (line.isBlank()) {
            return new Ignored("blank line");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            return new Malformed("not JSON: " + e.getOriginalMessage());
        }
        try {
            return apply(root, sink);
        } catch (Bad e) {
            return new Malformed(e.getMessage());
        }
    }

    private static Outcome apply(JsonNode root, RouteSink sink) throws Bad {
        if (root == null || !root.isObject() || !root.path("exabgp").isTextual() || !root.path("type").isTextual()) {
            throw new Bad("not ExaBGP JSON: an object with \"exabgp\" and \"type\" is expected");
        }
        String type = root.get("type").asText();
        switch (type) {
            case "update":
                return update(root, sink);
            case "state":
                return state(root, sink);
            default:
                return new Ignored(type);
        }
    }

    private static Outcome state(JsonNode root, RouteSink sink) throws Bad {
        JsonNode neighbor = object(root, "neighbor");
        String session = session(neighbor);
        String state = text(neighbor, "state");
        switch (state) {
            case "down":
                sink.sessionDown(session);
                return new Applied(session, Kind.SESSION_DOWN, 0, 0);
            case "up":
                sink.sessionDown(session);
                return new Applied(session, Kind.SESSION_UP, 0, 0);
            default:
                return new Ignored("state " + state);
        }
    }

    private static Outcome update(JsonNode root, RouteSink sink) throws Bad {
        JsonNode neighbor = object(root, "neighbor");
        String session = session(neighbor);
        if (neighbor.path("direction").asText("receive").equals("send")) {
            return new Ignored("update sent");
        }
        JsonNode message = object(neighbor, "message");
        if (message.has("eor")) {
            return new Ignored("end-of-RIB");
        }
        JsonNode update = object(message, "update");
        long[] asPath = asPath(update.path("attribute"));
        List<Nlri> withdrawn = new ArrayList<>();
        List<Nlri> announced = new ArrayList<>();
        JsonNode withdraw = update.path("withdraw");
        if (!withdraw.isMissingNode()) {
            for (Iterator<Map.Entry<String, JsonNode>> families = fields(withdraw, "withdraw"); families.hasNext();) {
                Map.Entry<String, JsonNode> family = families.next();
                int bytes = unicastAddressBytes(family.getKey());
                if (bytes > 0) {
                    nlris(family.getValue(), bytes, null, "withdraw." + family.getKey(), withdrawn);
                }
            }
        }
        JsonNode announce = update.path("announce");
        if (!announce.isMissingNode()) {
            for (Iterator<Map.Entry<String, JsonNode>> families = fields(announce, "announce"); families.hasNext();) {
                Map.Entry<String, JsonNode> family = families.next();
                int bytes = unicastAddressBytes(family.getKey());
                if (bytes == 0) {
                    continue;
                }
                String where = "announce." + family.getKey();
                for (Iterator<Map.Entry<String, JsonNode>> hops = fields(family.getValue(), where); hops.hasNext();) {
                    Map.Entry<String, JsonNode> hop = hops.next();
                    byte[] nextHop = address(hop.getKey(), where + " next hop");
                    nlris(hop.getValue(), bytes, nextHop, where + "." + hop.getKey(), announced);
                }
            }
        }
        if (withdrawn.isEmpty() && announced.isEmpty()) {
            return new Ignored("update without unicast routes");
        }
        long announcerAs = asPath.length == 0 ? 0 : asPath[0];
        for (Nlri n : withdrawn) {
            sink.withdraw(session, n.prefix(), n.length(), n.pathId());
        }
        for (Nlri n : announced) {
            sink.announce(session, n.prefix(), n.length(), n.pathId(), announcerAs, n.nextHop(), asPath);
        }
        return new Applied(session, Kind.UPDATE, announced.size(), withdrawn.size());
    }

    /** 4 for ExaBGP's "ipv4 unicast", 16 for "ipv6 unicast", 0 for a family a feed does not keep. */
    private static int unicastAddressBytes(String family) {
        return switch (family) {
            case "ipv4 unicast" -> 4;
            case "ipv6 unicast" -> 16;
            default -> 0;
        };
    }

    private static void nlris(JsonNode list, int bytes, byte[] nextHop, String where, List<Nlri> out) throws Bad {
        if (!list.isArray()) {
            throw new Bad(where + ": a list of routes is expected");
        }
        for (JsonNode item : list) {
            String prefix;
            long pathId = 0;
            if (item.isTextual()) {
                prefix = item.asText();
            } else if (item.isObject() && item.path("nlri").isTextual()) {
                prefix = item.get("nlri").asText();
                JsonNode id = item.path("path-information");
                if (!id.isMissingNode()) {
                    pathId = pathId(id, where);
                }
            } else {
                throw new Bad(where + ": a route is {\"nlri\": \"prefix/length\"}, not " + abbreviate(item));
            }
            int slash = prefix.indexOf('/');
            if (slash < 0) {
                throw new Bad(where + ": \"" + prefix + "\" is not a prefix/length");
            }
            byte[] address = address(prefix.substring(0, slash), where);
            int length;
            try {
                length = Integer.parseInt(prefix.substring(slash + 1));
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (address.length != bytes || length < 0 || length > bytes * 8) {
                throw new Bad(where + ": \"" + prefix + "\" is not an IPv" + (bytes == 4 ? 4 : 6) + " prefix");
            }
            for (int bit = length; bit < bytes * 8; bit++) {
                address[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
            }
            out.add(new Nlri(address, length, pathId, nextHop));
        }
    }

    /** ExaBGP writes a path id as a dotted quad ("0.0.0.4"); a plain number is taken too. */
    private static long pathId(JsonNode id, String where) throws Bad {
        if (id.isIntegralNumber() && id.asLong() >= 0 && id.asLong() <= 0xffffffffL) {
            return id.asLong();
        }
        if (id.isTextual()) {
            try {
                byte[] b = Cidr.parseAddress(id.asText());
                if (b.length == 4) {
                    return MrtReader.u32(b, 0);
                }
            } catch (IllegalArgumentException e) {
                // falls through to the complaint
            }
        }
        throw new Bad(where + ": path-information " + abbreviate(id) + " is not a 32-bit path id");
    }

    /** The AS_SEQUENCE ASNs of "as-path", then the AS_SET's of "as-set" (ExaBGP writes them apart). */
    private static long[] asPath(JsonNode attribute) throws Bad {
        if (attribute.isMissingNode()) {
            return new long[0];
        }
        JsonNode seq = attribute.path("as-path");
        JsonNode set = attribute.path("as-set");
        int n = (seq.isArray() ? seq.size() : 0) + (set.isArray() ? set.size() : 0);
        long[] path = new long[n];
        int i = 0;
        for (JsonNode part : new JsonNode[] {seq, set}) {
            if (part.isMissingNode() || part.isNull() || part.isTextual() && part.asText().isEmpty()) {
                continue;
            }
            if (!part.isArray()) {
                throw new Bad("attribute.as-path: a list of AS numbers is expected, not " + abbreviate(part));
            }
            for (JsonNode as : part) {
                if (!as.isIntegralNumber() || as.asLong() < 0 || as.asLong() > 0xffffffffL) {
                    throw new Bad("attribute.as-path: " + abbreviate(as) + " is not an AS number");
                }
                path[i++] = as.asLong();
            }
        }
        return path;
    }

    private static String session(JsonNode neighbor) throws Bad {
        JsonNode peer = neighbor.path("address").path("peer");
        JsonNode asn = neighbor.path("asn").path("peer");
        if (!peer.isTextual()) {
            throw new Bad("neighbor.address.peer is missing");
        }
        if (!asn.isIntegralNumber()) {
            throw new Bad("neighbor.asn.peer is missing");
        }
        return "AS" + asn.asLong() + "/" + Cidr.formatAddress(address(peer.asText(), "neighbor.address.peer"));
    }

    private static byte[] address(String literal, String where) throws Bad {
        try {
            return Cidr.parseAddress(literal);
        } catch (IllegalArgumentException e) {
            throw new Bad(where + ": \"" + literal + "\" is not an IP address");
        }
    }

    private static JsonNode object(JsonNode parent, String field) throws Bad {
        JsonNode n = parent.path(field);
        if (!n.isObject()) {
            throw new Bad("\"" + field + "\" is " + (n.isMissingNode() ? "missing" : "not an object"));
        }
        return n;
    }

    private static String text(JsonNode parent, String field) throws Bad {
        JsonNode n = parent.path(field);
        if (!n.isTextual()) {
            throw new Bad("\"" + field + "\" is " + (n.isMissingNode() ? "missing" : "not a string"));
        }
        return n.asText();
    }

    private static Iterator<Map.Entry<String, JsonNode>> fields(JsonNode n, String where) throws Bad {
        if (!n.isObject()) {
            throw new Bad(where + ": an object is expected, not " + abbreviate(n));
        }
        return n.fields();
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
