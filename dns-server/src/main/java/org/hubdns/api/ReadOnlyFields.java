package org.hubdns.api;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;

/**
 * Lets a client PUT back what it read. GET shows a resource with fields that PUT does not write:
 * its identity (a site's, platform's or partner's {@code name}, which the path already gives; a
 * node's {@code id} and {@code partner}) and what the server computes (a node's {@code state}).
 * The documented cycle is read, edit, PUT (with {@code If-Match} for nodes), so those fields come
 * back. Here, in front of the strict parsers (which keep refusing fields they do not know): an
 * identity field is dropped when it equals the resource's own and is 422 naming it when it differs
 * (a PUT never renames or moves a resource); a computed field is dropped whatever it says.
 */
final class ReadOnlyFields {
    private ReadOnlyFields() {
    }

    /**
     * {@code body} without the fields GET adds. {@code what} names the resource in messages ("node");
     * {@code identity} maps each identity field to the resource's own value; {@code computed} are
     * dropped unread.
     */
    static JsonObject writable(JsonObject body, String what, Map<String, String> identity, Set<String> computed) {
        JsonObject out = null;
        for (Map.Entry<String, String> e : identity.entrySet()) {
            String field = e.getKey();
            if (!body.containsKey(field)) {
                continue;
            }
            Object given = body.getValue(field);
            if (!e.getValue().equals(given)) {
                throw ApiException.invalid(field, "'" + field + "' is read-only: this " + what + "'s " + field + " is '"
                        + e.getValue() + "', not " + (given instanceof String s ? "'" + s + "'" : String.valueOf(given))
                        + " (a PUT cannot change it); send it as GET returns it, or leave it out");
            }
            out = out == null ? body.copy() : out;
            out.remove(field);
        }
        for (String field : computed) {
            if (body.containsKey(field)) {
                out = out == null ? body.copy() : out;
                out.remove(field);
            }
        }
        return out == null ? body : out;
    }
}
