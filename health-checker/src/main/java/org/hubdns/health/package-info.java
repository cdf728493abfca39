/**
 * Health of cache nodes (issue 6, not built yet): HTTP/TCP probes from K members per node
 * chosen from the live member list, per-prober verdicts with rise/fall, quorum, load reports and
 * drain, feeding the snapshot that steering reads. Configured by {@code --probe-allow} once
 * implemented. Until then this module is empty on purpose.
 */
package org.hubdns.health;
