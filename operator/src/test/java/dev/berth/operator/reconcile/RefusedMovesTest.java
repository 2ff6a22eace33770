package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.api.Condition;
import dev.berth.operator.api.HotPartitionsSpec;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.RebalanceSpec;
import dev.berth.operator.plan.BatchOrigins;
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

    /**
     * Hot replica moves are a pass of their own: there, Kafka refusing every move stops the phase at once
     * with a Warning in Kafka's words (nothing runs, so nothing is cancelled), instead of asking again until
     * the phase's deadline, a quarter of an hour or more later.
     */
    @Test
    void hotReplicaMovesKafkaRefusesStopAtOnceWithAWarning() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.builder().broker(0, "a").broker(1, "b").start();
                Admin redirected = new ToBroker99(kafka.bootstrapServers(), 1)) {
            TwoBrokerPass two = TwoBrokerPass.oneNew(kafka);
            KafkaCluster replicasMode = new KafkaCluster(two.cluster().getMetadata(), two.cluster().getSpec()
                    .withRebalance(new RebalanceSpec(null, null, new HotPartitionsSpec(HotPartitionsSpec.Mode.Replicas,
                            null, null), null)));
            java.util.concurrent.atomic.AtomicInteger ended = new java.util.concurrent.atomic.AtomicInteger();
            TwoBrokerPass hot = new TwoBrokerPass(kafka, replicasMode, two.kube(), two.desired(),
                    ctx -> HotReplicaPhase.pass(ctx, ctx.operation(), ended::incrementAndGet));
            Map<String, String> details = new HashMap<>(Map.of(HotReplicaPhase.TARGETS,
                    BatchOrigins.encode(Map.of("orders-0", java.util.List.of(1), "orders-1", java.util.List.of(1))),
                    HotReplicaPhase.ORIGINS,
                    BatchOrigins.encode(Map.of("orders-0", java.util.List.of(0), "orders-1", java.util.List.of(0)))));
            OperationStatus moving = HotReplicaPhase.enter(new OperationStatus(HotPartitionStep.TYPE, "x",
                    java.util.List.of(0), null, null, 0, 2, "2026-11-28T09:00:00Z", "", details), "Moving replicas.");
            StepEvents events = new StepEvents();

            StepResult r = hot.pass(redirected, moving, events);

            assertThat(r.operation()).as("the operation ended").isNull();
            assertThat(ended.get()).isEqualTo(1);
            assertThat(events.reasons()).containsExactly(HotReplicaPhase.MOVED);
            assertThat(events.types()).containsExactly("Warning");
            assertThat(events.messages()).singleElement().asString()
                    .startsWith("Stopped: Kafka refuses the data moves (2 partitions): orders-")
                    .contains(": reassign ").endsWith("; the moves Kafka was running are cancelled and their partitions"
                            + " put back; what moved before stays moved.");
            assertThat(KafkaAwait.get(kafka.admin().listPartitionReassignments().reassignments())).isEmpty();
        }
    }

    /** The pass that starts the operation with the brokers' own Admin, then one with {@code redirected}. */
    private static StepResult refusedPass(TwoBrokerPass scale, Admin redirected) throws Exception {
        OperationStatus started = scale.pass(scale.kafka().admin(), null, new StepEvents()).operation();
        assertThat(started).isNotNull();
        StepEvents events = new StepEvents();
        StepResult r = scale.pass(redirected, started, events);
        assertThat(events.reasons()).containsExactly(ScaleEvent.DATA_MOVE_PAUSED.reason());
        // the batch's throttles were set before Kafka refused it; nothing runs, so they are off again
        assertThat(DayTwoRig.throttlesOf(scale.kafka().admin())).isEmpty();
        return r;
    }

    private static void assertPaused(StepResult r, ConditionType type) {
        Condition blocked = r.conditions().stream().filter(c -> c.type().equals(type.name()))
                .findFirst().orElseThrow();
        assertThat(blocked.isTrue()).isTrue();
        assertThat(blocked.reason()).isEqualTo(PausedMoves.MOVES_REFUSED);
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
