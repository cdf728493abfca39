package org.hubdns.bench.engine;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.IntCountsHistogram;

/**
 * Drives the flows of one event loop: keeps each closed-loop flow's window full, or paces an
 * open-loop schedule over them, expires queries that waited longer than the timeout, and says
 * when it has sent everything and every query is answered or lost. All of it runs on the loop.
 */
final class LoopDriver {
    /** How often queries past their timeout are given up (and the end of the run is checked). */
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** When every slot is taken, the pacer retries this much later (queries sent late keep their intended time). */
    private static final long BACKLOG_RETRY_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    /**
     * The pacer sleeps at least this long: a wake-up per query (every 20 us at 50k qps per loop) cost more in
     * timer system calls and context switches than the sending, and on a busy machine each sleep can lose the
     * core for a whole time slice. Queries due meanwhile go out together, late by at most this much.
     */
    private static final long MIN_WAIT_NANOS = 20_000;
    /**
     * Most queries one pacer pass sends per flow. A pacer that fell behind (a pause, JIT warm-up) sends its
     * backlog in passes this big with reads in between; one huge burst overflows the server's socket buffer
     * and turns a short pause into mass loss. The queries keep their intended times either way.
     */
    private static final int BURST_PER_FLOW = 64;

    final EventLoop loop;
    final RunSettings settings;
    final LoopStats stats;
    final boolean openLoop;
    final long start;
    final long measureStart;
    private final long sendEnd;
    private final RunControl control;
    private final int ecsSize;
    private final boolean fingerprints;
    final List<Flow> flows = new ArrayList<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private long countLeft;
    private double intervalNanos;
    private long paced;
    private boolean pacingOver;
    private ScheduledFuture<?> tick;
    private int maxBurst = BURST_PER_FLOW;
    private Sample previous;

    LoopDriver(EventLoop loop, RunSettings settings, long start, long measureStart, long sendEnd, long count,
            RunControl control, int fingerprintKeys) {
        this.loop = loop;
        this.settings = settings;
        this.openLoop = settings.openLoop();
        this.start = start;
        this.measureStart = measureStart;
        this.sendEnd = sendEnd;
        this.countLeft = count;
        this.control = control;
        this.ecsSize = settings.ecs() == null ? 1 : settings.ecs().size();
        this.fingerprints = fingerprintKeys > 0;
        this.stats = new LoopStats(settings.servers().size(), fingerprintKeys);
    }

    /** This loop's share of the open-loop rate, in queries per second. */
    void rate(double perSecond) {
        intervalNanos = 1e9 / perSecond;
    }

    int fingerprintKey(int template, int ecs) {
        return fingerprints ? template * ecsSize + Math.max(ecs, 0) : -1;
    }

    /** Starts sending at {@link #start}; call on the loop. */
    void begin() {
        maxBurst = BURST_PER_FLOW * Math.max(1, flows.size());
        long delay = start - System.nanoTime();
        loop.schedule(openLoop ? this::pace : this::fillAll, Math.max(0, delay), TimeUnit.NANOSECONDS);
        tick = loop.scheduleAtFixedRate(this::tick, Math.max(0, delay) + TICK_NANOS, TICK_NANOS,
                TimeUnit.NANOSECONDS);
    }

    /** True once this loop may send no more measured queries (time, count or a stop request). */
    boolean sendingOver(long now) {
        return now - sendEnd >= 0 || countLeft <= 0 || control.stopRequested();
    }

    private boolean maySendAt(long when) {
        if (when - sendEnd >= 0 || control.stopRequested()) {
            return false;
        }
        return when - measureStart < 0 || countLeft > 0;
    }

    private boolean sendOne(Flow f, long intended, long now) {
        if (!f.send(intended, now)) {
            return false;
        }
        if (intended - measureStart >= 0) {
            countLeft--;
        }
        return true;
    }

    private void fillAll() {
        long now = System.nanoTime();
        for (Flow f : flows) {
            refill(f, now);
            f.flush();
        }
    }

    /** Closed loop: tops the flow's window up (the caller or the read-complete event flushes). */
    void refill(Flow f, long now) {
        if (openLoop) {
            return;
        }
        while (f.slots.outstanding < f.window && maySendAt(now)) {
            if (!sendOne(f, now, now)) {
                return;
            }
        }
    }

    /** Open loop: sends every query whose intended time has come, then sleeps until the next one. */
    private void pace() {
        if (pacingOver) {
            return;
        }
        boolean blocked = sendDue();
        if (!pacingOver) {
            // always scheduled, never execute()d: Netty runs tasks queued by a task in the same batch, for up to a
            // second, before it reads again; a pacer that re-queued itself when behind starved the reads
            long due = start + (long) (paced * intervalNanos);
            long wait = blocked ? BACKLOG_RETRY_NANOS : due - System.nanoTime();
            loop.schedule(this::pace, Math.max(wait, MIN_WAIT_NANOS), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Open loop, after a batch of reads: sends what has come due meanwhile. Under load the loop wakes
     * for answers far more often than its timer fires (a timer's wake-up comes late by the kernel's
     * timer slack, ~50 us), so queries leave closer to their intended times. The timer chain goes on.
     */
    void afterReads() {
        if (openLoop && !pacingOver && start - System.nanoTime() <= 0) {
            sendDue();
        }
    }

    /** Sends every query due now (in bursts of at most {@link #maxBurst}); true when every slot was taken. */
    private boolean sendDue() {
        long now = System.nanoTime();
        int n = flows.size();
        boolean blocked = false;
        long due = start + (long) (paced * intervalNanos);
        if (due - measureStart < 0 && now - measureStart >= 0) {
            // the warm-up fell behind (JIT, a busy machine): its unsent queries are dropped rather than sent late,
            // so the measured schedule starts on time; they would not have been counted anyway
            paced = (long) Math.ceil((measureStart - start) / intervalNanos);
            due = start + (long) (paced * intervalNanos);
        }
        int burst = 0;
        while (due - now <= 0 && burst < maxBurst) {
            if (!maySendAt(due)) {
                pacingOver = true;
                break;
            }
            boolean sent = false;
            // the flow in turn, or the next one that can take it (a TCP connection may be down)
            for (int i = 0; i < n && !sent; i++) {
                sent = sendOne(flows.get((int) ((paced + i) % n)), due, now);
            }
            if (!sent) {
                blocked = true;
                break;
            }
            paced++;
            burst++;
            due = start + (long) (paced * intervalNanos);
        }
        if (burst > 0) {
            for (Flow f : flows) {
                f.flush();
            }
        }
        return blocked;
    }

    private void tick() {
        long now = System.nanoTime();
        long deadline = now - settings.timeoutNanos();
        for (Flow f : flows) {
            if (f.expire(deadline) > 0) {
                refill(f, now);
                f.flush();
            }
        }
        checkDone(now);
    }

    /** Completes {@link #done} once sending is over and nothing is in flight. */
    void checkDone(long now) {
        if (done.isDone() || !(openLoop ? pacingOver || sendingOver(now) : sendingOver(now))) {
            return;
        }
        for (Flow f : flows) {
            if (f.slots.outstanding > 0) {
                return;
            }
        }
        if (tick != null) {
            tick.cancel(false);
        }
        done.complete(null);
    }

    /** What happened since the previous call; call on the loop. */
    Sample sample() {
        LoopStats s = stats;
        IntCountsHistogram interval = s.interval;
        IntCountsHistogram warm = s.warmup;
        s.interval = new IntCountsHistogram(LoopStats.HIGHEST_MICROS, LoopStats.DIGITS);
        s.warmup = new IntCountsHistogram(LoopStats.HIGHEST_MICROS, LoopStats.DIGITS);
        s.total.add(interval);
        Histogram latency = Sample.histogram();
        latency.add(interval);
        Histogram warmLatency = Sample.histogram();
        warmLatency.add(warm);
        Sample now = new Sample(s.sent, s.received, s.lost, s.unexpected, s.mismatched, s.malformed,
                s.rcodes.clone(), s.sentBy.clone(), s.receivedBy.clone(), s.lostBy.clone(), null, s.watchNamed,
                s.watchLastSent, s.answerChanges, s.warmupSent, s.warmupReceived, s.warmupLost, null);
        Sample b = previous == null ? Sample.empty(s.sentBy.length) : previous;
        previous = now;
        return new Sample(now.sent() - b.sent(), now.received() - b.received(), now.lost() - b.lost(),
                now.unexpected() - b.unexpected(), now.mismatched() - b.mismatched(), now.malformed() - b.malformed(),
                minus(now.rcodes(), b.rcodes()), minus(now.sentBy(), b.sentBy()),
                minus(now.receivedBy(), b.receivedBy()), minus(now.lostBy(), b.lostBy()), latency,
                now.watchNamed() - b.watchNamed(), now.watchLastSent(), now.answerChanges() - b.answerChanges(),
                now.warmupSent() - b.warmupSent(), now.warmupReceived() - b.warmupReceived(),
                now.warmupLost() - b.warmupLost(), warmLatency);
    }

    private static long[] minus(long[] a, long[] b) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] - b[i];
        }
        return r;
    }

    void closeAll() {
        for (Flow f : flows) {
            f.close();
        }
        if (tick != null) {
            tick.cancel(false);
        }
    }
}
