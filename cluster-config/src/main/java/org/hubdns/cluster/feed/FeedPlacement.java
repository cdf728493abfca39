package org.hubdns.cluster.feed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hubdns.cluster.coverage.Cidr;
import org.hubdns.cluster.coverage.CoverageSet;
import org.hubdns.cluster.coverage.CoverageSetBuilder;

/**
 * Where the exchange's BGP routes place client networks, as steering reads it: the longest route
 * prefix over every feed that is not stale, and the sites that announce it, best first (shortest
 * AS path first; a route whose origin is the announcing member itself before others). Built off the
 * query path from the feeds' route tables; immutable; a lookup allocates nothing.
 *
 * <p>The table is a {@link CoverageSet} whose "sites" are the distinct site orders (a handful: the
 * orders of a few sites), so a million prefixes cost what a million coverage zones do.
 */
public final class FeedPlacement {
    public static final FeedPlacement EMPTY = new FeedPlacement(CoverageSet.EMPTY, new String[0][], (a, l) -> null);

    /** Why a client was placed by a feed (explain's slow path; may allocate). */
    public record Evidence(String feed, String prefix, long announcerAs, String announcerAddress, List<Long> asPath,
            List<String> sites) {
    }

    /** Finds the evidence for an address the table places; the route tables behind a placement provide it. */
    @FunctionalInterface
    public interface EvidenceSource {
        Evidence explain(byte[] address, int length);
    }

    private final CoverageSet table;
    private final String[][] orders; // by the table's site index
    private final EvidenceSource evidence;

    private FeedPlacement(CoverageSet table, String[][] orders, EvidenceSource evidence) {
        this.table = table;
        this.orders = orders;
        this.evidence = evidence;
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean isEmpty() {
        return table.isEmpty();
    }

    /** Placed prefixes (IPv4 and IPv6). */
    public int size() {
        return table.size();
    }

    /** Hot path: the index of the sites that announce the longest matching prefix, or -1. */
    public int match(byte[] address, int length) {
        return table.isEmpty() ? -1 : table.matchSiteIndex(address, length);
    }

    /** The matching prefix's length, or -1 (the ECS scope of a feed placement). */
    public int matchPrefixLength(byte[] address, int length) {
        return table.isEmpty() ? -1 : table.matchPrefixLength(address, length);
    }

    /** The sites for a {@link #match} index, best first. Shared: never modify it. */
    public String[] sites(int index) {
        return orders[index];
    }

    /** As {@link CoverageSet#longestWithin}: the ECS scope floor from routes nested in the client's block. */
    public int longestWithin(byte[] address, int length, int prefix) {
        return table.isEmpty() ? -1 : table.longestWithin(address, length, prefix);
    }

    /** The route evidence for {@code address}, or null when no feed places it. */
    public Evidence evidence(byte[] address, int length) {
        return match(address, length) < 0 ? null : evidence.explain(address, length);
    }

    public long estimatedBytes() {
        return table.estimatedBytes();
    }

    /** Collects prefix to site order; the last order given for a prefix wins. */
    public static final class Builder {
        private final Map<Cidr, List<String>> entries = new LinkedHashMap<>();
        private EvidenceSource evidence = (a, l) -> null;

        public Builder add(Cidr prefix, List<String> sites) {
            if (sites.isEmpty()) {
                throw new IllegalArgumentException(prefix + ": a placement needs at least one site");
            }
            entries.put(prefix, List.copyOf(sites));
            return this;
        }

        public Builder evidence(EvidenceSource source) {
            this.evidence = source;
            return this;
        }

        public FeedPlacement build() {
            if (entries.isEmpty()) {
                return new FeedPlacement(CoverageSet.EMPTY, new String[0][], evidence);
            }
            Map<List<String>, String> ids = new HashMap<>();
            Map<String, List<String>> byId = new HashMap<>();
            CoverageSetBuilder b = new CoverageSetBuilder();
            for (Map.Entry<Cidr, List<String>> e : entries.entrySet()) {
                String id = ids.computeIfAbsent(e.getValue(), k -> {
                    String n = "o" + ids.size();
                    byId.put(n, k);
                    return n;
                });
                b.add(e.getKey(), id);
            }
            CoverageSet table = b.build();
            List<String> names = table.sites();
            List<String[]> orders = new ArrayList<>(names.size());
            for (String n : names) {
                orders.add(byId.get(n).toArray(String[]::new));
            }
            return new FeedPlacement(table, orders.toArray(String[][]::new), evidence);
        }
    }
}
