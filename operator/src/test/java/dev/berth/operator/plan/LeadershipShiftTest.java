package dev.berth.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.model.TopicState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LeadershipShiftTest {
    record Row(String why, List<Integer> replicas, int leader, List<Integer> isr, List<Integer> away, boolean stillLeads) {}

    @Test
    void leadershipGoesToTheFirstOtherInSyncReplicaAndTheBrokerGoesLast() {
        Row[] rows = {
            new Row("leads and first: the next in-sync replica leads, broker last", List.of(0, 1, 2), 0, List.of(0, 1, 2),
                    List.of(1, 2, 0), true),
            new Row("the next one lags: the first in-sync one", List.of(0, 1, 2), 0, List.of(0, 2), List.of(2, 1, 0), true),
            new Row("neither leads nor first: untouched", List.of(1, 0, 2), 1, List.of(0, 1, 2), null, false),
            new Row("leads although second (preferred 1 lags): 2 takes it", List.of(1, 0, 2), 0, List.of(0, 2),
                    List.of(2, 1, 0), true),
            new Row("first but not leading: still reordered (Kafka's leader balancing would hand it back)",
                    List.of(0, 1, 2), 1, List.of(0, 1, 2), List.of(1, 2, 0), false),
            new Row("the only in-sync replica: nobody else can lead", List.of(0, 1), 0, List.of(0), null, false),
            new Row("RF 1: nothing to do", List.of(0), 0, List.of(0), null, false),
            new Row("already in the shifted order but still leading: an election, not a reorder", List.of(1, 2, 0), 0,
                    List.of(0, 1, 2), null, true),
            new Row("leaderless (-1) and first: reordered", List.of(0, 1, 2), -1, List.of(1, 2), List.of(1, 2, 0), false),
        };
        for (Row r : rows) {
            ClusterSnapshot s = snapshot(new PartitionState("orders", 0, r.replicas(), r.leader(), r.isr(), 1, 0));
            assertThat(LeadershipShift.away(s, 0)).as(r.why())
                    .isEqualTo(r.away() == null ? Map.of() : Map.of("orders-0", r.away()));
            assertThat(LeadershipShift.stillLeads(s, 0)).as(r.why())
                    .isEqualTo(r.stillLeads() ? Set.of("orders-0") : Set.of());
        }
    }

    @Test
    void theWayBackIsTheRecordedOrderAndLaggingNamesWhatHasNotCaughtUp() {
        ClusterSnapshot before = snapshot(
                new PartitionState("orders", 0, List.of(0, 1, 2), 0, List.of(0, 1, 2), 1, 0),
                new PartitionState("orders", 1, List.of(1, 2, 0), 1, List.of(1, 2, 0), 1, 0));
        Map<String, List<Integer>> away = LeadershipShift.away(before, 0);
        assertThat(away).isEqualTo(Map.of("orders-0", List.of(1, 2, 0)));
        Map<String, List<Integer>> recorded = Map.of("orders-0", List.of(0, 1, 2));
        ClusterSnapshot during = snapshot(
                new PartitionState("orders", 0, List.of(1, 2, 0), 1, List.of(1, 2), 1, 0),
                new PartitionState("orders", 1, List.of(1, 2, 0), 1, List.of(1, 2), 1, 0));
        assertThat(LeadershipShift.lagging(during, 0)).containsExactly("orders-0", "orders-1");
        assertThat(LeadershipShift.lagging(during, 1)).isEmpty();
        assertThat(BatchOrigins.reorders(recorded, Map.of("orders-0", List.of(1, 2, 0))))
                .isEqualTo(Map.of("orders-0", List.of(0, 1, 2)));
    }

    private static ClusterSnapshot snapshot(PartitionState... parts) {
        return new ClusterSnapshot(Instant.EPOCH, List.of(), Map.of("orders", new TopicState("orders", 3, 2)),
                List.of(parts));
    }
}
