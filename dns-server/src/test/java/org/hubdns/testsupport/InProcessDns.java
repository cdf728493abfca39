package org.hubdns.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hubdns.snapshot.Snapshot;
import org.hubdns.snapshot.SnapshotHolder;
import org.hubdns.dns.answer.DynamicAnswers;
import org.hubdns.dns.answer.ZoneTree;
import org.hubdns.dns.protocol.QueryProcessor;
import org.hubdns.dns.protocol.ServerCookies;
import org.hubdns.dns.zone.ZoneContent;
import org.hubdns.dns.zone.ZoneParser;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;

/**
 * The query path without a socket: zones compiled into a {@link Snapshot} in this JVM and a real
 * {@link QueryProcessor} over it; query bytes in, response bytes out. For table-driven tests
 * ({@link DnsCase}) that run in milliseconds beside the socket tests, which prove the transports.
 */
public final class InProcessDns {
    /** Where queries come from unless a test says otherwise (the socket tests' loopback). */
    public static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final SnapshotHolder snapshots;
    private final QueryProcessor processor;
    private final byte[] out = new byte[65535 + 512];

    private InProcessDns(SnapshotHolder snapshots, String nsid) {
        this.snapshots = snapshots;
        processor = new QueryProcessor(snapshots, nsid == null ? null : nsid.getBytes(StandardCharsets.US_ASCII),
                new ServerCookies(new byte[16]));
    }

    /** Answers from whatever {@code snapshots} holds (e.g. what a snapshot builder published). */
    public static InProcessDns over(SnapshotHolder snapshots) {
        return new InProcessDns(snapshots, null);
    }

    /** Serves {@code zones} (apex to master-format text), with no NSID and no dynamic names. */
    public static InProcessDns serving(Map<String, String> zones) {
        return serving(zones, Map.of(), null);
    }

    /**
     * @param zones apex (e.g. {@code example.}) to master-format text
     * @param dynamic names answered per query, as the snapshot builder wires platform hostnames
     * @param nsid the --nsid value (null: none)
     */
    public static InProcessDns serving(Map<String, String> zones, Map<Name, DynamicAnswers> dynamic, String nsid) {
        List<ZoneContent> parsed = new ArrayList<>();
        try {
            for (Map.Entry<String, String> z : new LinkedHashMap<>(zones).entrySet()) {
                parsed.add(ZoneParser.parseText(z.getValue(), Name.fromString(z.getKey()), z.getKey()));
            }
        } catch (Exception e) {
            throw new IllegalArgumentException("test zone does not parse: " + e.getMessage(), e);
        }
        SnapshotHolder holder = new SnapshotHolder();
        holder.publish(new Snapshot(ZoneTree.compile(parsed, dynamic), 1, 0, Map.of()));
        return new InProcessDns(holder, nsid);
    }

    /** The snapshot's holder, to publish another snapshot under the same processor. */
    public SnapshotHolder snapshots() {
        return snapshots;
    }

    /** The raw response to {@code query} from {@code source}, or null when the server sends none. */
    public byte[] raw(byte[] query, boolean tcp, InetAddress source) {
        int n = processor.process(query, query.length, out, tcp, source);
        return n == QueryProcessor.DROP ? null : Arrays.copyOf(out, n);
    }

    /** The raw response over "UDP" from loopback, or null when the server sends none. */
    public byte[] raw(byte[] query) {
        return raw(query, false, LOOPBACK);
    }

    /** {@code query} answered and parsed; fails when there is no answer or it does not parse. */
    public Message ask(Message query, boolean tcp) {
        return parse(raw(query.toWire(), tcp, LOOPBACK));
    }

    public Message ask(Message query) {
        return ask(query, false);
    }

    public static Message parse(byte[] response) {
        if (response == null) {
            throw new AssertionError("the server dropped the query");
        }
        try {
            return new Message(response);
        } catch (IOException e) {
            throw new AssertionError("response does not parse: " + e.getMessage(), e);
        }
    }

    public static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
