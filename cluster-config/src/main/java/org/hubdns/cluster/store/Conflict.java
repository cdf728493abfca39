package org.hubdns.cluster.store;

/** A conditional write lost: {@code precondition} when If-Match named another version, else a concurrent write won. */
public final class Conflict extends Exception {
    private final boolean precondition;

    public Conflict(String message, boolean precondition) {
        super(message, null, false, false);
        this.precondition = precondition;
    }

    public boolean precondition() {
        return precondition;
    }
}
