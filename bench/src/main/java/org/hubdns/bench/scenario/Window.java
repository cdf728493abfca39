package org.hubdns.bench.scenario;

import java.util.List;
import org.hubdns.bench.engine.TimelinePoint;

/** Sums of the timeline's one-second points whose interval ends in (from, to] seconds after the warm-up. */
record Window(long sent, long received, long lost, long errors, long answerChanges, long[] receivedBy, long[] lostBy) {
    static Window of(List<TimelinePoint> timeline, double from, double to, int servers) {
        long sent = 0;
        long received = 0;
        long lost = 0;
        long errors = 0;
        long changes = 0;
        long[] rb = new long[servers];
        long[] lb = new long[servers];
        for (TimelinePoint p : timeline) {
            if (p.second() > from && p.second() <= to) {
                sent += p.sent();
                received += p.received();
                lost += p.lost();
                errors += p.errors();
                changes += p.answerChanges();
                for (int i = 0; i < servers; i++) {
                    rb[i] += p.receivedBy()[i];
                    lb[i] += p.lostBy()[i];
                }
            }
        }
        return new Window(sent, received, lost, errors, changes, rb, lb);
    }

    /** Share of the queries in the window that failed: lost, or answered with an RCODE other than NOERROR. */
    double errorRate() {
        long n = received + lost;
        return n == 0 ? 0 : Math.round((lost + errors) * 1e6 / n) / 1e6;
    }
}
