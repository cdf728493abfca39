/**
 * What the dns-server tests share: {@link org.hubdns.testsupport.InProcessDns} and
 * {@link org.hubdns.testsupport.DnsCase} for table-driven tests of the query path with no socket
 * (the {@code ...TableTest} classes), and {@link org.hubdns.testsupport.Await},
 * {@link org.hubdns.testsupport.FreePorts} and {@link org.hubdns.testsupport.ApiClient} for the
 * tests that start real members and talk to them over sockets and HTTP.
 */
package org.hubdns.testsupport;
