/**
 * Load with an event in the middle, both bounded in time and loopback-only unless
 * {@code --allow-remote}: {@code scenario failover} drains one cache node through the API (or runs
 * the operator's {@code --stop-cmd}) and measures the time until no answer names it;
 * {@code scenario cluster} kills one of three members ({@code --pid}, or members it starts itself
 * with {@code --start-members}; the victim's server is the one its process listens on, found in
 * {@code /proc}) and reports timeouts and answer changes per server, counted from the kill.
 */
package org.hubdns.bench.scenario;
