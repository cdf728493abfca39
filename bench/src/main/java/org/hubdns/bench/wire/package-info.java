/**
 * The DNS wire format as far as a load generator needs it: dnsperf-style query files, queries
 * pre-encoded once per distinct question (the ID and an ECS OPT record are patched in per send),
 * client networks for ECS from a file or drawn at random, and an allocation-free, bounds-checked
 * reader of responses (ID, RCODE with the extended bits, A/AAAA, first CNAME, ECS scope).
 * Nothing here is configured; it is driven by the command line's flags.
 */
package org.hubdns.bench.wire;
