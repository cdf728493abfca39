package org.hubdns.steering;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Random;
import org.hubdns.steering.Steered.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Property: {@code GET /v1/explain} and the real DNS answer agree, for random clients (IPv4 /24
 * ECS, IPv6 /48 ECS, short sources, no ECS), on the addresses, their order and the ECS scope. The
 * seed is printed in every failure; rerun with {@code -Dsteering.seed=N}.
 */
class ExplainAgreesWithDnsTest {
    static final long SEED = Long.getLong("steering.seed", System.nanoTime());
    static Steered s;

    @BeforeAll
    static void start() throws Exception {
        s = Steered.start();
        s.coverage("182.185.0.0/16", "khi", "182.185.1.0/24", "lhe", "39.32.0.0/11", "lhe", "10.0.0.0/8", "isb",
                "10.77.0.0/20", "khi", "2001:db8:1000::/36", "lhe", "2001:db8:2000::/36", "khi",
                "2001:db8:2000:100::/56", "isb");
        // a second platform where the hash and spillover choose: 3 nodes at isb, 4 at lhe, 1 at khi
        s.platform("prop", new JsonObject().put("answers", 2).put("defaultSite", "isb").put("spillAt", 0.5));
        String token = s.partner("prop");
        String spilling = null;
        int n = 0;
        for (String site : new String[] {"isb", "isb", "isb", "lhe", "lhe", "lhe", "lhe", "khi"}) {
            n++;
            String id = s.node(token, "prop", site, 50 * n, SpilloverTest.NO_PROBES, "192.0.2." + n,
                    "2001:db8:99::" + n);
            if (n == 4) {
                spilling = id;
            }
        }
        s.load(spilling, 0.8); // lhe keeps (50*4*0.4 + rest) / full: < 1, lhe spills
        String id = spilling;
        s.awaitNodes("prop", 8);
        s.awaitState("prop", id, "active", 0.8);
        Steered.await("coverage in the snapshot",
                () -> s.explain("video.pk-hub.example", "A", "182.185.1.0/24").getJsonObject("located")
                        .getString("by").equals("coverage"));
    }

    @AfterAll
    static void stop() {
        if (s != null) {
            s.close();
        }
    }

    static String client(Random r) {
        int kind = r.nextInt(20);
        if (kind < 3) {
            return null; // no ECS
        }
        if (kind < 6) {
            return String.format("2001:db8:%x::/48", r.nextInt(0x3000));
        }
        if (kind < 7) {
            return String.format("2001:db8:2000:%x00::/56", r.nextInt(4));
        }
        if (kind < 8) {
            int len = 8 + r.nextInt(17);
            int a = (r.nextBoolean() ? 182 << 24 | 185 << 16 : r.nextInt()) & (int) (0xffffffffL << (32 - len));
            return ((a >>> 24) & 255) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255) + "/"
                    + len;
        }
        String[] near = {"182.185.", "39." + (32 + r.nextInt(32)) + ".", "10.77.", "10." + r.nextInt(256) + "."};
        String prefix = kind < 14 ? near[r.nextInt(near.length)] : (1 + r.nextInt(223)) + "." + r.nextInt(256) + ".";
        return prefix + r.nextInt(256) + ".0/24";
    }

    @Test
    void explainListsTheSameAddressesInTheSameOrderWithTheSameScopeAsDns() throws Exception {
        Random r = new Random(SEED);
        for (int i = 0; i < 300; i++) {
            String ecs = client(r);
            String host = r.nextBoolean() ? "video.pk-hub.example" : "prop.pk-hub.example";
            String type = r.nextInt(4) == 0 ? "AAAA" : "A";
            boolean tcp = r.nextBoolean();
            String what = String.format("seed %d, #%d: %s %s ecs=%s tcp=%s", SEED, i, host, type, ecs, tcp);
            JsonObject e = s.explain(host, type, ecs);
            JsonObject answer = e.getJsonObject("answer");
            Answer dns = s.ask(host, type.equals("A") ? Steered.A : Steered.AAAA, ecs, tcp);
            List<String> dnsRecords = new java.util.ArrayList<>(dns.addresses());
            dns.cnames().forEach(c -> dnsRecords.add("CNAME " + c));
            assertThat(answer.getJsonArray("records").getList()).as(what + "\nexplain: " + e.encodePrettily())
                    .isEqualTo(dnsRecords);
            if (ecs != null) {
                Integer explained = answer.getInteger("ecsScope");
                // NODATA (explain has no ecsScope) is echoed by DNS with scope 0
                assertThat(explained == null ? Integer.valueOf(0) : explained).as(what + "\nexplain: " + e.encodePrettily())
                        .isEqualTo(dns.scope());
            } else {
                assertThat(dns.scope()).as(what).isNull();
            }
        }
    }
}
