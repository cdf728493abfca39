package org.hubdns.cluster.model;

import java.util.ArrayList;
import java.util.List;
import org.hubdns.cluster.coverage.Cidr;

/**
 * The operator's limits on health probes: which networks hubdns may probe at all
 * ({@code --probe-allow}, empty by default, so that registering a node never turns a member into a
 * scanner of networks nobody allowed) and the shortest probe interval ({@code --probe-min-interval}).
 */
public record ProbePolicy(List<Cidr> allow, int minIntervalMs) {
    public static final int DEFAULT_MIN_INTERVAL_MS = 500;
    public static final ProbePolicy NONE = new ProbePolicy(List.of(), DEFAULT_MIN_INTERVAL_MS);

    public ProbePolicy {
        allow = List.copyOf(allow);
        if (minIntervalMs < 100) {
            throw new IllegalArgumentException("the minimum probe interval must be at least 100 ms, not "
                    + minIntervalMs);
        }
    }

    /** @throws IllegalArgumentException naming the entry that is not a CIDR */
    public static ProbePolicy parse(List<String> cidrs, int minIntervalMs) {
        List<Cidr> out = new ArrayList<>();
        for (String c : cidrs) {
            String t = c.strip();
            if (!t.isEmpty()) {
                out.add(Cidr.parse(t));
            }
        }
        return new ProbePolicy(out, minIntervalMs);
    }

    public boolean allows(String address) {
        byte[] a;
        try {
            a = Cidr.parseAddress(address);
        } catch (IllegalArgumentException e) {
            return false;
        }
        for (Cidr c : allow) {
            if (c.address().length == a.length && Cidr.of(a, c.prefix()).equals(c)) {
                return true;
            }
        }
        return false;
    }

    /** The index of the first address of {@code addresses} that may not be probed, or -1. */
    public int firstOutside(List<String> addresses) {
        for (int i = 0; i < addresses.size(); i++) {
            if (!allows(addresses.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** For messages: the allowed networks, or a note that none are. */
    public String describe() {
        if (allow.isEmpty()) {
            return "no network (--probe-allow is empty)";
        }
        return String.join(", ", allow.stream().map(Cidr::toString).toList());
    }
}
