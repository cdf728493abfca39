package org.hubdns.health;

/**
 * One probe of one node (every address of it): passed or not, how long it took, when, and why it
 * failed ({@code null} when it passed).
 */
record ProbeResult(boolean ok, long latencyMicros, long atMillis, String error, boolean timedOut) {
}
