package org.hubdns.snapshot;

/** The one place a new {@link Snapshot} is published; readers see either the old or the new one, whole. */
public final class SnapshotHolder {
    private volatile Snapshot current = Snapshot.EMPTY;

    public Snapshot current() {
        return current;
    }

    private volatile long publishedNanos = System.nanoTime();

    /** Seconds since the last snapshot was published (for hubdns_snapshot_age_seconds). */
    public double ageSeconds() {
        return (System.nanoTime() - publishedNanos) / 1e9;
    }

    public void publish(Snapshot next) {
        publishedNanos = System.nanoTime();
        current = next;
    }
}
