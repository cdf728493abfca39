package org.hubdns.bench.engine;

import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;
import org.hubdns.bench.BenchInputException;
import org.hubdns.bench.wire.RrTypes;

/**
 * Runs one load: opens the sockets on {@code threads} event loops (native epoll when available),
 * starts every loop at the same instant, samples them once a second for the progress line and the
 * timeline, and when every loop has finished (sent everything, and every query answered or timed
 * out) puts their counts together.
 */
public final class LoadRun {
    /** Answer-change tracking keeps an int per (question, network) pair per loop; beyond this it is off. */
    static final int MAX_FINGERPRINT_KEYS = 4_000_000;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private LoadRun() {
    }

    /** Called once a second from the thread that called {@link #run}. */
    public interface Listener {
        void progress(Progress p);

        /** Something the operator should know (e.g. no native transport); printed once. */
        default void note(String message) {
        }
    }

    public static RunResult run(RunSettings s, Listener listener, RunControl control)
            throws BenchInputException, InterruptedException {
        boolean epoll = Epoll.isAvailable();
        if (!epoll) {
            listener.note("native epoll transport unavailable (" + Epoll.unavailabilityCause()
                    + "); using NIO: one system call per datagram, expect a lower ceiling");
        }
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(s.threads(), new DefaultThreadFactory("bench-loop", true),
                io);
        try {
            // a closed loop paces itself while the JIT warms up; a fast schedule would fall behind instead
            if (s.openLoop() && s.rate() >= Priming.MIN_RATE) {
                Priming.run(s, group, epoll);
            }
            return runOn(s, listener, control, group, epoll);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    /** One run on loops that already exist (the warm-up and the real run share them). */
    static RunResult runOn(RunSettings s, Listener listener, RunControl control, EventLoopGroup group,
            boolean epoll) throws BenchInputException, InterruptedException {
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor e : group) {
            loops.add((EventLoop) e);
        }
        int fingerprintKeys = fingerprintKeys(s);
        // the start lies a little ahead, so that every loop begins at the same instant after the sockets are open
        long setupBudget = TimeUnit.MILLISECONDS.toNanos(200);
        long start = System.nanoTime() + setupBudget;
        long measureStart = start + s.warmupNanos();
        long sendEnd = s.durationNanos() > 0 ? measureStart + s.durationNanos() : Long.MAX_VALUE / 2;
        long count = s.count() > 0 ? s.count() : Long.MAX_VALUE / 2;

        int nLoops = Math.min(loops.size(), s.sockets());
        List<LoopDriver> drivers = new ArrayList<>();
        int[] flowsPerLoop = new int[nLoops];
        for (int i = 0; i < s.sockets(); i++) {
            flowsPerLoop[i % nLoops]++;
        }
        long countGiven = 0;
        for (int l = 0; l < nLoops; l++) {
            long share = l == nLoops - 1 ? count - countGiven : count * flowsPerLoop[l] / s.sockets();
            countGiven += share;
            LoopDriver d = new LoopDriver(loops.get(l), s, start, measureStart, sendEnd,
                    s.count() > 0 ? share : Long.MAX_VALUE / 2, control, fingerprintKeys);
            if (s.openLoop()) {
                d.rate(s.rate() * flowsPerLoop[l] / s.sockets());
            }
            drivers.add(d);
        }
        List<ChannelFuture> opening = new ArrayList<>();
        for (int i = 0; i < s.sockets(); i++) {
            LoopDriver d = drivers.get(i % nLoops);
            int server = i % s.servers().size();
            InetSocketAddress target = s.servers().get(server);
            int window = s.concurrency() / s.sockets() + (i < s.concurrency() % s.sockets() ? 1 : 0);
            int capacity = slotCapacity(s, window);
            Flow f;
            if (s.tcp()) {
                TcpFlow t = new TcpFlow(d, i, s.sockets(), server, window, capacity, target, epoll);
                opening.add(t.open());
                f = t;
            } else {
                UdpFlow u = new UdpFlow(d, i, s.sockets(), server, window, capacity, target);
                opening.add(u.open(epoll));
                f = u;
            }
            d.flows.add(f);
        }
        try {
            for (ChannelFuture f : opening) {
                if (!f.await(10, TimeUnit.SECONDS) || !f.isSuccess()) {
                    Throwable cause = f.cause();
                    String why = cause == null ? "timed out" : cause.getMessage();
                    throw new BenchInputException((s.tcp() ? "cannot connect to " : "cannot open a UDP socket for ")
                            + f.channel().remoteAddress() + ": " + why
                            + (s.tcp() ? "; is the server running and listening on TCP there? check --server" : ""));
                }
            }
            if (System.nanoTime() - start > 0) {
                listener.note("opening " + s.sockets() + " sockets took longer than "
                        + TimeUnit.NANOSECONDS.toMillis(setupBudget) + " ms; the run starts late but complete");
            }
            for (LoopDriver d : drivers) {
                d.loop.execute(d::begin);
            }
            return coordinate(s, drivers, listener, control, start, measureStart, sendEnd, epoll);
        } finally {
            for (LoopDriver d : drivers) {
                d.loop.execute(d::closeAll);
            }
        }
    }

    /** One answer fingerprint per (question, network) pair, or none when there are too many pairs. */
    static int fingerprintKeys(RunSettings s) {
        long keys = (long) s.templates().distinct() * (s.ecs() == null ? 1 : s.ecs().size());
        return keys <= MAX_FINGERPRINT_KEYS ? (int) keys : 0;
    }

    private static int slotCapacity(RunSettings s, int window) {
        if (!s.openLoop()) {
            // 16 slots per query in flight leaves generation bits in the ID to catch late answers
            return Math.max(16, window * 16);
        }
        double perFlow = s.rate() / s.sockets();
        double inFlight = perFlow * s.timeoutNanos() / 1e9;
        return (int) Math.min(65536, Math.max(64, inFlight * 2 + 64));
    }

    private static RunResult coordinate(RunSettings s, List<LoopDriver> drivers, Listener listener,
            RunControl control, long start, long measureStart, long sendEnd, boolean epoll)
            throws InterruptedException {
        CompletableFuture<Void> all = CompletableFuture.allOf(drivers.stream().map(d -> d.done)
                .toArray(CompletableFuture[]::new));
        List<TimelinePoint> timeline = new ArrayList<>();
        Histogram total = new Histogram(LoopStats.HIGHEST_MICROS, LoopStats.DIGITS);
        long next = start + SECOND;
        if (measureStart - start > 0 && next - measureStart > 0) {
            next = measureStart;
        }
        long lastSample = start;
        long sentSoFar = 0;
        long warmupSent = 0;
        long lastSentNow = 0;
        boolean finished = false;
        while (!finished) {
            long wait = next - System.nanoTime();
            try {
                // a mark asked for in the warm-up waits for the sample at its end
                boolean warmup = System.nanoTime() - measureStart < 0;
                (warmup ? all : CompletableFuture.anyOf(all, control.wake())).get(Math.max(wait, 0),
                        TimeUnit.NANOSECONDS);
                finished = all.isDone();
                if (finished) {
                    all.get(); // rethrows a loop's failure
                }
            } catch (TimeoutException e) {
                // a second has passed: sample below
            } catch (ExecutionException e) {
                control.ended();
                throw new IllegalStateException("an event loop failed", e.getCause());
            }
            long now = System.nanoTime();
            // a scenario's mark is taken only once measuring (the timeline starts there)
            boolean mark = control.markPending() && now - measureStart >= 0;
            if (!finished && now - next < 0 && !mark) {
                continue;
            }
            Sample sum = sampleAll(s, drivers);
            total.add(sum.latency());
            sentSoFar += sum.sent();
            warmupSent += sum.warmupSent();
            double seconds = Math.max(now - lastSample, 1) / 1e9;
            Latency l = Latency.of(sum.latency());
            String phase = lastSample - measureStart < 0 ? "warmup"
                    : now - sendEnd < 0 && !control.stopRequested() && !finished ? "run" : "drain";
            // the last interval may be a sliver (the run ended just after a full second): its rate would mislead
            boolean sliver = finished && seconds < 0.25 && !timeline.isEmpty();
            boolean measured = lastSample - measureStart >= 0;
            if (!sliver && measured && (sum.sent() > 0 || sum.received() > 0 || sum.lost() > 0)) {
                timeline.add(new TimelinePoint(round3((now - measureStart) / 1e9), sum.sent(), sum.received(),
                        sum.received() / seconds, sum.lost(), sum.errors(), l.p50(), l.p99(), l.max(),
                        sum.watchNamed(), sum.answerChanges(), sum.receivedBy(), sum.lostBy()));
            }
            // the progress line shows the warm-up's answers too, so that the first seconds are not blank
            Histogram both = sum.warmupLatency();
            both.add(sum.latency());
            Latency shown = Latency.of(both);
            if (!sliver) {
                listener.progress(new Progress((now - start) / 1e9, phase, phase.equals("warmup") ? warmupSent : sentSoFar,
                    (sum.received() + sum.warmupReceived()) / seconds, shown.p50(), shown.p99(),
                        sum.lost() + sum.warmupLost(), shares(sum.rcodes()), sum, now, measureStart));
            }
            lastSample = now;
            lastSentNow = now;
            if (mark) {
                control.marked(now);
            }
            // a mark between two seconds leaves the once-a-second cadence as it was
            while (next - now <= 0) {
                next += SECOND;
            }
            if (now - measureStart < 0 && next - measureStart > 0) {
                next = measureStart; // one sample exactly at the end of the warm-up: no interval straddles it
            }
        }
        control.ended();
        return collect(s, drivers, total, timeline, measureStart, sendEnd, epoll, control.stopRequested(),
                lastSentNow);
    }

    private static Sample sampleAll(RunSettings s, List<LoopDriver> drivers) throws InterruptedException {
        Sample sum = Sample.empty(s.servers().size());
        for (LoopDriver d : drivers) {
            try {
                sum = sum.plus(d.loop.submit(d::sample).get(10, TimeUnit.SECONDS));
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("event loop did not answer a sample request", e);
            }
        }
        return sum;
    }

    private static RunResult collect(RunSettings s, List<LoopDriver> drivers, Histogram total,
            List<TimelinePoint> timeline, long measureStart, long sendEnd, boolean epoll, boolean stopped,
            long endedAt) throws InterruptedException {
        long[] sentBy = new long[s.servers().size()];
        long[] receivedBy = new long[sentBy.length];
        long[] lostBy = new long[sentBy.length];
        long sent = 0;
        long received = 0;
        long lost = 0;
        long unexpected = 0;
        long mismatched = 0;
        long malformed = 0;
        long truncated = 0;
        long recordsMalformed = 0;
        long sendErrors = 0;
        long losses = 0;
        long changes = 0;
        long[] rcodes = new long[4096];
        long[] scopes = new long[129];
        Map<String, Long> answers = new LinkedHashMap<>();
        Map<String, Long> first = new LinkedHashMap<>();
        Histogram lag = new Histogram(LoopStats.HIGHEST_MICROS, LoopStats.DIGITS);
        Histogram service = new Histogram(LoopStats.HIGHEST_MICROS, LoopStats.DIGITS);
        for (LoopDriver d : drivers) {
            LoopStats st;
            try {
                st = d.loop.submit(() -> d.stats).get(10, TimeUnit.SECONDS); // hands the stats over with a happens-before
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("event loop did not hand over its counts", e);
            }
            sent += st.sent;
            received += st.received;
            lost += st.lost;
            unexpected += st.unexpected;
            mismatched += st.mismatched;
            malformed += st.malformed;
            truncated += st.truncated;
            recordsMalformed += st.recordsMalformed;
            sendErrors += st.sendErrors;
            losses += st.connectionLosses;
            changes += st.answerChanges;
            for (int i = 0; i < rcodes.length; i++) {
                rcodes[i] += st.rcodes[i];
            }
            for (int i = 0; i < scopes.length; i++) {
                scopes[i] += st.ecsScopes[i];
            }
            for (int i = 0; i < sentBy.length; i++) {
                sentBy[i] += st.sentBy[i];
                receivedBy[i] += st.receivedBy[i];
                lostBy[i] += st.lostBy[i];
            }
            st.answers.addTo(answers);
            st.first.addTo(first);
            lag.add(st.sendLag);
            service.add(st.service);
        }
        Map<String, Long> rc = new LinkedHashMap<>();
        for (int i = 0; i < rcodes.length; i++) {
            if (rcodes[i] > 0) {
                rc.put(RrTypes.rcodeName(i), rcodes[i]);
            }
        }
        Map<Integer, Long> sc = new TreeMap<>();
        for (int i = 0; i < scopes.length; i++) {
            if (scopes[i] > 0) {
                sc.put(i, scopes[i]);
            }
        }
        long measuredEnd = Math.min(sendEnd, endedAt);
        if (s.durationNanos() <= 0 || stopped) {
            measuredEnd = endedAt;
        }
        double seconds = Math.max(measuredEnd - measureStart, 1) / 1e9;
        return new RunResult(epoll, round3(seconds), Math.round(received / seconds * 10) / 10.0, sent, received, lost,
                unexpected, mismatched, malformed, truncated, recordsMalformed, sendErrors, losses,
                Latency.of(total), s.openLoop() ? Latency.of(lag) : null,
                s.openLoop() ? Latency.of(service) : null, rc, byCount(answers), byCount(first), sc,
                sentBy, receivedBy, lostBy, timeline, total, changes, stopped);
    }

    static Map<String, Long> byCount(Map<String, Long> m) {
        Map<String, Long> out = new LinkedHashMap<>();
        m.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private static Map<String, Double> shares(long[] rcodes) {
        long total = 0;
        for (long c : rcodes) {
            total += c;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        if (total == 0) {
            return out;
        }
        for (int i = 0; i < rcodes.length; i++) {
            if (rcodes[i] > 0) {
                out.put(RrTypes.rcodeName(i), (double) rcodes[i] / total);
            }
        }
        return out;
    }

    static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
