package dev.berth.operator.act;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.plan.Clusters;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class LeadershipTest {
    record Row(String why, PartitionState partition, boolean needsElection) {}

    /** A preferred election is asked for only where it would move leadership to an in-sync first replica. */
    @Test
    void notPreferredListsPartitionsWhoseInSyncFirstReplicaDoesNotLead() {
        Row[] rows = {
            new Row("led by its first replica", new PartitionState("t", 0, List.of(1, 2), 1, List.of(1, 2), 0, 0), false),
            new Row("led by the second, the first in sync", new PartitionState("t", 1, List.of(1, 2), 2, List.of(2, 1), 0, 0),
                    true),
            new Row("led by the second, the first out of sync", new PartitionState("t", 2, List.of(1, 2), 2, List.of(2), 0, 0),
                    false),
            new Row("no leader, the first in sync", new PartitionState("t", 3, List.of(1, 2), -1, List.of(1), 0, 0), true),
            new Row("no replicas at all", new PartitionState("t", 4, List.of(), -1, List.of(), 0, 0), false),
        };
        for (Row r : rows) {
            ClusterSnapshot s = Clusters.snapshot(List.of(Clusters.broker(1, "a"), Clusters.broker(2, "b")),
                    List.of(r.partition()));
            assertThat(Leadership.notPreferred(s)).as(r.why())
                    .isEqualTo(r.needsElection() ? java.util.Set.of(new TopicPartition("t", r.partition().partition()))
                            : java.util.Set.of());
        }
        ClusterSnapshot all = Clusters.snapshot(List.of(Clusters.broker(1, "a"), Clusters.broker(2, "b")),
                java.util.Arrays.stream(rows).map(Row::partition).toList());
        assertThat(Leadership.notPreferred(all)).containsExactlyInAnyOrder(new TopicPartition("t", 1),
                new TopicPartition("t", 3));
    }
}
