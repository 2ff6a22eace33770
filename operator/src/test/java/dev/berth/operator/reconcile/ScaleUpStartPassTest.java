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
    /**
     * A move onto new broker 1 runs when broker 1 goes down: Kafka never ends it, and the scale-up waited for ever
     * with {@code ScaleUpBlocked=False}, every restart waiting behind it. It now says it cannot finish, naming the
     * broker, with a Warning.
     */
    @Test
    void aMoveOntoANewBrokerThatWentDownSaysItCannotFinish() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.builder().broker(0, "a").broker(1, "b").start()) {
            TwoBrokerPass two = TwoBrokerPass.oneNew(kafka);
            OperationStatus started = two.pass(kafka.admin(), null, new StepEvents()).operation();
            kafka.stopBroker(1);
            KafkaAwait.polling("broker 1 fenced").until(() ->
                    Boolean.TRUE.equals(KafkaAwait.registrationsIncludingFenced(kafka.admin()).get(1)));
            KafkaAwait.get(kafka.admin().alterPartitionReassignments(java.util.Map.of(new org.apache.kafka.common
                    .TopicPartition("orders", 0), java.util.Optional.of(new org.apache.kafka.clients.admin
                    .NewPartitionReassignment(List.of(1))))).all());

            StepEvents events = new StepEvents();
            StepResult waiting = two.pass(kafka.admin(), started, events);
            assertThat(waiting.operation()).isNotNull();
            dev.berth.operator.api.Condition blocked = waiting.conditions().stream()
                    .filter(c -> c.type().equals(dev.berth.operator.api.ConditionType.ScaleUpBlocked.name()))
                    .findFirst().orElseThrow();
            assertThat(blocked.isTrue()).isTrue();
            assertThat(blocked.reason()).isEqualTo("MoveTargetDown");
            assertThat(blocked.message()).startsWith("Scale-up cannot finish: partition orders-0 (replicas [")
                    .contains("brokers [1], which is down");
            assertThat(events.reasons()).containsExactly(ScaleEvent.DATA_MOVE_PAUSED.reason());
        }
    }
}
