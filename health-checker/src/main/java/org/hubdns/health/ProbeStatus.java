package org.hubdns.health;

import org.hubdns.cluster.model.Health;

/**
 * What this member's prober knows of one node right now (the per-prober detail of
 * {@code GET /v1/nodes/{id}/health}): its verdict and the last probe.
 */
record ProbeStatus(String node, Health verdict, long verdictSinceMillis, ProbeResult last, int okStreak,
        int failStreak, int intervalMs, int rise, int fall) {
}
