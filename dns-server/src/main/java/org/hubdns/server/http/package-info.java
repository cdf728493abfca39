/**
 * The HTTP API's listener, below the routes: {@code ApiListener} serves the one router over HTTPS
 * ({@code --tls-cert}, {@code --tls-key}; TLS 1.2 and 1.3) or plain HTTP, re-reads the certificate on
 * SIGHUP and when its files change ({@code CertificatePair} checks a pair before it is served), and
 * {@code SlowClients} caps concurrent connections and closes those whose headers, body or keep-alive
 * idle time run over their limits. {@code HttpSettings} holds the flags. The routes themselves are
 * {@code org.hubdns.api}'s.
 */
package org.hubdns.server.http;
