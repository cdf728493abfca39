package org.hubdns.cluster.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * A cache node's health, and a prober's verdict on it ({@link #UP} or {@link #DOWN} only). Rendered
 * everywhere (API and stored JSON, logs, the dashboard) as its lower-case {@link #wire() word}, the
 * form older members wrote to the cluster and read back.
 */
public enum Health {
    UP,
    DOWN,
    /** No counting verdict (yet): steered by the platform's {@code answerUnknown}. */
    UNKNOWN;

    private final String wire = name().toLowerCase(Locale.ROOT);

    /** The word in JSON, logs and the dashboard: {@code up}, {@code down} or {@code unknown}. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The health {@code word} names (as stored by any member's version); an unknown word is refused. */
    @JsonCreator
    public static Health of(String word) {
        for (Health h : values()) {
            if (h.wire.equals(word)) {
                return h;
            }
        }
        throw new IllegalArgumentException("not a health: " + word + " (up, down or unknown)");
    }

    @Override
    public String toString() {
        return wire;
    }
}
