package org.hubdns.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.server.cluster.ClusterFixture.json;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.hubdns.server.cluster.SiteLab.Site;
import org.hubdns.testsupport.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures, not assertions, over the lab of {@link SitesTest} (three members in three network
 * namespaces): write-to-answer convergence from site 1 to sites 2 and 3 over 1,000 writes, and how
 * long the cut-off site 3 takes to hold the same registry as the others after a 60 s cut during
 * which the partner writes on both sides. As root:
 *
 * <pre>
 * tools/sites-lab.sh measure
 * # or: mvn -B test -pl dns-server -am -Dtest='org/hubdns/server/cluster/SitesMeasure' \
 * #         -Dsurefire.failIfNoSpecifiedTests=false -Dhubdns.measure=true [-Dhubdns.sites.rounds=1000]
 * </pre>
 */
@Tag("measure")
@EnabledIfSystemProperty(named = "hubdns.measure", matches = "true")
class SitesMeasure {
    @TempDir
    Path tmp;

    private final SitesTest t = new SitesTest();

    @AfterEach
    void removeTheLab() {
        t.removeTheLab();
    }

    @Test
    void convergenceBetweenSitesAndAfterACut() throws Exception {
        SitesTest.startLab(t, tmp);
        long[] micros = SitesTest.convergence(t, Integer.getInteger("hubdns.sites.rounds", 1000));
        Site s1 = t.lab.site(1);
        Site s3 = t.lab.site(3);
        Map<String, String> acked = new ConcurrentHashMap<>();
        t.lab.cut(s3);
        long cutAt = System.nanoTime();
        for (int n = 1; TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutAt) < SitesTest.CUT_MS; n++) {
            for (Site via : new Site[] {s1, s3}) {
                String address = "198.19." + (10 + via.index()) + "." + (n % 250 + 1);
                HttpResponse<String> r = t.send(via, "POST", "/v1/nodes", t.partner, SitesTest.node("burst", address, 10));
                if (r.statusCode() == 201) {
                    acked.put(json(r).get("id").asText(), address);
                }
            }
            Thread.sleep(500);
        }
        t.lab.heal(s3);
        long healedAt = System.nanoTime();
        Await.until(SitesTest.CONVERGE, "every site holds the same registry with every acknowledged write", () -> {
            Map<String, String> one = t.nodes(s1);
            if (!one.keySet().containsAll(acked.keySet())) {
                return false;
            }
            for (Site s : t.lab.sites()) {
                if (!t.nodes(s).equals(one)) {
                    return false;
                }
            }
            return true;
        });
        long healMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healedAt);
        Set<String> sides = acked.values().stream().map(a -> a.substring(0, a.lastIndexOf('.')))
                .collect(java.util.stream.Collectors.toSet());
        assertThat(sides).as("writes acknowledged on both sides").hasSize(2);
        System.out.printf("%nSITES write at site 1 -> DNS answers at sites 2 and 3 over %d writes: p50 %.1f ms, "
                + "p90 %.1f ms, p99 %.1f ms, max %.1f ms%n", micros.length, SitesTest.pct(micros, 50) / 1000.0,
                SitesTest.pct(micros, 90) / 1000.0, SitesTest.pct(micros, 99) / 1000.0,
                micros[micros.length - 1] / 1000.0);
        System.out.printf("SITES site 3 cut off for %d s, %d writes acknowledged on both sides: same registry on "
                + "every site %d ms after healing%n", SitesTest.CUT_MS / 1000, acked.size(), healMs);
    }
}
