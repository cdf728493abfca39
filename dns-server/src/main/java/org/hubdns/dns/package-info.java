/**
 * The DNS data plane, in sub-packages: {@code zone} (reading master files), {@code answer}
 * (compiling zones into pre-encoded answers; the dynamic-answer seam), {@code protocol} (the
 * per-packet pipeline), {@code transport} (UDP and TCP listeners), {@code stats} (per-loop
 * counters), {@code rrl} (response rate limiting). What the pipeline reads is the {@link org.hubdns.snapshot.Snapshot}.
 */
package org.hubdns.dns;
