package org.hubdns.api;

/**
 * What the HTTP API shows of the member it runs in, beyond the snapshot and the cluster: provided
 * by the composition root ({@code HubDnsServer}), read on every {@code GET /v1/health} and
 * {@code GET /v1/dashboard}.
 */
public interface MemberStatus {
    /** Why this member does not serve yet (or is stopping), or null while it serves. */
    String notReady();

    /** host:port of this member's HTTP API, or null before it listens. */
    String httpAddress();

    long uptimeSeconds();

    /** How long the newest snapshot took to build. */
    long lastSnapshotBuildMicros();
}
