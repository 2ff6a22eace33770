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

class DownReplicasTest {
    record Row(String why, List<PartitionState> partitions, Set<String> moving, Set<Integer> leaving, String expected) {}

    static PartitionState p(String topic, int partition, List<Integer> replicas) {
        return new PartitionState(topic, partition, replicas, replicas.get(0), List.of(replicas.get(0)), 0, 0);
    }

    @Test
    void aMoveWithAReplicaOnADownBrokerThatIsNotLeavingCannotEnd() {
        List<PartitionState> six = new ArrayList<>();
        Set<String> sixMoving = new java.util.HashSet<>();
        for (int i = 0; i < 6; i++) {
            six.add(p("t", i, List.of(0, 1, 2)));
            sixMoving.add("t-" + i);
        }
        Row[] rows = {
            // live: 0, 2; down: 1, 3
            new Row("the class comment's example", List.of(p("t", 0, List.of(0, 1, 2))), Set.of("t-0"), Set.of(2),
                    "partition t-0 (replicas [0, 1, 2]) is being moved with a replica on brokers [1], which is down"),
            new Row("not moving: no move to hold", List.of(p("t", 0, List.of(0, 1, 2))), Set.of(), Set.of(2), null),
            new Row("the down broker is the leaving one: its replica is being removed", List.of(p("t", 0, List.of(0, 3))),
                    Set.of("t-0"), Set.of(3), null),
            new Row("every replica live", List.of(p("t", 0, List.of(0, 2))), Set.of("t-0"), Set.of(2), null),
            new Row("two down brokers over two partitions", List.of(p("a", 0, List.of(0, 1)), p("b", 0, List.of(2, 3)),
                    p("c", 0, List.of(0, 2))), Set.of("a-0", "b-0", "c-0"), Set.of(),
                    "partitions a-0 (replicas [0, 1]), b-0 (replicas [2, 3]) are being moved with a replica on brokers"
                            + " [1, 3], which are down"),
            new Row("five shown", six, sixMoving, Set.of(2), "partitions t-0 (replicas [0, 1, 2]), t-1 (replicas"
                    + " [0, 1, 2]), t-2 (replicas [0, 1, 2]), t-3 (replicas [0, 1, 2]), t-4 (replicas [0, 1, 2]) and 1"
                    + " more are being moved with a replica on brokers [1], which is down"),
        };
        for (Row r : rows) {
            ClusterSnapshot s = new ClusterSnapshot(Instant.EPOCH, List.of(new BrokerState(0, "a", null, 0),
                    new BrokerState(2, "c", null, 0)), Map.of("t", new TopicState("t", 2, 1)), r.partitions());
            Problem got = DownReplicas.problem(s, r.moving(), r.leaving());
            assertThat(got == null ? null : got.message()).as(r.why()).isEqualTo(r.expected());
            if (got != null) {
                assertThat(got.reason()).isEqualTo(RefusalReason.MOVE_TARGET_DOWN);
            }
        }
    }
}
