package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.OperationStatus;
import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaTestCluster;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterPartitionReassignmentsOptions;
import org.apache.kafka.clients.admin.AlterPartitionReassignmentsResult;
import org.apache.kafka.clients.admin.ForwardingAdmin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Kafka refusing every move a scale submits pauses it with a reason, instead of a status that says
 * "moving" while each pass asks again in silence. Real KRaft brokers refuse the moves: the Admin client
 * sends each target with broker 99, which no broker is, in place of the broker taking the data, as a plan
 * meeting a broker gone since would ({@link TwoBrokerPass}: brokers 0 and 1, {@code orders} on one of them).
 */
class RefusedMovesTest {
    @Test
    void aScaleUpWhoseEveryMoveKafkaRefusesIsPausedWithKafkasWords() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.builder().broker(0, "a").broker(1, "b").start();
                Admin redirected = new ToBroker99(kafka.bootstrapServers(), 1)) {
            StepResult r = refusedPass(TwoBrokerPass.oneNew(kafka), redirected);

            assertPaused(r, ConditionType.ScaleUpBlocked);
            assertThat(KafkaAwait.get(kafka.admin().listPartitionReassignments().reassignments())).isEmpty();
        }
    }

    @Test
    void aDrainWhoseEveryMoveKafkaRefusesIsPausedWithKafkasWordsAndRemovesNothing() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.builder().broker(0, "a").broker(1, "b").start();
                Admin redirected = new ToBroker99(kafka.bootstrapServers(), 0)) {
            StepResult r = refusedPass(TwoBrokerPass.oneLeaving(kafka), redirected);

            assertPaused(r, ConditionType.ScaleDownBlocked);
            assertThat(r.operation().phase()).isEqualTo(ScaleDownStep.DRAINING);
            assertThat(KafkaAwait.get(kafka.admin().describeTopics(java.util.List.of("orders")).allTopicNames())
                    .get("orders").partitions()).allSatisfy(p -> assertThat(p.replicas()).extracting(n -> n.id())
                            .containsExactly(1));
        }
    }

    /** The pass that starts the operation with the brokers' own Admin, then one with {@code redirected}. */
    private static StepResult refusedPass(TwoBrokerPass scale, Admin redirected) throws Exception {
        OperationStatus started = scale.pass(scale.kafka().admin(), null, new StepEvents()).operation();
        assertThat(started).isNotNull();
        StepEvents events = new StepEvents();
        StepResult r = scale.pass(redirected, started, events);
        assertThat(events.reasons()).containsExactly(ScaleEvent.DATA_MOVE_PAUSED.reason());
        return r;
    }

    private static void assertPaused(StepResult r, ConditionType type) {
        Condition blocked = r.conditions().stream().filter(c -> c.type().equals(type.name()))
                .findFirst().orElseThrow();
        assertThat(blocked.isTrue()).isTrue();
        assertThat(blocked.reason()).isEqualTo(Reshuffle.MOVES_REFUSED);
        assertThat(blocked.message()).startsWith("Kafka refuses the data moves (")
                .contains(": reassign ").endsWith(". They are asked again every pass; look at the operator's Kafka"
                        + " permissions (Alter on the cluster) and the brokers' logs.");
        assertThat(r.operation().message()).startsWith("Paused: Kafka refuses the data moves (");
    }

    /** The test brokers' Admin, sending every move's target with broker {@code from} replaced by 99. */
    static final class ToBroker99 extends ForwardingAdmin {
        private final int from;

        ToBroker99(String bootstrap, int from) {
            super(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
            this.from = from;
        }

        @Override
        public AlterPartitionReassignmentsResult alterPartitionReassignments(
                Map<TopicPartition, Optional<NewPartitionReassignment>> reassignments,
                AlterPartitionReassignmentsOptions options) {
            Map<TopicPartition, Optional<NewPartitionReassignment>> to99 = new HashMap<>();
            reassignments.forEach((tp, target) -> to99.put(tp, target.map(t -> new NewPartitionReassignment(
                    t.targetReplicas().stream().map(b -> b == from ? 99 : b).toList()))));
            return super.alterPartitionReassignments(to99, options);
        }
    }
}
