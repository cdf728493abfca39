package org.hubdns.server.querylog;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.hubdns.dns.stats.QueryLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --query-log FILE|stdout}: one JSON line per sampled query, written by one thread of its
 * own. The query path only offers entries to a bounded queue: when the writer falls behind, entries
 * are dropped and counted ({@code hubdns_query_log_dropped_total}), never waited for.
 */
public final class QueryLogWriter implements QueryLog, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueryLogWriter.class);
    static final int QUEUE = 65_536;

    private final double rate;
    private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(QUEUE);
    private final LongAdder dropped = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final Writer out;
    private final Thread thread;
    private volatile boolean closing;

    /**
     * @param target a file (appended to, created if missing) or {@code "stdout"}
     * @param rate the fraction of queries logged, in (0, 1]
     */
    public QueryLogWriter(String target, double rate) throws IOException {
        if (!(rate > 0 && rate <= 1)) {
            throw new IllegalArgumentException("the sample rate must be in (0, 1], not " + rate);
        }
        this.rate = rate;
        if ("stdout".equals(target) || "-".equals(target)) {
            out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        } else {
            Path p = Path.of(target);
            if (p.getParent() != null) {
                Files.createDirectories(p.getParent());
            }
            out = Files.newBufferedWriter(p, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        }
        thread = new Thread(this::run, "hubdns-query-log");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public boolean sample() {
        return rate >= 1 || ThreadLocalRandom.current().nextDouble() < rate;
    }

    @Override
    public void offer(Entry e) {
        if (closing || !queue.offer(e)) {
            dropped.increment();
        }
    }

    public long dropped() {
        return dropped.sum();
    }

    public long written() {
        return written.sum();
    }

    private void run() {
        List<Entry> batch = new ArrayList<>(1024);
        StringBuilder sb = new StringBuilder(512);
        while (true) {
            try {
                Entry first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing) {
                        break;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 1023);
                for (Entry e : batch) {
                    sb.setLength(0);
                    format(e, sb);
                    out.write(sb.toString());
                }
                written.add(batch.size());
                batch.clear();
                if (queue.isEmpty()) {
                    out.flush();
                }
            } catch (InterruptedException ie) {
                break;
            } catch (IOException io) {
                LOG.error("query log: cannot write ({}); entries are dropped until it can", io.getMessage());
                dropped.add(batch.size());
                batch.clear();
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    break;
                }
            }
        }
        try {
            out.flush();
        } catch (IOException e) {
            LOG.warn("query log: last lines not flushed: {}", e.getMessage());
        }
    }

    static void format(Entry e, StringBuilder sb) {
        sb.append("{\"time\":\"").append(Instant.ofEpochMilli(e.timeMillis())).append('"');
        str(sb, "client", e.client());
        sb.append(",\"transport\":\"").append(e.tcp() ? "tcp" : "udp").append('"');
        str(sb, "ecs", e.ecs());
        str(sb, "qname", e.qname());
        str(sb, "qtype", e.qtype());
        str(sb, "rcode", e.rcode());
        sb.append(",\"answer\":[");
        for (int i = 0; i < e.answer().size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            quote(sb, e.answer().get(i));
        }
        sb.append(']');
        str(sb, "site", e.site());
        sb.append(",\"scope\":");
        if (e.scope() < 0) {
            sb.append("null");
        } else {
            sb.append(e.scope());
        }
        sb.append(",\"durationUs\":").append(e.durationMicros()).append("}\n");
    }

    private static void str(StringBuilder sb, String key, String value) {
        sb.append(",\"").append(key).append("\":");
        if (value == null) {
            sb.append("null");
        } else {
            quote(sb, value);
        }
    }

    /** A JSON string: qnames are text already escaped DNS-style, but quotes and controls still need JSON escapes. */
    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }

    @Override
    public void close() {
        closing = true;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
