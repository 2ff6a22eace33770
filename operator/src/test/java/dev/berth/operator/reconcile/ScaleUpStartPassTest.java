package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.api.OperationStatus;
import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaTestCluster;
import java.util.List;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;

/**
 * The pass that starts a scale-up records the operation and changes nothing in Kafka. A status write
 * refused after that pass keeps nothing (a start is a decision, {@link StatusWrites#keepOperation}), so a
 * batch submitted in it was in Kafka with no record: its throttles were never cleared, and the next pass
 * found the new broker no longer empty and never planned the rest of the spread.
 *
 * <p>Real KRaft brokers ({@link TwoBrokerPass#oneNew}): broker 0 holds every partition of {@code orders}, broker 1
 * is new and empty, and the spec wants both. The step runs as the pass would, from a fresh observation.
 */
class ScaleUpStartPassTest {
    @Test
    void theStartingPassSubmitsNothing() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.builder().broker(0, "a").broker(1, "b").start()) {
            StepEvents events = new StepEvents();

            StepResult r = TwoBrokerPass.oneNew(kafka).pass(kafka.admin(), null, events);

            OperationStatus op = r.operation();
            assertThat(op.type()).isEqualTo(OperationStatus.SCALE_UP);
            assertThat(op.brokers()).containsExactly(1);
            assertThat(op.details()).as("no batch recorded: none submitted").isEmpty();
            assertThat(events.reasons()).containsExactly(ScaleEvent.SCALE_UP_STARTED.reason());
            assertThat(KafkaAwait.get(kafka.admin().listPartitionReassignments().reassignments())).isEmpty();
            List<TopicPartitionInfo> partitions = KafkaAwait.get(kafka.admin().describeTopics(List.of("orders"))
                    .allTopicNames()).get("orders").partitions();
            assertThat(partitions).as("every partition where it was").allSatisfy(p ->
                    assertThat(p.replicas()).extracting(n -> n.id()).containsExactly(0));
        }
    }
}
