/**
 * Load with an event in the middle, both bounded in time and loopback-only unless
 * {@code --allow-remote}: {@code scenario failover} drains one cache node through the API (or runs
 * the operator's {@code --stop-cmd}) and measures the time until no answer names it;
 * {@code scenario cluster} kills one of three members ({@code --pid}, or members it starts itself
 * with {@code --start-members}) and reports timeouts and answer changes per server.
 */
package org.hubdns.bench.scenario;
