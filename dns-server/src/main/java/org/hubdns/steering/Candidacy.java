package org.hubdns.steering;

import org.hubdns.cluster.model.Health;

/**
 * Whether a node is a candidate for its platform's answers, and the numbers that explain why. Made
 * once per snapshot by {@link PlatformSteering}; the query path never reads it. {@link #text()} and
 * {@link #reason()} are the only places it becomes words (explain, the dashboard, logs): nothing
 * reads those words back.
 *
 * @param load the load steering weighed the node by (0.0 when no report counts)
 * @param spillAt the platform's effective spillAt
 * @param effectiveWeight the weight steering gives the node: its weight, lowered above spillAt, 0 when full
 * @param site the node's site (named in the text when that site does not exist)
 */
public record Candidacy(Kind kind, double load, double spillAt, double effectiveWeight, String site) {
    /** The one reason a node is in or out; out reasons in the order steering checks them. */
    public enum Kind {
        /** In answers at its full weight. */
        IN,
        /** In answers with its weight lowered: its load is above the platform's spillAt. */
        SPILLING,
        /** Out: its site is not registered. */
        NO_SITE,
        /** Out: its partner drains it. */
        DRAINING,
        /** Out: its probers say down. */
        DOWN,
        /** Out: no counting verdict yet, and the platform's answerUnknown is off. */
        UNKNOWN,
        /** Out: its load is 1.0; it still counts in its site's capacity, which makes the site spill. */
        FULL,
        /** Out: every address of it (in this family) is already answered for a node earlier by id. */
        ADDRESS_TAKEN;

        /** Whether a node of this kind can be in an answer. */
        public boolean inAnswers() {
            return this == IN || this == SPILLING;
        }

        /** Whether a node of this kind counts in its site's full capacity (which spillover compares with). */
        boolean countsInCapacity() {
            return inAnswers() || this == FULL;
        }
    }

    /** The same numbers, out because every address of the node is already answered for another. */
    Candidacy addressTaken() {
        return new Candidacy(Kind.ADDRESS_TAKEN, load, spillAt, effectiveWeight, site);
    }

    /** The verdict as explain, the dashboard and the API have always worded it ("in", "out: draining", ...). */
    public String text() {
        return switch (kind) {
            case IN -> "in";
            case SPILLING -> "in, spilling: load " + load + " above spillAt " + spillAt;
            case NO_SITE -> "out: its site '" + site + "' does not exist";
            case DRAINING -> "out: draining";
            case DOWN -> "out: health " + Health.DOWN.wire();
            case UNKNOWN -> "out: health " + Health.UNKNOWN.wire() + " (answerUnknown is off)";
            case FULL -> "out: load " + load + " (full)";
            case ADDRESS_TAKEN -> "out: its addresses are answered for another node";
        };
    }

    /** Why the node is out in a word or two ("health down", "full", "no site", ...), for the fallback log line. */
    public String reason() {
        return switch (kind) {
            case IN, SPILLING -> text();
            case NO_SITE -> "no site";
            case DRAINING -> "draining";
            case DOWN -> "health " + Health.DOWN.wire();
            case UNKNOWN -> "health " + Health.UNKNOWN.wire();
            case FULL -> "full";
            case ADDRESS_TAKEN -> "its addresses are answered for another node";
        };
    }
}
