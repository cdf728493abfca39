/**
 * DNSSEC on the server side (issue 18): signed zones and signed steered answers, with no signing on
 * the query path.
 *
 * <ul>
 *   <li>Keys: {@link org.hubdns.dnssec.ZoneSigning} (a zone's settings and keys, a cluster secret
 *       {@code dnssec:<zone>}), {@link org.hubdns.dnssec.ZoneKey} (one CSK and its timeline),
 *       {@link org.hubdns.dnssec.KeyState}, {@link org.hubdns.dnssec.DnssecAlgorithm}; the pure
 *       rollover timing is {@link org.hubdns.dnssec.Rollover} (RFC 7583 pre-publication).</li>
 *   <li>Signing, at snapshot build: {@link org.hubdns.dnssec.Dnssec} (per member: timings, the
 *       refresh and key-step timer), {@code SignedZoneBuilder} (RRsets, DNSKEY/CDS/CDNSKEY, the NSEC
 *       chain with platform hostnames, every platform answer set), {@link org.hubdns.dnssec.SignatureCache}
 *       (RRSIGs by RRset content and key, made on a bounded worker pool).</li>
 *   <li>Query path: {@link org.hubdns.dnssec.SignedZones} (in the {@code Snapshot}: lower-cased wire
 *       names to pre-encoded answers and proofs) and {@link org.hubdns.dnssec.SignedResponder} (one
 *       per event loop, called by {@code QueryProcessor} for DO=1 queries only). A platform answer's
 *       RRSIG is found by a hash of the set the steering wrote; a set not signed yet is signed on the
 *       pool and the query answered when it is ({@code QueryProcessor.DEFERRED}).</li>
 * </ul>
 */
package org.hubdns.dnssec;
