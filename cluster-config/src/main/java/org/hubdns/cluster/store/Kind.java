package org.hubdns.cluster.store;

import org.hubdns.cluster.feed.StoredFeed;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.OperatorToken;
import org.hubdns.cluster.model.Partner;
import org.hubdns.cluster.model.Platform;
import org.hubdns.cluster.model.Site;
import org.hubdns.cluster.model.StoredZone;

/** The registry's maps: each is one Hazelcast IMap of {@link Stored} values and, if persisted, one local map. */
public enum Kind {
    ZONES("zones", StoredZone.class, true),
    SITES("sites", Site.class, true),
    PLATFORMS("platforms", Platform.class, true),
    PARTNERS("partners", Partner.class, true),
    NODES("nodes", CacheNode.class, true),
    SECRETS("secrets", Secret.class, true),
    DATASETS("datasets", DatasetMeta.class, true),
    /** Coverage feeds' configuration (their routes travel as a dataset and a log: {@link FeedLog}). */
    FEEDS("coverage-feeds", StoredFeed.class, true),
    /** Named operator tokens ({@link OperatorToken}, by id); not in {@link RegistryView}: {@link Registry#operatorTokens()}. */
    OPERATOR_TOKENS("operator-tokens", OperatorToken.class, true);

    final String mapName;
    final Class<?> type;
    final boolean persisted;

    Kind(String mapName, Class<?> type, boolean persisted) {
        this.mapName = mapName;
        this.type = type;
        this.persisted = persisted;
    }

    public String mapName() {
        return mapName;
    }

    /**
     * Whether {@code a} should replace {@code b} when two copies of a key meet (events racing with
     * this member's own writes, a restart, a split-brain merge): the later write wins. Every write
     * goes through the cluster with a version above the one it replaces, so version order is the
     * order of history, zones included (their serial rule applies when a zone is offered, not here).
     */
    public boolean newer(Stored a, Stored b) {
        return b == null || a.version() > b.version();
    }

    /** A cluster-wide secret (the admin token's hash, the DNS cookie key). */
    public record Secret(String value) {
    }
}
