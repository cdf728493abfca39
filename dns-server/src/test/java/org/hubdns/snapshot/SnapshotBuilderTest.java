package org.hubdns.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.testsupport.DnsCase.q;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.hubdns.cluster.model.CacheNode;
import org.hubdns.cluster.model.Fallback;
import org.hubdns.cluster.model.Platform;
import org.hubdns.cluster.model.StoredZone;
import org.hubdns.cluster.store.RegistryView;
import org.hubdns.cluster.model.NodeStates;
import org.hubdns.dns.answer.DynamicAnswers;
import org.hubdns.steering.GeoLocator;
import org.hubdns.steering.SteeringCounters;
import org.hubdns.testsupport.InProcessDns;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * {@link SnapshotBuilder} without a cluster: registry views made in the test, the snapshot it
 * publishes read back and queried through the real query processor.
 */
class SnapshotBuilderTest {
    static final String ONE = """
            $TTL 300
            @    IN SOA ns1.one.example. hostmaster.one.example. 1 7200 1800 1209600 300
            @    IN NS  ns1.one.example.
            ns1  IN A   192.0.2.53
            www  IN A   192.0.2.1
            """;
    static final String TWO = ONE.replace("one.example", "two.example").replace("192.0.2.1", "192.0.2.2");

    final SnapshotHolder holder = new SnapshotHolder();
    final AtomicReference<RegistryView> latest = new AtomicReference<>();
    final AtomicReference<Map<Name, DynamicAnswers>> extra = new AtomicReference<>(Map.of());
    final SnapshotBuilder builder = new SnapshotBuilder(holder, () -> extra.get(), v -> GeoLocator.NONE, latest::get,
            NodeStates.NONE, new SteeringCounters());
    final InProcessDns dns = InProcessDns.over(holder);

    static StoredZone zone(String name, String text) {
        return new StoredZone(name, 1, "test", text);
    }

    static RegistryView view(long sequence, Map<String, StoredZone> zones, Map<String, Platform> platforms) {
        return new RegistryView(sequence, zones, Map.of(), platforms, Map.of(), Map.<String, CacheNode>of(), Map.of(),
                Map.of(), Map.of(), 1, 0);
    }

    RegistryView published(RegistryView v) {
        latest.set(v);
        return v;
    }

    @Test
    void everyZoneOfTheViewIsServedAndTheSnapshotSaysWhatItWasBuiltFrom() {
        RegistryView v = published(view(7, Map.of("one.example.", zone("one.example.", ONE),
                "two.example.", zone("two.example.", TWO)), Map.of()));
        Snapshot s = builder.build(v);
        assertThat(holder.current()).isSameAs(s);
        assertThat(s.generation()).isEqualTo(1);
        assertThat(s.viewSequence()).isEqualTo(7);
        assertThat(s.zones().zones()).extracting(z -> z.apex().toString())
                .containsExactlyInAnyOrder("one.example.", "two.example.");
        q("www.one.example.", Type.A).answer("www.one.example. 300 IN A 192.0.2.1").check(dns);
        q("www.two.example.", Type.A).answer("www.two.example. 300 IN A 192.0.2.2").check(dns);
        assertThat(builder.rebuild().generation()).isEqualTo(2);
    }

    @Test
    void aDetachedSnapshotAnswersLikeThePublishedOneButIsNeverPublished() {
        RegistryView v = published(view(3, Map.of("one.example.", zone("one.example.", ONE)), Map.of()));
        Snapshot s = builder.build(v);
        Snapshot d = builder.detached(new SteeringCounters());
        assertThat(holder.current()).as("still the published one").isSameAs(s);
        assertThat(d).isNotSameAs(s);
        assertThat(d.generation()).as("no generation of its own").isEqualTo(s.generation());
        assertThat(d.viewSequence()).isEqualTo(3);
        SnapshotHolder warm = new SnapshotHolder();
        warm.publish(d);
        q("www.one.example.", Type.A).answer("www.one.example. 300 IN A 192.0.2.1").check(InProcessDns.over(warm));
        assertThat(builder.rebuild().generation()).as("the next build follows the published one").isEqualTo(2);
    }

    @Test
    void aZoneThatDoesNotParseIsLeftOutAndTheOthersServed() {
        RegistryView v = published(view(1, Map.of("one.example.", zone("one.example.", ONE),
                "two.example.", zone("two.example.", "@ IN A not-an-address\n")), Map.of()));
        builder.build(v);
        q("www.one.example.", Type.A).answer("www.one.example. 300 IN A 192.0.2.1").check(dns);
        q("www.two.example.", Type.A).rcode(Rcode.REFUSED).flags("qr rd").check(dns);
    }

    @Test
    void theParsedZoneIsKeptWhileItsTextIsTheSame() {
        StoredZone one = zone("one.example.", ONE);
        builder.build(published(view(1, Map.of("one.example.", one), Map.of())));
        assertThat(builder.parsed(one)).isNotNull();
        assertThat(builder.parsed(one).apex().toString()).isEqualTo("one.example.");
        assertThat(builder.parsed(new StoredZone("one.example.", 2, "test", ONE.replace(" 1 7200", " 2 7200"))))
                .as("another serial").isNull();
    }

    @Test
    void anOlderViewIsNeverBuiltOverANewerOne() {
        RegistryView older = view(3, Map.of("one.example.", zone("one.example.", ONE)), Map.of());
        published(view(4, Map.of("two.example.", zone("two.example.", TWO)), Map.of()));
        Snapshot s = builder.build(older);
        assertThat(s.viewSequence()).isEqualTo(4);
        q("www.two.example.", Type.A).answer("www.two.example. 300 IN A 192.0.2.2").check(dns);
    }

    @Test
    void platformHostnamesAreAnsweredPerQueryAndEmbeddersNamesWin() {
        Platform p = new Platform("video", List.of("video.one.example"), 30, 1,
                new Fallback("origin.cdn.example.", null));
        RegistryView v = published(view(1, Map.of("one.example.", zone("one.example.", ONE)), Map.of("video", p)));
        Snapshot s = builder.build(v);
        assertThat(s.platforms()).containsOnlyKeys("video");
        q("video.one.example.", Type.A).says("no nodes: the fallback")
                .answer("video.one.example. 30 IN CNAME origin.cdn.example.").check(dns);
        extra.set(Map.of(Name.fromConstantString("video.one.example."), (qtype, client, sink) -> {
            sink.address(new byte[] {10, 0, 0, 9}, 5);
            return 0;
        }));
        builder.rebuild();
        q("video.one.example.", Type.A).answer("video.one.example. 5 IN A 10.0.0.9").check(dns);
    }
}
