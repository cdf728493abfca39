package org.hubdns.server.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.function.Supplier;
import org.hubdns.dns.transport.UdpListener;

/**
 * Each UDP receiving socket's counts, read at scrape time: {@code hubdns_udp_datagrams_received_total}
 * shows how the kernel (and the reuseport filter) spreads queries over the event loops, and
 * {@code hubdns_udp_replies_dropped_total} the replies a full send buffer refused. Labelled by the
 * listener's address and the socket's place (one socket per event loop).
 */
final class UdpSocketsCollector implements MultiCollector {
    private final Supplier<List<UdpListener>> listeners;

    UdpSocketsCollector(Supplier<List<UdpListener>> listeners) {
        this.listeners = listeners;
    }

    @Override
    public MetricSnapshots collect() {
        // the counters' names get their _total suffix from the exposition format
        CounterSnapshot.Builder received = CounterSnapshot.builder().name("hubdns_udp_datagrams_received")
                .help("Datagrams read by each UDP receiving socket (one per event loop): how queries are "
                        + "spread over the loops");
        CounterSnapshot.Builder dropped = CounterSnapshot.builder().name("hubdns_udp_replies_dropped")
                .help("UDP replies not sent because the socket's send buffer was full (the resolver retries "
                        + "as after a lost packet)");
        for (UdpListener l : listeners.get()) {
            long[] in = l.received();
            long[] out = l.dropped();
            for (int i = 0; i < in.length; i++) {
                Labels labels = Labels.of("address", l.address(), "socket", Integer.toString(i));
                received.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(in[i]).labels(labels)
                        .build());
                dropped.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(out[i]).labels(labels)
                        .build());
            }
        }
        return MetricSnapshots.of(received.build(), dropped.build());
    }
}
