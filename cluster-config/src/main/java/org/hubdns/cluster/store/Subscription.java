package org.hubdns.cluster.store;

/** A listener registered with the cluster; {@link #close()} stops it (quietly when the member has left). */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
