package dev.berth.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.model.TopicState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LeaderlessTest {
    record Row(String why, List<PartitionState> partitions, Set<Integer> leaving, String expected) {}

    static PartitionState p(String topic, int partition, List<Integer> replicas, int leader, List<Integer> isr) {
        return new PartitionState(topic, partition, replicas, leader, isr, 0, 0);
    }

    @Test
    void aLeaderlessPartitionWithAReplicaOnALeavingBrokerStopsItsDrain() {
        List<PartitionState> seven = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            seven.add(p("t", i, List.of(2), -1, List.of(2)));
        }
        Row[] rows = {
            new Row("led: movable", List.of(p("a", 0, List.of(0, 2), 0, List.of(0, 2))), Set.of(2), null),
            new Row("leaderless but not on a leaving broker", List.of(p("a", 0, List.of(0, 1), -1, List.of(1))), Set.of(2),
                    null),
            new Row("the only copy on the leaving broker", List.of(p("solo", 0, List.of(2), -1, List.of(2))), Set.of(2),
                    "partition solo-0 (replicas [2]) has no leader, so no replica of it can be copied off"
                            + " brokers [2]"),
            new Row("a live replica out of sync does not help", List.of(p("a", 1, List.of(0, 2), -1, List.of(2)),
                    p("a", 2, List.of(0, 2), 0, List.of(0))), Set.of(2, 3),
                    "partition a-1 (replicas [0, 2]) has no leader, so no replica of it can be copied off"
                            + " brokers [2, 3]"),
            new Row("five shown", seven, Set.of(2), "partitions t-0 (replicas [2]), t-1 (replicas"
                    + " [2]), t-2 (replicas [2]), t-3 (replicas [2]), t-4 (replicas [2])"
                    + " and 2 more have no leader, so no replica of them can be copied off brokers [2]"),
        };
        for (Row r : rows) {
            ClusterSnapshot s = new ClusterSnapshot(Instant.EPOCH, List.of(new BrokerState(0, "a", null, 0)),
                    Map.of("a", new TopicState("a", 2, 1)), r.partitions());
            Problem got = Leaderless.problem(s, new java.util.TreeSet<>(r.leaving()));
            assertThat(got == null ? null : got.message()).as(r.why()).isEqualTo(r.expected());
            if (got != null) {
                assertThat(got.reason()).isEqualTo(RefusalReason.NO_LEADER);
            }
        }
    }
}
