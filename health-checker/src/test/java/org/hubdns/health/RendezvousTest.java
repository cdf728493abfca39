package org.hubdns.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Probing duties: k distinct probers per node, the same on every member, even, and stable under membership changes. */
class RendezvousTest {
    static final long SEED = Long.getLong("rendezvous.seed", System.nanoTime());

    static List<String> members(Random r, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new UUID(r.nextLong(), r.nextLong()).toString());
        }
        return out;
    }

    static List<String> nodes(Random r, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(String.format("n-%016x", r.nextLong()));
        }
        return out;
    }

    @Test
    void kDistinctProbersTheSameWhateverTheMemberOrder() {
        Random r = new Random(SEED);
        List<String> members = members(r, 5);
        List<String> shuffled = new ArrayList<>(members);
        java.util.Collections.shuffle(shuffled, r);
        for (String node : nodes(r, 1000)) {
            List<String> p = Rendezvous.probers(node, members, 3);
            assertThat(p).as("seed %d", SEED).hasSize(3).doesNotHaveDuplicates();
            assertThat(Rendezvous.probers(node, shuffled, 3)).as("seed %d", SEED).isEqualTo(p);
            assertThat(Rendezvous.probers(node, members, 2)).isEqualTo(p.subList(0, 2));
        }
        assertThat(Rendezvous.probers("n-1", members.subList(0, 2), 3)).hasSize(2);
        assertThat(Rendezvous.probers("n-1", List.of(), 3)).isEmpty();
    }

    @Test
    void dutiesSpreadEvenly() {
        Random r = new Random(SEED);
        List<String> members = members(r, 5);
        Map<String, Integer> duties = new HashMap<>();
        List<String> nodes = nodes(r, 10_000);
        for (String node : nodes) {
            Rendezvous.probers(node, members, 3).forEach(m -> duties.merge(m, 1, Integer::sum));
        }
        // 30,000 duties over 5 members: 6,000 each, within a few percent
        assertThat(duties.values()).as("seed %d: %s", SEED, duties).allMatch(d -> d > 5_600 && d < 6_400);
    }

    @Test
    void aMemberLeavingMovesOnlyItsOwnDutiesAndAJoinerTakesAboutItsShare() {
        Random r = new Random(SEED);
        List<String> members = members(r, 5);
        List<String> nodes = nodes(r, 10_000);
        String gone = members.get(2);
        List<String> fewer = new ArrayList<>(members);
        fewer.remove(gone);
        int changed = 0;
        for (String node : nodes) {
            List<String> before = Rendezvous.probers(node, members, 3);
            List<String> after = Rendezvous.probers(node, fewer, 3);
            if (!before.contains(gone)) {
                assertThat(after).as("seed %d: a node %s did not probe keeps its probers", SEED, gone)
                        .isEqualTo(before);
            } else {
                assertThat(new HashSet<>(after)).as("seed %d", SEED).containsAll(
                        before.stream().filter(m -> !m.equals(gone)).toList());
                changed++;
            }
        }
        assertThat(changed).as("seed %d: about 3/5 of the nodes had the member", SEED).isBetween(5_600, 6_400);

        List<String> more = new ArrayList<>(members);
        more.add(new UUID(r.nextLong(), r.nextLong()).toString());
        int taken = 0;
        for (String node : nodes) {
            List<String> before = Rendezvous.probers(node, members, 3);
            List<String> after = Rendezvous.probers(node, more, 3);
            int moved = (int) after.stream().filter(m -> !before.contains(m)).count();
            assertThat(moved).as("seed %d: a joiner replaces at most one prober", SEED).isLessThanOrEqualTo(1);
            taken += moved;
        }
        assertThat(taken).as("seed %d: the joiner takes about 3/6 of the nodes", SEED).isBetween(4_600, 5_400);
    }
}
