package dev.berth.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;

/**
 * A topic's replication factor while its partitions move, as {@link KafkaObserver} reads it from
 * describeTopics and the reassignments listed around it. Taking the largest described count gave RF 4
 * for an RF 3 topic whose move had just ended, and the spec check then refused a healthy 4 → 3 drain
 * as "topic has replication factor 4" (seen in 3 of 3 fast drains by a probe; FastDrainConditionsTest).
 */
class ReplicationFactorTest {
    record Row(String why, List<Integer> described, PartitionReassignment listed, int rf) {}

    @Test
    void aMovingPartitionCountsItsTargetWhateverDescribeTopicsShowed() {
        PartitionReassignment move = new PartitionReassignment(List.of(0, 1, 3, 2), List.of(3), List.of(2));
        Row[] rows = {
            new Row("no move", List.of(0, 1, 2), null, 3),
            new Row("move running: the union is described", List.of(0, 1, 3, 2), move, 3),
            new Row("move ended between the reads: the target is described", List.of(0, 1, 3), move, 3),
            new Row("a move that raises RF counts the new RF",
                    List.of(0, 1, 2, 3), new PartitionReassignment(List.of(0, 1, 2, 3), List.of(3), List.of()), 4),
            new Row("a move that lowers RF counts the new RF",
                    List.of(0, 1, 2), new PartitionReassignment(List.of(0, 1, 2), List.of(), List.of(2)), 2),
        };
        for (Row r : rows) {
            TopicPartitionInfo p = new TopicPartitionInfo(0, node(r.described().get(0)),
                    r.described().stream().map(ReplicationFactorTest::node).toList(), List.of());
            Map<TopicPartition, PartitionReassignment> listed = r.listed() == null ? Map.of()
                    : Map.of(new TopicPartition("orders", 0), r.listed());
            assertThat(KafkaObserver.replicationFactor("orders", List.of(p), listed)).as(r.why()).isEqualTo(r.rf());
        }
    }

    @Test
    void theCountMostPartitionsHaveDecidesSoOneStaleUnionDoesNot() {
        // a broker's metadata can show a move's union a moment after the controller ended it, with no move listed
        assertThat(rf(3, 3, 4)).isEqualTo(3);
        assertThat(rf(3, 4)).as("a tie goes to the smaller").isEqualTo(3);
        assertThat(rf(4, 4, 3)).isEqualTo(4);
        assertThat(rf(2)).isEqualTo(2);
        assertThat(rf()).as("no partition").isZero();
    }

    @Test
    void aOnePartitionTopicWhoseMoveJustEndedCountsTheMovesTargetNotTheStaleUnion() {
        TopicPartitionInfo union = new TopicPartitionInfo(0, node(0), List.of(node(0), node(1), node(3), node(2)), List.of());
        TopicPartition tp = new TopicPartition("solo", 0);
        assertThat(KafkaObserver.replicationFactor("solo", List.of(union), Map.of()))
                .as("no memory: the union counts").isEqualTo(4);
        assertThat(KafkaObserver.replicationFactor("solo", List.of(union), Map.of(), Map.of(tp, 3)))
                .as("the last observation saw it moving to 3 replicas").isEqualTo(3);
        TopicPartitionInfo done = new TopicPartitionInfo(0, node(0), List.of(node(0), node(1), node(3)), List.of());
        assertThat(KafkaObserver.replicationFactor("solo", List.of(done), Map.of(), Map.of(tp, 3))).isEqualTo(3);
        TopicPartitionInfo raised = new TopicPartitionInfo(0, node(0), List.of(node(0), node(1), node(3), node(2)), List.of());
        assertThat(KafkaObserver.replicationFactor("solo", List.of(raised), Map.of(), Map.of(tp, 4)))
                .as("a move that raised RF to 4 counts 4").isEqualTo(4);
    }

    private static int rf(int... counts) {
        List<TopicPartitionInfo> partitions = new java.util.ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            List<Node> replicas = java.util.stream.IntStream.range(0, counts[i]).mapToObj(ReplicationFactorTest::node).toList();
            partitions.add(new TopicPartitionInfo(i, replicas.get(0), replicas, List.of()));
        }
        return KafkaObserver.replicationFactor("orders", partitions, Map.of());
    }

    private static Node node(int id) {
        return new Node(id, "localhost", 9092 + id);
    }
}
