/**
 * Start-up, CLI and configuration of one member: the {@code hubdns serve} command ({@code Main},
 * {@code ServeCommand}; picocli, with YAML defaults from {@code --config} by {@code YamlDefaults}),
 * {@code ServerConfig}, and {@link org.hubdns.server.HubDnsServer}, the composition root: it builds
 * every part with plain constructors, gives each exactly what it uses, runs start-up as named
 * phases (prepare, join, restore, first snapshot, first verdicts, bind DNS; each logged with its
 * duration) and shuts down (SIGTERM drains, SIGHUP reloads zones and the TLS certificate). {@code DemoData} is the
 * {@code --demo} step of start-up. Sub-packages: {@code http} (the HTTP listener: TLS and the limits on slow clients), {@code metrics} ({@code GET /metrics}, the
 * dashboard's traffic figures) and {@code querylog} ({@code --query-log}). The HTTP routes are in
 * {@code org.hubdns.api}.
 */
package org.hubdns.server;
