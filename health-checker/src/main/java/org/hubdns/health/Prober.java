package org.hubdns.health;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.Health;
import org.hubdns.cluster.model.HealthCheck;
import org.hubdns.cluster.store.Json;
import org.hubdns.cluster.store.LiveMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This member's probing duties, all on one Vert.x context (no locks): one timer per node, rise/fall
 * counting, and the verdicts published to {@code health-verdicts} when they change. A heartbeat
 * every {@link #BEAT_MS} ms, sent from the same context, vouches for every verdict of this member:
 * if the context stalls, the beats stop and the other members stop counting its verdicts.
 */
final class Prober {
    private static final Logger LOG = LoggerFactory.getLogger(Prober.class);
    static final long BEAT_MS = 250;

    /** What a member must probe for one node: the node and its check with every default filled in. */
    record Duty(CacheNode node, HealthCheck check) {
    }

    private final class NodeProbe {
        final Duty duty;
        long timer = -1;
        boolean inFlight;
        boolean stopped;
        Health verdict; // null until the first result
        /**
         * The verdict was taken out of the cluster (probes stopped completing) but is kept here: the
         * next result republishes it, or its rise/fall successor, rather than deciding afresh.
         */
        boolean withdrawn;
        long verdictSince;
        int okStreak;
        int failStreak;
        long lastDoneNanos = System.nanoTime();

        NodeProbe(Duty duty) {
            this.duty = duty;
        }

        void schedule(long delayMs) {
            timer = vertx.setTimer(Math.max(1, delayMs), t -> fire());
        }

        void fire() {
            if (stopped) {
                return;
            }
            HealthCheck c = duty.check;
            // jitter only shortens the period (never past the timeout), so rise x interval and
            // fall x interval stay upper bounds
            long slack = Math.min(c.intervalMs() / 20, c.intervalMs() - c.timeoutMs() - 1);
            schedule(c.intervalMs() - (slack > 0 ? ThreadLocalRandom.current().nextLong(slack + 1) : 0));
            if (inFlight) {
                return;
            }
            inFlight = true;
            probes.run(duty.node, c).onComplete(ar -> {
                inFlight = false;
                if (!stopped && ar.succeeded()) {
                    result(ar.result());
                }
            });
        }

        void result(ProbeResult r) {
            lastDoneNanos = System.nanoTime();
            stats.record(r);
            HealthCheck c = duty.check;
            if (r.ok()) {
                okStreak++;
                failStreak = 0;
            } else {
                failStreak++;
                okStreak = 0;
            }
            Health next = verdict;
            if (verdict == null) {
                // the first probe decides: a new node need not wait rise x interval
                next = r.ok() ? Health.UP : Health.DOWN;
            } else if (verdict == Health.UP && failStreak >= c.fall()) {
                next = Health.DOWN;
            } else if (verdict == Health.DOWN && okStreak >= c.rise()) {
                next = Health.UP;
            }
            if (next != verdict) {
                Health from = verdict;
                verdict = next;
                verdictSince = r.atMillis();
                withdrawn = false;
                publish(this);
                if (from != null || !r.ok()) {
                    LOG.info("probe of node {} ({}): {} -> {}{}", duty.node.id(), duty.node.platform(),
                            from == null ? "new" : from, next, r.ok() ? "" : " (" + r.error() + ")");
                }
            } else if (withdrawn) {
                // probes complete again: the verdict withdrawn meanwhile counts again, still subject to
                // rise/fall (one failed probe after a stall must not take a node down)
                withdrawn = false;
                publish(this);
                LOG.info("probes of node {} complete again; this member's verdict {} is back", duty.node.id(),
                        verdict);
            }
            status.put(duty.node.id(), new ProbeStatus(duty.node.id(), verdict, verdictSince, r, okStreak, failStreak,
                    c.intervalMs(), c.rise(), c.fall()));
        }

        void stop() {
            stopped = true;
            vertx.cancelTimer(timer);
        }
    }

    private final Vertx vertx;
    private final Context context;
    private final Probes probes;
    private final LiveMap<String> verdicts;
    private final LiveMap<Long> beats;
    /** This member's id in verdict keys and beats; changed only on {@link #context} ({@link #rename}). */
    private volatile String member;
    private final String address;
    private final ProbeStats stats;
    private final Runnable onBeat;
    /** Confined to {@link #context}. */
    private final Map<String, NodeProbe> duties = new HashMap<>();
    /** Read by other threads (the detail of one node, asked by any member). */
    private final Map<String, ProbeStatus> status = new ConcurrentHashMap<>();
    private long beatTimer = -1;
    private volatile boolean closed;

    Prober(Vertx vertx, Probes probes, LiveMap<String> verdicts, LiveMap<Long> beats, String member,
            String address, ProbeStats stats, Runnable onBeat) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.probes = probes;
        this.verdicts = verdicts;
        this.beats = beats;
        this.member = member;
        this.address = address;
        this.stats = stats;
        this.onBeat = onBeat;
        context.runOnContext(v -> beatTimer = vertx.setPeriodic(1, BEAT_MS, t -> beat()));
    }

    /** Makes {@code wanted} (node id to duty) this member's duties: new ones start, gone ones stop. */
    void assign(Map<String, Duty> wanted) {
        context.runOnContext(v -> {
            if (closed) {
                return;
            }
            for (var it = duties.entrySet().iterator(); it.hasNext();) {
                var e = it.next();
                Duty w = wanted.get(e.getKey());
                if (w == null || !sameProbe(w, e.getValue().duty)) {
                    e.getValue().stop();
                    it.remove();
                    if (w == null) {
                        status.remove(e.getKey());
                        cluster(() -> verdicts.removeAsync(Verdict.key(e.getKey(), member)));
                    }
                }
            }
            wanted.forEach((id, d) -> duties.computeIfAbsent(id, k -> {
                NodeProbe p = new NodeProbe(d);
                // spread the first probes of many nodes (start-up, a member joining) over up to a second
                p.schedule(ThreadLocalRandom.current().nextLong(Math.max(1, Math.min(d.check.intervalMs(), 1000))));
                return p;
            }));
        });
    }

    private static boolean sameProbe(Duty a, Duty b) {
        return a.check.equals(b.check) && a.node.addresses().equals(b.node.addresses());
    }

    /** Publishes every verdict again (after a member left: backups may not have held the latest). */
    void republish() {
        context.runOnContext(v -> duties.values().forEach(p -> {
            if (p.verdict != null && !p.withdrawn) {
                publish(p);
            }
        }));
    }

    /** This member has a new id (merged back after a split): its verdicts and beats go under that one. */
    void rename(String id) {
        context.runOnContext(v -> {
            member = id;
            duties.values().forEach(p -> {
                if (p.verdict != null && !p.withdrawn) {
                    publish(p);
                }
            });
        });
    }

    private void publish(NodeProbe p) {
        Verdict v = new Verdict(p.duty.node.id(), member, address, p.verdict, p.verdictSince);
        cluster(() -> verdicts.setAsync(Verdict.key(v.node(), member), Json.write(v)));
    }

    /** A cluster write from the event loop: asynchronous, and quiet once this member has left. */
    private void cluster(Runnable write) {
        try {
            write.run();
        } catch (IllegalStateException leaving) { // the cluster's "instance not active" among them
            LOG.debug("not published: this member is leaving the cluster");
        }
    }

    private void beat() {
        if (closed) {
            return;
        }
        cluster(() -> beats.setAsync(member, System.currentTimeMillis()));
        onBeat.run();
        long now = System.nanoTime();
        for (NodeProbe p : duties.values()) {
            // a probe that stopped completing must not leave its old verdict counting
            if (p.verdict != null && !p.withdrawn
                    && now - p.lastDoneNanos > TimeUnit.MILLISECONDS.toNanos(3L * p.duty.check.intervalMs())) {
                LOG.warn("probes of node {} have not completed for {} ms; withdrawing this member's verdict",
                        p.duty.node.id(), (now - p.lastDoneNanos) / 1_000_000);
                p.withdrawn = true;
                cluster(() -> verdicts.removeAsync(Verdict.key(p.duty.node.id(), member)));
            }
        }
    }

    ProbeStatus status(String node) {
        return status.get(node);
    }

    int duties() {
        return status.size();
    }

    void close() {
        closed = true;
        // on the loop, after the timers: a probe firing meanwhile must not find its client closed
        context.runOnContext(v -> {
            vertx.cancelTimer(beatTimer);
            duties.values().forEach(NodeProbe::stop);
            duties.clear();
            probes.close();
        });
    }
}
