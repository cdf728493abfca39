/**
 * What the dns-server tests share: {@link org.hubdns.testsupport.InProcessDns} and
 * {@link org.hubdns.testsupport.DnsCase} for table-driven tests of the query path with no socket
 * (the {@code ...TableTest} classes), and {@link org.hubdns.testsupport.Await},
 * {@link org.hubdns.testsupport.FreePorts} and {@link org.hubdns.testsupport.ApiClient} for the
 * tests that start real members and talk to them over sockets and HTTP.
 *
 * <p>DNSSEC is judged by real validators from Debian, never by our own code alone:
 * {@link org.hubdns.testsupport.Delv} (BIND's delv with the zone's key as its only trust anchor),
 * {@link org.hubdns.testsupport.UnboundLab} (a validating Unbound with the subnet cache, ECS
 * forwarded to the member) and {@link org.hubdns.testsupport.DnsViz} (probe and grok), each given a
 * {@link org.hubdns.testsupport.TrustAnchor} fetched from the server. They run through
 * {@link org.hubdns.testsupport.DebianTool} (a missing tool fails the test, naming the package) and
 * are proved on a zone Knot signs ({@link org.hubdns.testsupport.KnotLab}) and on expired
 * signatures in {@code ValidatorHarnessTest}.
 */
package org.hubdns.testsupport;
