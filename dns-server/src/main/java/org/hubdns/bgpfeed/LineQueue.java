package org.hubdns.bgpfeed;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lines read and not yet accepted by the API, in order, bounded by their size in characters so
 * that an API outage during a full-table transfer cannot exhaust the heap. Overflowing is not
 * dropping: {@link #offer} says no and the command exits, loudly.
 */
final class LineQueue {
    /** A line as read, with the route changes it carries (at least 1: it is one item of a batch). */
    record Line(String text, int routes, long readNanos) {
    }

    private final long maxChars;
    private final ArrayDeque<Line> lines = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private long chars;
    private boolean closed;

    LineQueue(long maxChars) {
        this.maxChars = maxChars;
    }

    /** Appends, or returns false when the line would take the queue over its bound. */
    boolean offer(Line line) {
        lock.lock();
        try {
            if (chars + line.text().length() > maxChars && !lines.isEmpty()) {
                return false;
            }
            lines.addLast(line);
            chars += line.text().length();
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** No more lines will come (end of input). */
    void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next line, waiting up to {@code nanos}; null when none came in time, or when the queue is
     * closed and empty (see {@link #isDrained}).
     */
    Line poll(long nanos) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (lines.isEmpty() && !closed) {
                if (left <= 0) {
                    return null;
                }
                left = notEmpty.awaitNanos(left);
            }
            Line l = lines.pollFirst();
            if (l != null) {
                chars -= l.text().length();
            }
            return l;
        } finally {
            lock.unlock();
        }
    }

    /** Puts a line taken by {@link #poll} back at the head (it did not fit the batch). */
    void unpoll(Line line) {
        lock.lock();
        try {
            lines.addFirst(line);
            chars += line.text().length();
        } finally {
            lock.unlock();
        }
    }

    boolean isDrained() {
        lock.lock();
        try {
            return closed && lines.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return lines.size();
        } finally {
            lock.unlock();
        }
    }

    long chars() {
        lock.lock();
        try {
            return chars;
        } finally {
            lock.unlock();
        }
    }

    static long waitNanos(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
