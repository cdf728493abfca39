/**
 * The HTTP API's shared parts: problem+json errors ({@link org.hubdns.http.Problem},
 * {@link org.hubdns.http.ApiException}) and strict JSON field reading ({@link org.hubdns.http.Fields}).
 * Each feature registers its own routes on the one Vert.x {@code Router} that the server assembles.
 */
package org.hubdns.http;
