package org.hubdns.dns;

/** The one place a new {@link Snapshot} is published; readers see either the old or the new one, whole. */
public final class SnapshotHolder {
    private volatile Snapshot current = Snapshot.EMPTY;

    public Snapshot current() {
        return current;
    }

    public void publish(Snapshot next) {
        current = next;
    }
}
