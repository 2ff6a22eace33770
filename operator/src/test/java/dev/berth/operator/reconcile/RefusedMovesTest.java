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
 * Kafka refusing every move a scale-up submits pauses it with a reason, instead of a status that says
 * "moving" while each pass asks again in silence. Real KRaft brokers refuse the moves: the Admin client
 * sends each target with broker 99, which no broker is, as a plan meeting a broker gone since would.
 * Broker 0 holds every partition of {@code orders}, broker 1 is new and empty ({@link OneNewBroker}).
 */
class RefusedMovesTest {
    @Test
    void aScaleUpWhoseEveryMoveKafkaRefusesIsPausedWithKafkasWords() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.builder().broker(0, "a").broker(1, "b").start();
                Admin redirected = new ToBroker99(kafka.bootstrapServers())) {
            OneNewBroker scale = OneNewBroker.on(kafka);
            OperationStatus started = scale.pass(kafka.admin(), null, new StepEvents()).operation();
            StepEvents events = new StepEvents();

            StepResult r = scale.pass(redirected, started, events);

            Condition blocked = r.conditions().stream().filter(c -> c.type().equals(ConditionType.ScaleUpBlocked.name()))
                    .findFirst().orElseThrow();
            assertThat(blocked.isTrue()).isTrue();
            assertThat(blocked.reason()).isEqualTo(Reshuffle.MOVES_REFUSED);
            assertThat(blocked.message()).startsWith("Kafka refuses the data moves (")
                    .contains(": reassign ").endsWith(". They are asked again every pass; look at the operator's Kafka"
                            + " permissions (Alter on the cluster) and the brokers' logs.");
            assertThat(r.operation().message()).startsWith("Paused: Kafka refuses the data moves (");
            assertThat(events.reasons()).containsExactly(ScaleEvent.DATA_MOVE_PAUSED.reason());
            assertThat(KafkaAwait.get(kafka.admin().listPartitionReassignments().reassignments())).isEmpty();
        }
    }

    /** The test brokers' Admin, sending every move's target with broker 1 replaced by 99. */
    static final class ToBroker99 extends ForwardingAdmin {
        ToBroker99(String bootstrap) {
            super(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        }

        @Override
        public AlterPartitionReassignmentsResult alterPartitionReassignments(
                Map<TopicPartition, Optional<NewPartitionReassignment>> reassignments,
                AlterPartitionReassignmentsOptions options) {
            Map<TopicPartition, Optional<NewPartitionReassignment>> to99 = new HashMap<>();
            reassignments.forEach((tp, target) -> to99.put(tp, target.map(t -> new NewPartitionReassignment(
                    t.targetReplicas().stream().map(b -> b == 1 ? 99 : b).toList()))));
            return super.alterPartitionReassignments(to99, options);
        }
    }
}
