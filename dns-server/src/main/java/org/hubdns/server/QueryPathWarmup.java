package org.hubdns.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hubdns.dns.protocol.QueryProcessor;
import org.hubdns.dns.protocol.ServerCookies;
import org.hubdns.dns.stats.QueryLog;
import org.hubdns.dns.stats.QueryStats;
import org.hubdns.dns.zone.ZoneContent;
import org.hubdns.snapshot.Snapshot;
import org.hubdns.snapshot.SnapshotHolder;
import org.hubdns.steering.PlatformSteering;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Runs queries through a throwaway {@link QueryProcessor} over a detached snapshot before DNS is
 * bound: the classes of the query path are loaded, its methods compiled, and the GeoIP database's
 * pages and decoded records are in memory when the first client asks (a cold first steered
 * answer took 3.6 ms). The snapshot counts its steered answers in counters of its own and the
 * processor in its own stats, so none of this shows in the member's metrics or query log.
 *
 * <p>Bounded: one pass over the query set (a few hundred at most: a member with many zones warms
 * only a sample of their apexes), then more until 1,000 queries or 400 ms.
 */
final class QueryPathWarmup {
    /**
     * How many queries are run at most, and for how long once the query set has been run once. Few
     * enough that the C2 compiler's profiles come from the clients' traffic, not from this mix of
     * steered names (a 20,000-query warm-up compiled the static path from it).
     */
    static final int MAX_QUERIES = 1_000;
    static final long MAX_MILLIS = 400;
    private static final int MAX_ZONES = 16;
    /** Client networks spread over the IPv4 space (as ECS /24s), so that GeoIP places them in many countries. */
    private static final int NETWORKS = 64;

    /** What the warm-up did, for the start-up log. */
    record Result(int queries, int distinct, long millis) {
    }

    private QueryPathWarmup() {
    }

    static Result run(Snapshot snapshot) {
        long t0 = System.nanoTime();
        List<byte[]> queries = queries(snapshot);
        if (queries.isEmpty()) {
            return new Result(0, 0, 0);
        }
        SnapshotHolder holder = new SnapshotHolder();
        holder.publish(snapshot);
        QueryProcessor processor = new QueryProcessor(holder, null, new ServerCookies(), new QueryStats(),
                QueryLog.OFF);
        byte[] out = new byte[65535 + 1024];
        InetAddress source = InetAddress.getLoopbackAddress();
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(MAX_MILLIS);
        int done = 0;
        // one whole pass, however slow the machine (every hostname, type and kind of client once), then
        // more while time allows
        while (done < MAX_QUERIES && (done < queries.size() || System.nanoTime() < deadline)) {
            byte[] q = queries.get(done % queries.size());
            // as a UDP batch is answered (the hot path), a batch of one
            processor.processInBatch(q, q.length, out, source, System.nanoTime());
            processor.batchAnswered(0);
            done++;
        }
        return new Result(done, queries.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /** Every platform hostname (A and AAAA, with and without ECS), and the SOA and NS of some zones' apexes. */
    static List<byte[]> queries(Snapshot snapshot) {
        List<byte[]> out = new ArrayList<>();
        for (PlatformSteering p : snapshot.platforms().values()) {
            for (String h : p.platform().hostnames()) {
                Name name;
                try {
                    name = Name.fromString(h, Name.root);
                } catch (TextParseException e) {
                    continue; // the snapshot would not answer it either
                }
                for (int type : new int[] {Type.A, Type.AAAA}) {
                    out.add(query(name, type, null));
                    for (int i = 0; i < NETWORKS; i++) {
                        out.add(query(name, type, network(i)));
                    }
                }
            }
        }
        int zones = 0;
        for (ZoneContent z : snapshot.zones().zones()) {
            if (zones++ == MAX_ZONES) {
                break;
            }
            out.add(query(z.apex(), Type.SOA, null));
            out.add(query(z.apex(), Type.NS, null));
        }
        return out;
    }

    private static InetAddress network(int i) {
        byte[] a = {(byte) (1 + i * 223 / NETWORKS), (byte) (i * 37), (byte) (i * 91), 0};
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    private static byte[] query(Name name, int type, InetAddress ecs) {
        Message m = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        if (ecs != null) {
            m.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new ClientSubnetOption(24, ecs))), 3);
        }
        return m.toWire();
    }
}
