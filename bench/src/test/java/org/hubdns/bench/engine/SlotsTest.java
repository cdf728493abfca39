package org.hubdns.bench.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SlotsTest {
    @Test
    void idsOfQueriesInFlightAreDistinctAndALateAnswerMatchesNothing() {
        Slots s = new Slots(16);
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < 16; i++) {
            ids.add(s.take());
        }
        assertThat(ids).hasSize(16);
        assertThat(s.hasFree()).isFalse();
        int first = ids.iterator().next();
        int slot = s.lookup(first);
        s.release(slot);
        int reused = s.take();
        assertThat(reused & s.mask).isEqualTo(slot);
        assertThat(reused).as("a new generation").isNotEqualTo(first);
        assertThat(s.lookup(first)).as("the old ID no longer matches").isEqualTo(-1);
    }

    @Test
    void expiryFollowsSendOrderAndSkipsAnsweredQueries() {
        Slots s = new Slots(8);
        int[] ids = new int[4];
        for (int i = 0; i < 4; i++) {
            ids[i] = s.take();
            s.sent[ids[i] & s.mask] = 100 + i;
        }
        s.release(s.lookup(ids[0]));
        assertThat(s.oldestSentBefore(102)).isEqualTo(ids[1] & s.mask);
        s.release(ids[1] & s.mask);
        s.popOrder();
        assertThat(s.oldestSentBefore(102)).as("the next is not old enough").isEqualTo(-1);
        assertThat(s.outstanding).isEqualTo(2);
    }
}
