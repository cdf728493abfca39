package org.hubdns.bench.engine;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import org.hubdns.bench.wire.EcsList;
import org.hubdns.bench.wire.QueryTemplates;
import org.hubdns.bench.wire.Response;
import org.hubdns.bench.wire.ResponseParser;

/**
 * One UDP socket or TCP connection to one server: encodes queries from the templates, matches
 * answers to them by ID and question, and counts what the report needs. Runs on one event loop.
 */
abstract class Flow {
    final LoopDriver driver;
    final int server;
    final Slots slots;
    /** Closed loop: how many queries this flow keeps in flight. */
    final int window;
    private final QueryTemplates templates;
    private final EcsList ecs;
    /** The OPT sent when there is no ECS list: DO set (--dnssec-ok), or null for no EDNS at all. */
    private final byte[] plainOpt;
    private int queryCursor;
    private int ecsCursor;
    private final Response response = new Response();
    /** The socket or connection (null until opened; a TCP flow's changes when it reconnects). */
    Channel channel;
    private boolean pending;

    Flow(LoopDriver driver, int index, int sockets, int server, int window, int slotCapacity) {
        this.driver = driver;
        this.server = server;
        this.window = window;
        this.slots = new Slots(slotCapacity);
        this.templates = driver.settings.templates();
        this.ecs = driver.settings.ecs();
        this.plainOpt = driver.settings.dnssecOk() ? EcsList.dnssecOkOpt() : null;
        // start each flow at a different place in the query file and the networks, so that they do not move in step
        this.queryCursor = (int) ((long) index * templates.length() / sockets);
        this.ecsCursor = ecs == null ? 0 : (int) ((long) index * ecs.size() / sockets);
    }

    /** True when a query can be written now (socket open, connection up). */
    abstract boolean ready();

    /** Allocates a buffer with room for {@code length} bytes of message (plus framing). */
    abstract ByteBuf buffer(int length);

    /** Queues the encoded message for sending; {@link #flush()} sends what is queued. */
    abstract void write(ByteBuf message);

    /** Queues {@code message} (a buffer, or a datagram around one) on the channel, to go out at the next flush. */
    final void queue(Object message) {
        channel.write(message, channel.voidPromise());
        pending = true;
    }

    /** Sends what {@link #queue} queued since the last flush. */
    final void flush() {
        if (pending) {
            pending = false;
            channel.flush();
        }
    }

    final void close() {
        if (channel != null) {
            channel.close();
        }
    }

    /** Sends one query; false when no slot is free or the transport is not ready. */
    final boolean send(long intended, long now) {
        if (!slots.hasFree() || !ready()) {
            return false;
        }
        int t = templates.at(queryCursor);
        if (++queryCursor == templates.length()) {
            queryCursor = 0;
        }
        int e = -1;
        int length = templates.message(t).length;
        if (ecs != null) {
            e = ecsCursor;
            if (++ecsCursor == ecs.size()) {
                ecsCursor = 0;
            }
            length += ecs.length(e);
        } else if (plainOpt != null) {
            length += plainOpt.length;
        }
        int id = slots.take();
        int slot = id & slots.mask;
        slots.template[slot] = t;
        slots.key[slot] = driver.fingerprintKey(t, e);
        slots.intended[slot] = intended;
        slots.sent[slot] = now;
        ByteBuf buf = buffer(length);
        if (e >= 0) {
            templates.write(buf, t, id, ecs.data(), ecs.offset(e), ecs.length(e));
        } else {
            templates.write(buf, t, id, plainOpt, 0, plainOpt == null ? 0 : plainOpt.length);
        }
        write(buf);
        if (intended - driver.measureStart >= 0) {
            LoopStats s = driver.stats;
            s.sent++;
            s.sentBy[server]++;
            if (driver.openLoop) {
                s.lag(now - intended);
            }
        } else {
            driver.stats.warmupSent++;
        }
        return true;
    }

    /** Handles one received message (the bytes are only valid during this call). */
    final void received(byte[] b, int len, long now) {
        LoopStats s = driver.stats;
        Response r = response;
        ResponseParser.parse(b, len, r);
        boolean measuring = now - driver.measureStart >= 0;
        if (r.status() != Response.Status.OK) {
            if (measuring) {
                s.malformed++;
            }
            return;
        }
        int slot = slots.lookup(r.id());
        if (slot < 0) {
            if (measuring) {
                s.unexpected++;
            }
            return;
        }
        int t = slots.template[slot];
        boolean questionOk = r.qdcount() == 1 ? templates.sameQuestion(t, b, len) : r.rcode() != 0;
        if (!questionOk) {
            // right ID, wrong question: not our answer; the query stays in flight until its own answer or timeout
            if (measuring) {
                s.mismatched++;
            }
            return;
        }
        long intended = slots.intended[slot];
        long sentAt = slots.sent[slot];
        int key = slots.key[slot];
        slots.release(slot);
        slots.trim();
        if (intended - driver.measureStart >= 0) {
            count(s, r, b, len, now, intended, key);
            if (driver.openLoop) {
                s.serviceLatency(now - sentAt);
            }
        } else {
            s.warmupReceived++;
            s.warmupLatency(now - intended);
        }
        driver.refill(this, now);
    }

    private void count(LoopStats s, Response r, byte[] b, int len, long now, long intended, int key) {
        s.received++;
        s.receivedBy[server]++;
        s.latency(now - intended);
        s.rcodes[r.rcode() & 0xfff]++;
        if (r.truncated()) {
            s.truncated++;
        }
        if (r.recordsMalformed()) {
            s.recordsMalformed++;
        }
        if (r.ecsScope() >= 0 && r.ecsScope() <= 128) {
            s.ecsScopes[r.ecsScope()]++;
        }
        int n = r.addressCount();
        int fingerprint = 0x811c9dc5 ^ r.rcode();
        boolean named = false;
        AnswerWatch watch = driver.settings.watch();
        for (int i = 0; i < n; i++) {
            if (r.isV4(i)) {
                int a = r.v4(i);
                s.answers.addV4(a);
                if (i == 0) {
                    s.first.addV4(a);
                }
                fingerprint = (fingerprint ^ a) * 0x01000193;
                named |= watch != null && watch.contains(a);
            } else {
                String text = v6Text(b, r.v6Offset(i));
                s.answers.addOther(text);
                if (i == 0) {
                    s.first.addOther(text);
                }
                fingerprint = (fingerprint ^ text.hashCode()) * 0x01000193;
            }
        }
        if (n == 0) {
            String cname = r.cnameOffset() >= 0 ? ResponseParser.readName(b, len, r.cnameOffset()) : null;
            String what = cname != null ? "CNAME " + cname : RunResult.NO_ADDRESS;
            s.first.addOther(what);
            if (cname != null) {
                s.answers.addOther(what);
                fingerprint = (fingerprint ^ cname.hashCode()) * 0x01000193;
            }
        }
        if (named) {
            // nanoTime values compare by difference; the first sighting must not be compared with the sentinel
            if (s.watchNamed++ == 0 || intended - s.watchLastSent > 0) {
                s.watchLastSent = intended;
            }
        }
        if (key >= 0) {
            fingerprint |= 1; // 0 means "not seen yet"
            int before = s.fingerprints[key];
            if (before != 0 && before != fingerprint) {
                s.answerChanges++;
            }
            s.fingerprints[key] = fingerprint;
        }
    }

    private static String v6Text(byte[] b, int p) {
        byte[] a = java.util.Arrays.copyOfRange(b, p, p + 16);
        try {
            return java.net.InetAddress.getByAddress(a).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // 16 bytes is always a valid IPv6 address
        }
    }

    /** Gives up on queries sent before {@code deadline}; returns how many. */
    final int expire(long deadline) {
        int n = 0;
        int slot;
        while ((slot = slots.oldestSentBefore(deadline)) >= 0) {
            lose(slot);
            slots.popOrder();
            n++;
        }
        return n;
    }

    /** Every query in flight is lost (the connection closed under them). */
    final int loseAll() {
        int n = 0;
        for (int slot = 0; slot < slots.capacity(); slot++) {
            if (slots.ids[slot] != Slots.FREE) {
                lose(slot);
                driver.stats.connectionLosses++;
                n++;
            }
        }
        slots.trim();
        return n;
    }

    private void lose(int slot) {
        if (slots.intended[slot] - driver.measureStart >= 0) {
            driver.stats.lost++;
            driver.stats.lostBy[server]++;
        } else {
            driver.stats.warmupLost++;
        }
        slots.release(slot);
    }
}
