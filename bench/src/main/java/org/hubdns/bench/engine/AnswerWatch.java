package org.hubdns.bench.engine;

/**
 * IPv4 addresses a scenario watches for in answers (a drained or stopped node's). Each event loop
 * notes the send time of the latest query whose answer named one of them; the scenario reads the
 * latest over all loops through the loops' samples.
 */
public record AnswerWatch(int[] addresses) {
    public AnswerWatch {
        addresses = addresses.clone();
    }

    boolean contains(int a) {
        for (int x : addresses) {
            if (x == a) {
                return true;
            }
        }
        return false;
    }
}
