/**
 * The HTTP API's shared parts: problem+json errors. Each feature registers its own routes on the
 * one Vert.x {@code Router} that the server assembles (see {@code org.hubdns.server.HttpApi}).
 */
package org.hubdns.http;
