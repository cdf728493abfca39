package org.hubdns.steering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hubdns.steering.Steered.A;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.hubdns.steering.Steered.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;

/**
 * Spillover over real DNS: load reported through {@code POST /v1/nodes/{id}/load} makes the
 * nearest site keep only the share of client networks its spare capacity allows; the rest go to the
 * next site, always the same networks; a full site sends all; with every node full or drained the
 * platform's fallback CNAME answers. (Health going down is {@code NodeHealthTest}'s, with real
 * probes.)
 *
 * <p>Platform {@code spill}: defaultSite isb, spillAt 0.8, answers 1; two nodes at isb, two at lhe
 * (the nearest other site to isb that has nodes). ECS clients are unlocated (no coverage, no GeoIP),
 * so isb is tried first, then lhe.
 */
class SpilloverTest {
    static final long SEED = Long.getLong("steering.seed", System.nanoTime());
    static final Set<String> ISB = Set.of("192.0.2.11", "192.0.2.12");
    static final Set<String> LHE = Set.of("192.0.2.21", "192.0.2.22");
    /** No probes; load reports count for three intervals: long enough for the whole test. */
    static final JsonObject NO_PROBES = new JsonObject().put("type", "none").put("intervalMs", 600_000);

    static Steered s;
    static String host;
    static List<String> isb = new ArrayList<>();
    static List<String> lhe = new ArrayList<>();
    static List<String> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        s = Steered.start();
        host = s.platform("spill", new JsonObject().put("answers", 1).put("defaultSite", "isb").put("spillAt", 0.8));
        String token = s.partner("spill");
        for (String a : new String[] {"192.0.2.11", "192.0.2.12"}) {
            isb.add(s.node(token, "spill", "isb", 100, NO_PROBES, a));
        }
        for (String a : new String[] {"192.0.2.21", "192.0.2.22"}) {
            lhe.add(s.node(token, "spill", "lhe", 100, NO_PROBES, a));
        }
        s.awaitNodes("spill", 4);
        Random r = new Random(SEED);
        Set<String> seen = new java.util.HashSet<>();
        while (clients.size() < 600) {
            String c = (1 + r.nextInt(223)) + "." + r.nextInt(256) + "." + r.nextInt(256) + ".0/24";
            if (seen.add(c)) {
                clients.add(c);
            }
        }
    }

    @AfterAll
    static void stop() {
        if (s != null) {
            s.close();
        }
    }

    void states(List<String> ids, String admin, double load) throws Exception {
        for (String id : ids) {
            s.load(id, load);
            s.active(id, admin.equals("active"));
        }
        for (String id : ids) {
            s.awaitState("spill", id, admin, load);
        }
    }

    /** Per client, the one address answered (over UDP, or TCP for every third client). */
    List<String> answers() throws Exception {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            Answer a = s.ask(host, A, clients.get(i), i % 3 == 0);
            assertThat(a.rcode()).isEqualTo(Rcode.NOERROR);
            assertThat(a.addresses()).as("seed %d client %s", SEED, clients.get(i)).hasSize(1);
            out.add(a.addresses().get(0));
        }
        return out;
    }

    @Test
    void aSiteAtHalfItsCapacitySpillsHalfTheNetworksAlwaysTheSameOnes() throws Exception {
        try {
            states(isb, "active", 0.1);
            states(lhe, "active", 0.1);
            List<String> calm = answers();
            assertThat(calm).as("seed %d: below spillAt isb serves everyone", SEED).allMatch(ISB::contains);

            // effective weight 100 * (1 - 0.9) / (1 - 0.8) = 50 of 100: isb keeps half the networks
            states(isb, "active", 0.9);
            List<String> spilling = answers();
            long moved = spilling.stream().filter(LHE::contains).count();
            double fraction = (double) moved / clients.size();
            assertThat(fraction).as("seed %d: share of networks spilled to lhe", SEED).isBetween(0.4, 0.6);
            assertThat(spilling).as("seed %d: only isb or lhe", SEED)
                    .allMatch(a -> ISB.contains(a) || LHE.contains(a));
            // the same networks, again: the same answers (networks do not flap between sites)
            assertThat(answers()).as("seed %d: repeated queries", SEED).isEqualTo(spilling);
            // the networks that stayed keep their isb node (the hash within the site does not move)
            for (int i = 0; i < clients.size(); i++) {
                if (ISB.contains(spilling.get(i))) {
                    assertThat(spilling.get(i)).as("seed %d client %s", SEED, clients.get(i)).isEqualTo(calm.get(i));
                }
            }
            // and explain says the same of one spilled client
            int k = 0;
            while (!LHE.contains(spilling.get(k))) {
                k++;
            }
            JsonObject e = s.explain(host, "A", clients.get(k));
            assertThat(e.getJsonObject("answer").getJsonArray("records").getList()).containsExactly(spilling.get(k));
            assertThat(e.getJsonArray("sites").getJsonObject(0).getString("verdict")).startsWith("spilled");

            // full: load 1.0 sends everyone to lhe
            states(isb, "active", 1.0);
            assertThat(answers()).as("seed %d: isb full", SEED).allMatch(LHE::contains);

            // every node full or drained: the fallback CNAME
            states(lhe, "draining", 0.1);
            for (boolean tcp : new boolean[] {false, true}) {
                for (String c : new String[] {clients.get(0), null, "2001:db8:77::/48"}) {
                    Answer a = s.ask(host, A, c, tcp);
                    assertThat(a.rcode()).isEqualTo(Rcode.NOERROR);
                    assertThat(a.addresses()).isEmpty();
                    assertThat(a.cnames()).as("client %s", c).containsExactly("origin.example.");
                }
            }
            // isb below spillAt again, lhe drained: isb takes everyone back
            states(isb, "active", 0.5);
            assertThat(answers()).as("seed %d: lhe down", SEED).isEqualTo(calm);
        } finally {
            states(isb, "active", 0.0);
            states(lhe, "active", 0.0);
        }
    }

    @Test
    void aDrainedDefaultSiteSendsTheUnlocatedToTheNearestSiteThenEveryNodeDrainedToTheFallback() throws Exception {
        String h = s.platform("drain", new JsonObject().put("answers", 1).put("defaultSite", "khi"));
        String token = s.partner("drain");
        String a = s.node(token, "drain", "khi", 100, null, "192.0.2.31");
        String b = s.node(token, "drain", "lhe", 100, null, "192.0.2.32"); // khi-lhe ~1030 km
        String c = s.node(token, "drain", "isb", 100, null, "192.0.2.33"); // khi-isb ~1150 km
        s.awaitNodes("drain", 3);
        Steered.await("drain answers", () -> s.ask(h, A, null, false).addresses().equals(List.of("192.0.2.31")));
        // khi drained: the unlocated go to the site nearest the default site (lhe), every one of them
        assertThat(s.send("POST", "/v1/nodes/" + a + "/drain", token, null).statusCode()).isEqualTo(200);
        Steered.await("khi leaves", () -> !s.ask(h, A, null, false).addresses().contains("192.0.2.31"));
        for (int i = 0; i < 40; i++) {
            String ecs = "198.51." + i + ".0/24";
            assertThat(s.ask(h, A, ecs, i % 2 == 0).addresses()).as("unlocated %s, default site khi drained", ecs)
                    .containsExactly("192.0.2.32");
        }
        for (String id : new String[] {b, c}) {
            assertThat(s.send("POST", "/v1/nodes/" + id + "/drain", token, null).statusCode()).isEqualTo(200);
        }
        Steered.await("fallback", () -> s.ask(h, A, null, false).cnames().equals(List.of("origin.example.")));
        for (boolean tcp : new boolean[] {false, true}) {
            Answer ans = s.ask(h, A, "198.51.100.0/24", tcp);
            assertThat(ans.addresses()).isEmpty();
            assertThat(ans.cnames()).containsExactly("origin.example.");
            assertThat(ans.scope()).as("the fallback holds for every client").isZero();
        }
    }
}
