package org.hubdns.bgpfeed;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.hubdns.cluster.feed.ExaBgpJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hubdns bgp-feed --api URL --feed NAME}: run by ExaBGP as a {@code process} with
 * {@code encoder json}; forwards ExaBGP's JSON lines to the feed's {@code updates} endpoint.
 * Exit status: 0 at end of input with everything delivered, 1 when lines could not be delivered
 * (queue overflow, the API refusing the token, undelivered at end of input), 2 for bad usage.
 */
@Command(name = "bgp-feed", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Forward ExaBGP's JSON (its process API, encoder json) from standard input to a coverage feed: "
                + "POST {api}/v1/coverage-feeds/{feed}/updates in batches of at most 1 s or 10,000 routes, "
                + "retried until taken, with a heartbeat while a BGP session is up.",
                "Logs to standard error only: ExaBGP reads a process's standard output as commands."})
public final class BgpFeedCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--api", required = true, paramLabel = "URL",
            description = "The hubdns HTTP API of any member, e.g. http://127.0.0.1:8053 or https://hubdns.example:8443.")
    URI api;

    @Option(names = "--feed", required = true, paramLabel = "NAME", description = "The coverage feed's name.")
    String feed;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "A file holding the operator token (else $HUBDNS_TOKEN, else $HUBDNS_ADMIN_TOKEN).")
    Path tokenFile;

    @Option(names = "--cacert", paramLabel = "FILE", description = "PEM CA certificate(s) to trust for an https API.")
    Path caCert;

    @Option(names = "--batch-routes", paramLabel = "N", defaultValue = "10000",
            description = "Most route changes in one POST (default: ${DEFAULT-VALUE}).")
    int batchRoutes;

    @Option(names = "--batch-ms", paramLabel = "MS", defaultValue = "1000",
            description = "Longest a line waits before its batch is sent (default: ${DEFAULT-VALUE}).")
    long batchMillis;

    @Option(names = "--heartbeat-s", paramLabel = "S", defaultValue = "10",
            description = "Heartbeat interval while a BGP session is up and nothing else was sent "
                    + "(default: ${DEFAULT-VALUE}; keep it well under the feed's staleAfterS).")
    long heartbeatSeconds;

    @Option(names = "--queue-mb", paramLabel = "MB", defaultValue = "256",
            description = "Most text (MiB) held while the API is unreachable; beyond it bgp-feed exits with "
                    + "status 1 rather than drop a change (default: ${DEFAULT-VALUE}).")
    long queueMb;

    @Option(names = "--flush-timeout-s", paramLabel = "S", defaultValue = "60",
            description = "At end of input, how long to keep retrying the last lines (default: ${DEFAULT-VALUE}).")
    long flushTimeoutSeconds;

    /** Where lines come from; standard input unless a test says otherwise. */
    Supplier<InputStream> input = BlockingStdin::open;

    /**
     * Ends the process when the sender cannot go on (the reader may be blocked in a read that only
     * ExaBGP can end); a test replaces it.
     */
    IntConsumer halt = System::exit;

    @Override
    public Integer call() throws Exception {
        System.setOut(System.err); // nothing may reach ExaBGP's command channel
        if (batchRoutes < 1 || batchMillis < 1 || heartbeatSeconds < 1 || queueMb < 1 || flushTimeoutSeconds < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--batch-routes, --batch-ms, --heartbeat-s and --queue-mb must be positive");
        }
        if (api.getScheme() == null || !api.getScheme().matches("https?") || api.getHost() == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--api must be an http or https URL, not " + api);
        }
        String token = token();
        FeedApi client;
        try {
            client = new FeedApi(api, feed, token, caCert, Duration.ofSeconds(30));
        } catch (IOException | GeneralSecurityException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--cacert " + caCert + ": " + e.getMessage());
        }
        LineQueue queue = new LineQueue(queueMb << 20);
        Set<String> sessionsUp = ConcurrentHashMap.newKeySet();
        FeedForwarder forwarder = new FeedForwarder(queue, client, batchRoutes, batchMillis, heartbeatSeconds * 1000,
                flushTimeoutSeconds * 1000, () -> !sessionsUp.isEmpty());
        AtomicReference<String> failure = new AtomicReference<>();
        Thread sender = new Thread(() -> {
            try {
                forwarder.run();
            } catch (FeedForwarder.Fatal e) {
                failure.set(e.getMessage());
                if (!queue.isDrained()) { // still reading: the reader cannot be woken, so stop here
                    Log.error(e.getMessage());
                    halt.accept(1);
                }
            } catch (InterruptedException e) {
                failure.set("interrupted");
            }
        }, "bgp-feed-sender");
        sender.setDaemon(true);
        sender.start();
        Log.info("forwarding to " + client.updates() + (token == null ? " without a token" : "")
                + "; batches of at most " + batchMillis + " ms or " + batchRoutes + " routes");

        AtomicLong read = new AtomicLong();
        AtomicLong malformed = new AtomicLong();
        Thread summary = new Thread(() -> {
            try {
                while (true) {
                    Thread.sleep(60_000);
                    FeedForwarder.Counters c = forwarder.counters;
                    Log.info(String.format(Locale.ENGLISH, "%,d lines read (%,d not ExaBGP JSON), %,d posted in %,d batches "
                            + "(%,d routes), %,d heartbeats, %,d retries, %,d lines waiting, sessions up: %s",
                            read.get(), malformed.get(), c.lines, c.batches, c.routes, c.heartbeats, c.retries,
                            queue.size(), sessionsUp));
                }
            } catch (InterruptedException e) {
                // stop
            }
        }, "bgp-feed-summary");
        summary.setDaemon(true);
        summary.start();

        try (BufferedReader in = new BufferedReader(new InputStreamReader(input.get(), StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            while ((line = in.readLine()) != null && failure.get() == null) {
                read.incrementAndGet();
                ExaBgpJson.Outcome o = ExaBgpJson.apply(line, ExaBgpJson.DISCARD);
                int routes = 1;
                if (o instanceof ExaBgpJson.Applied a) {
                    routes = Math.max(1, a.routes());
                    if (a.kind() == ExaBgpJson.Kind.SESSION_DOWN) {
                        sessionsUp.remove(a.session());
                        Log.info("BGP session " + a.session() + " is down: the feed drops its routes");
                    } else {
                        if (a.kind() == ExaBgpJson.Kind.SESSION_UP) {
                            Log.info("BGP session " + a.session() + " is up");
                        }
                        sessionsUp.add(a.session());
                    }
                } else if (o instanceof ExaBgpJson.Malformed m) {
                    if (malformed.incrementAndGet() <= 10) {
                        Log.warn("line " + read.get() + " is not ExaBGP JSON (" + m.reason() + "); forwarded, the API skips it");
                    }
                }
                if (line.isBlank()) {
                    continue;
                }
                if (!queue.offer(new LineQueue.Line(line, routes, System.nanoTime()))) {
                    Log.error(String.format(Locale.ENGLISH, "QUEUE OVERFLOW: %,d lines (%.1f MiB) wait for the API at %s, "
                            + "which has not taken them; exiting rather than dropping changes. The feed will go stale; "
                            + "once the API answers, restart ExaBGP so that the route server sends the whole table again.",
                            queue.size(), queue.chars() / 1048576.0, client.updates()));
                    return 1;
                }
            }
        } catch (IOException e) {
            Log.error("reading standard input failed: " + e);
            queue.close();
            sender.join(flushTimeoutSeconds * 1000 + 5000);
            return 1;
        }
        if (failure.get() != null) {
            Log.error(failure.get());
            return 1;
        }
        queue.close();
        Log.info("end of input after " + read.get() + " lines: sending what is left");
        sender.join();
        if (failure.get() != null) {
            Log.error(failure.get());
            return 1;
        }
        FeedForwarder.Counters c = forwarder.counters;
        Log.info(String.format(Locale.ENGLISH, "done: %,d lines in %,d batches (%,d routes), %,d heartbeats, %,d retries",
                c.lines, c.batches, c.routes, c.heartbeats, c.retries));
        return 0;
    }

    private String token() throws IOException {
        if (tokenFile != null) {
            if (!Files.isReadable(tokenFile)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--token-file " + tokenFile + " cannot be read");
            }
            String t = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            if (t.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--token-file " + tokenFile + " is empty");
            }
            return t;
        }
        for (String env : new String[] {"HUBDNS_TOKEN", "HUBDNS_ADMIN_TOKEN"}) {
            String t = System.getenv(env);
            if (t != null && !t.isBlank()) {
                return t.strip();
            }
        }
        return null;
    }
}
