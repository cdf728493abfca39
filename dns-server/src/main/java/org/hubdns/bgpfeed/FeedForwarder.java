package org.hubdns.bgpfeed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Sends the queue's lines to the API in order: a batch closes when it holds {@code batchRoutes}
 * route changes, when its first line has waited {@code batchMillis}, or when no line came for
 * 100 ms; a batch the API does not
 * take is sent again, unchanged, after a growing pause (0.5 s doubling to 30 s), so nothing is lost
 * or reordered (a batch applied twice in a row leaves what it left once: announcements and
 * withdrawals set, a session-down clears). While a BGP session is up and nothing was posted for
 * {@code heartbeatMillis}, it posts an empty body, the feed's heartbeat.
 */
final class FeedForwarder {
    /** Why the forwarder stopped without delivering everything. */
    static final class Fatal extends Exception {
        private static final long serialVersionUID = 1L;

        Fatal(String message) {
            super(message);
        }
    }

    /** What was sent; read by the periodic summary. */
    static final class Counters {
        volatile long batches;
        volatile long lines;
        volatile long routes;
        volatile long heartbeats;
        volatile long retries;
    }

    private static final long MIN_BACKOFF_MS = 500;
    private static final long IDLE_NANOS = 100_000_000L;
    private static final long MAX_BACKOFF_MS = 30_000;

    private final LineQueue queue;
    private final FeedApi api;
    private final int batchRoutes;
    private final long batchNanos;
    private final long heartbeatNanos;
    private final long flushTimeoutNanos;
    private final BooleanSupplier sessionUp;
    final Counters counters = new Counters();
    private long lastPost = System.nanoTime();
    private long drainedSince = -1;

    FeedForwarder(LineQueue queue, FeedApi api, int batchRoutes, long batchMillis, long heartbeatMillis,
            long flushTimeoutMillis, BooleanSupplier sessionUp) {
        this.queue = queue;
        this.api = api;
        this.batchRoutes = batchRoutes;
        this.batchNanos = LineQueue.waitNanos(batchMillis);
        this.heartbeatNanos = LineQueue.waitNanos(heartbeatMillis);
        this.flushTimeoutNanos = LineQueue.waitNanos(flushTimeoutMillis);
        this.sessionUp = sessionUp;
    }

    /** Runs until the queue is closed and every line is accepted; Fatal when that cannot be. */
    void run() throws Fatal, InterruptedException {
        List<LineQueue.Line> batch = new ArrayList<>();
        while (true) {
            long untilHeartbeat = Math.max(1, lastPost + heartbeatNanos - System.nanoTime());
            LineQueue.Line first = queue.poll(untilHeartbeat);
            if (first == null) {
                if (queue.isDrained()) {
                    return;
                }
                if (System.nanoTime() - lastPost >= heartbeatNanos) {
                    heartbeat();
                }
                continue;
            }
            batch.clear();
            batch.add(first);
            int routes = first.routes();
            long deadline = first.readNanos() + batchNanos;
            while (routes < batchRoutes) {
                // a pause in the input closes the batch early: a lone change need not wait the whole second
                LineQueue.Line next = queue.poll(Math.min(deadline - System.nanoTime(), IDLE_NANOS));
                if (next == null) {
                    break;
                }
                if (routes + next.routes() > batchRoutes) {
                    queue.unpoll(next);
                    break;
                }
                batch.add(next);
                routes += next.routes();
            }
            send(batch, routes);
        }
    }

    private void heartbeat() throws Fatal, InterruptedException {
        if (!sessionUp.getAsBoolean()) {
            lastPost = System.nanoTime(); // checked again one interval later
            return;
        }
        try {
            FeedApi.Reply r = api.post(new byte[0]);
            if (r.ok()) {
                counters.heartbeats++;
            } else if (r.status() == 401 || r.status() == 403) {
                throw new Fatal("the API refused the token (" + r.status() + "): " + r.body());
            } else {
                Log.warn("heartbeat: the API answered " + r.status() + ": " + r.body());
            }
        } catch (IOException e) {
            Log.warn("heartbeat: the API is unreachable: " + e);
        }
        lastPost = System.nanoTime();
    }

    private void send(List<LineQueue.Line> batch, int routes) throws Fatal, InterruptedException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(batch.size() * 512);
        for (LineQueue.Line l : batch) {
            body.writeBytes(l.text().getBytes(StandardCharsets.UTF_8));
            body.write('\n');
        }
        byte[] bytes = body.toByteArray();
        long backoff = MIN_BACKOFF_MS;
        int attempt = 0;
        while (true) {
            attempt++;
            String failure;
            long retryAfter = -1;
            try {
                FeedApi.Reply r = api.post(bytes);
                if (r.ok()) {
                    lastPost = System.nanoTime();
                    counters.batches++;
                    counters.lines += batch.size();
                    counters.routes += routes;
                    if (attempt > 1) {
                        Log.info("the API took the batch after " + attempt + " attempts");
                    }
                    return;
                }
                if (r.status() == 401 || r.status() == 403) {
                    throw new Fatal("the API refused the token (" + r.status() + "): " + r.body()
                            + "; give an operator token with --token-file or HUBDNS_TOKEN");
                }
                if (r.status() == 413 && batch.size() > 1) {
                    int half = batch.size() / 2;
                    Log.warn("the API finds a batch of " + batch.size() + " lines too large (413): sending it in halves");
                    List<LineQueue.Line> a = new ArrayList<>(batch.subList(0, half));
                    List<LineQueue.Line> b = new ArrayList<>(batch.subList(half, batch.size()));
                    send(a, a.stream().mapToInt(LineQueue.Line::routes).sum());
                    send(b, b.stream().mapToInt(LineQueue.Line::routes).sum());
                    return;
                }
                retryAfter = r.retryAfterMillis();
                failure = "the API answered " + r.status() + ": " + r.body()
                        + (r.status() == 404 ? " (create the feed with PUT /v1/coverage-feeds/{name})" : "");
            } catch (IOException e) {
                failure = "the API is unreachable: " + e;
            }
            counters.retries++;
            if (queue.isDrained()) {
                if (drainedSince < 0) {
                    drainedSince = System.nanoTime();
                }
                if (System.nanoTime() - drainedSince > flushTimeoutNanos) {
                    throw new Fatal(String.format(Locale.ENGLISH,
                            "input ended and the API has not taken the last %,d lines for %d s: %s; they are lost, "
                                    + "and the feed misses their changes until the BGP session restarts",
                            batch.size(), flushTimeoutNanos / 1_000_000_000L, failure));
                }
            }
            // the API says when to come back (its rate limits): that, within our own bounds, else our backoff
            long wait = retryAfter >= 0 ? Math.max(MIN_BACKOFF_MS, Math.min(MAX_BACKOFF_MS, retryAfter)) : backoff;
            Log.warn(String.format(Locale.ENGLISH, "batch of %,d lines (%,d routes), attempt %d: %s; again in %.1f s%s "
                    + "(%,d lines waiting)", batch.size(), routes, attempt, failure, wait / 1000.0,
                    retryAfter >= 0 ? " (the API's Retry-After)" : "", queue.size()));
            Thread.sleep(wait);
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
    }
}
