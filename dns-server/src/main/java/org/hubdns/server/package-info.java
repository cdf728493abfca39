/**
 * The {@code hubdns serve} command: options (picocli, with YAML defaults from {@code --config}),
 * start-up and shutdown of one member (SIGTERM drains, SIGHUP reloads zones), the operator's admin
 * token, and the HTTP routes {@code GET /v1/health}, {@code GET /v1/zones} and
 * {@code POST /v1/zones/reload}; the operator's dashboard ({@code GET /}, read-only, no token) and the
 * JSON it polls ({@code GET /v1/dashboard}, {@link org.hubdns.server.DashboardApi}).
 */
package org.hubdns.server;
