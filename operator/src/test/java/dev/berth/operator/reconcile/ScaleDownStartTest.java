package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.act.desired.DesiredPods;
import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.ControllersSpec;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.observe.KubeView;
import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaTestCluster;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The first pass of a scale-down ({@link ScaleDownStep}) on real KRaft brokers 0, 1 and 2, the spec
 * naming broker 2 to remove and keeping two: it starts only what it can finish, and refuses only what
 * it cannot.
 */
class ScaleDownStartTest {
    /**
     * Topic {@code wide} has RF 2 but its partition 2 has three replicas, one on each broker: with brokers
     * 0 and 1 left, its replica on 2 has nowhere to go. The count check passes (RF 2, two brokers left); the
     * planner's refusal now refuses the start. Before, the scale-down started, its first drain pass paused
     * it, and that paused operation held every restart and rebalance back until the spec was reverted.
     */
    @Test
    void aDrainThePlannerCannotPlaceIsRefusedBeforeItStarts() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.builder().broker(0, "a").broker(1, "b").broker(2, "c").start()) {
            KafkaAwait.createTopic(kafka.admin(), "wide", Map.of(0, List.of(0, 1), 1, List.of(1, 0), 2, List.of(0, 1)));
            // Kafka creates a topic with one count; a reassignment widens one partition
            KafkaAwait.get(kafka.admin().alterPartitionReassignments(Map.of(new org.apache.kafka.common.TopicPartition(
                    "wide", 2), java.util.Optional.of(new org.apache.kafka.clients.admin.NewPartitionReassignment(
                    List.of(0, 1, 2))))).all());
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                    KafkaAwait.get(kafka.admin().listPartitionReassignments().reassignments()).isEmpty()
                    && KafkaAwait.describeTopic(kafka.admin(), "wide").partitions().get(2).replicas().size() == 3);
            StepEvents events = new StepEvents();

            StepResult r = firstPass(kafka, List.of(0, 1, 2), events);

            assertThat(r.operation()).as("nothing started").isNull();
            Condition blocked = blocked(r);
            assertThat(blocked.isTrue()).isTrue();
            assertThat(blocked.reason()).isEqualTo("NoEligibleTarget");
            assertThat(blocked.message()).startsWith("Scale-down refused, nothing changed: partition wide-2 cannot"
                    + " leave broker 2: ");
            assertThat(events.reasons()).containsExactly(ScaleEvent.SCALE_DOWN_REFUSED.reason());
        }
    }

    /**
     * Every broker in one zone, broker 2 down for good (lost with its node: Kafka keeps it registered,
     * fenced) and named to remove. It is drained in its own rack, {@code a}. Before, it was planned in a
     * rack of its own, and the removal was refused for rack-awareness the topic never had ("needs 2 racks
     * for RF 2, found 1"): a lost broker could never be removed from a one-zone cluster.
     */
    @Test
    void aDownBrokerOfAOneZoneClusterIsDrainedNotRefusedForRacks() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.builder().broker(0, "a").broker(1, "a").broker(2, "a").start()) {
            KafkaAwait.createTopic(kafka.admin(), "orders", Map.of(0, List.of(0, 2), 1, List.of(2, 1), 2, List.of(0, 1)));
            kafka.stopBroker(2);
            StepEvents events = new StepEvents();

            StepResult r = firstPass(kafka, List.of(0, 1), events);

            assertThat(blocked(r).isTrue()).as("%s", blocked(r)).isFalse();
            assertThat(r.operation()).isNotNull();
            assertThat(r.operation().type()).isEqualTo(OperationStatus.SCALE_DOWN);
            assertThat(r.operation().brokers()).containsExactly(2);
            assertThat(events.reasons()).containsExactly(ScaleEvent.SCALE_DOWN_STARTED.reason());

            // the drain's passes plan it in rack a too, until nothing is left on it
            java.util.concurrent.atomic.AtomicReference<OperationStatus> op = new java.util.concurrent.atomic.AtomicReference<>(
                    r.operation());
            org.awaitility.Awaitility.await("drained").atMost(java.time.Duration.ofSeconds(60))
                    .pollInterval(java.time.Duration.ofMillis(500)).until(() -> {
                        StepResult next = pass(kafka, List.of(0, 1), op.get(), new StepEvents());
                        assertThat(blocked(next).isTrue()).as("%s", blocked(next)).isFalse();
                        op.set(next.operation());
                        return ScaleDownStep.VERIFYING.equals(op.get().phase());
                    });
            assertThat(KafkaAwait.describeTopic(kafka.admin(), "orders").partitions())
                    .allSatisfy(p -> assertThat(KafkaAwait.ids(p.replicas())).doesNotContain(2).hasSize(2));
        }
    }

    /**
     * Broker 2, named to remove, is down and holds the only copy of {@code solo-0} (RF 1): no replica of it
     * can be copied off, as the partition has no leader. Refused before anything starts, saying what to do.
     * Before, the drain started, submitted a move that could never end, and ran for ever with
     * {@code ScaleDownBlocked=False}. A drain already running when its broker went down says the same.
     */
    @Test
    void aDrainOfTheOnlyCopyOnADownBrokerIsRefusedAndARunningOneSaysItCannotFinish() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.builder().broker(0, "a").broker(1, "b").broker(2, "c").start()) {
            KafkaAwait.createTopic(kafka.admin(), "solo", Map.of(0, List.of(2)));
            kafka.stopBroker(2);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                    KafkaAwait.describeTopic(kafka.admin(), "solo").partitions().get(0).leader() == null);
            StepEvents events = new StepEvents();

            StepResult r = firstPass(kafka, List.of(0, 1), events);

            assertThat(r.operation()).as("nothing started").isNull();
            assertThat(blocked(r).reason()).isEqualTo("NoLeader");
            assertThat(blocked(r).message()).isEqualTo("Scale-down refused, nothing changed: partition solo-0 (replicas"
                    + " [2]) has no leader, so no replica of it can be copied off brokers [2]. To fix: "
                    + dev.berth.operator.plan.RefusalReason.NO_LEADER.remedy() + ".");

            // a drain that was running when broker 2 went down: its move of solo-0 never ends
            StepEvents later = new StepEvents();
            StepResult waiting = drainPassWhileMoving(kafka, "solo", List.of(0), later);
            assertThat(waiting.operation()).isNotNull();
            assertThat(blocked(waiting).isTrue()).isTrue();
            assertThat(blocked(waiting).message()).startsWith("Drain cannot finish: partition solo-0 (replicas [0, 2])"
                    + " has no leader");
            assertThat(later.reasons()).containsExactly(ScaleEvent.DATA_MOVE_PAUSED.reason());
        }
    }

    /**
     * A drain whose move of {@code t-0} onto broker 1 runs when broker 1 goes down: Kafka never ends that move
     * (broker 1 never joins the ISR), and the drain waited for ever with {@code ScaleDownBlocked=False}. It now
     * says it cannot finish, naming the broker it waits for, and goes on by itself once it is back.
     */
    @Test
    void aRunningDrainWhoseReceiverWentDownSaysItWaitsForIt() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.builder().broker(0, "a").broker(1, "b").broker(2, "c").start()) {
            KafkaAwait.createTopic(kafka.admin(), "t", Map.of(0, List.of(2, 0)));
            kafka.stopBroker(1);
            KafkaAwait.polling("broker 1 fenced").until(() ->
                    Boolean.TRUE.equals(KafkaAwait.registrationsIncludingFenced(kafka.admin()).get(1)));
            StepEvents later = new StepEvents();
            StepResult waiting = drainPassWhileMoving(kafka, "t", List.of(0, 1), later);
            assertThat(waiting.operation()).isNotNull();
            assertThat(blocked(waiting).isTrue()).isTrue();
            assertThat(blocked(waiting).reason()).isEqualTo("MoveTargetDown");
            assertThat(blocked(waiting).message()).startsWith("Drain cannot finish: partition t-0 (replicas [")
                    .contains("is being moved with a replica on brokers [1], which is down. To fix: "
                            + dev.berth.operator.plan.RefusalReason.MOVE_TARGET_DOWN.remedy());
            assertThat(later.reasons()).containsExactly(ScaleEvent.DATA_MOVE_PAUSED.reason());
        }
    }

    /**
     * On Kafka 3.9 a scale-down is refused before anything starts, saying to upgrade: it reads stopped
     * brokers with DescribeCluster's fenced brokers, which 3.9 does not answer, so it could neither
     * unregister the leaving broker nor plan with its rack. The same spec on 4.x starts (the brokers here
     * run 4.4; only the spec's version is read).
     */
    @Test
    void aScaleDownOnKafkaBeforeFourIsRefusedSayingToUpgrade() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.builder().broker(0, "a").broker(1, "b").broker(2, "c").start()) {
            KafkaAwait.createTopic(kafka.admin(), "wide", Map.of(0, List.of(0, 1), 1, List.of(1, 2), 2, List.of(2, 0)));
            StepEvents events = new StepEvents();
            StepResult refused = pass(kafka, List.of(0, 1, 2), null, events, "3.9.0");
            assertThat(refused.operation()).as("nothing started").isNull();
            assertThat(blocked(refused).reason()).isEqualTo("KafkaTooOld");
            assertThat(blocked(refused).message()).isEqualTo("Scale-down refused, nothing changed: spec.kafkaVersion is"
                    + " 3.9.0, and a scale-down needs Kafka 4.0 or later to read stopped brokers (DescribeCluster with"
                    + " fenced brokers). To fix: " + dev.berth.operator.plan.RefusalReason.KAFKA_TOO_OLD.remedy() + ".");
            assertThat(events.reasons()).containsExactly(ScaleEvent.SCALE_DOWN_REFUSED.reason());
            assertThat(pass(kafka, List.of(0, 1, 2), null, new StepEvents(), "4.0.0").operation()).as("on 4.0").isNotNull();
        }
    }

    /**
     * A pass of the drain of broker 2, in flight, while Kafka moves {@code topic}-0 to {@code target} (a move the
     * drain submitted before a broker went down).
     */
    private static StepResult drainPassWhileMoving(KafkaTestCluster kafka, String topic, List<Integer> target,
            StepEvents events) throws Exception {
        KafkaAwait.get(kafka.admin().alterPartitionReassignments(Map.of(new org.apache.kafka.common.TopicPartition(
                topic, 0), java.util.Optional.of(new org.apache.kafka.clients.admin.NewPartitionReassignment(target))))
                .all());
        OperationStatus draining = new OperationStatus(OperationStatus.SCALE_DOWN, ScaleDownStep.DRAINING, List.of(2),
                0L, null, 0, null, "2026-11-28T09:00:00Z", "Draining brokers [2].", Map.of());
        return pass(kafka, List.of(0, 1), draining, events);
    }

    /** A pass of the step, {@code op} in flight (null: the first): the spec keeps two brokers and names 2 to remove; {@code pods}: brokers with a Ready pod. */
    private static StepResult firstPass(KafkaTestCluster kafka, List<Integer> pods, StepEvents events) throws Exception {
        return pass(kafka, pods, null, events);
    }

    private static StepResult pass(KafkaTestCluster kafka, List<Integer> pods, OperationStatus op, StepEvents events)
            throws Exception {
        return pass(kafka, pods, op, events, KafkaClusterSpec.defaults().kafkaVersion());
    }

    private static StepResult pass(KafkaTestCluster kafka, List<Integer> pods, OperationStatus op, StepEvents events,
            String kafkaVersion) throws Exception {
        KafkaClusterSpec spec = KafkaClusterSpec.defaults().withControllers(new ControllersSpec(1, null))
                .withBrokers(new BrokersSpec(2, null, null, List.of(2)));
        spec = new KafkaClusterSpec(kafkaVersion, null, spec.config(), spec.controllers(), spec.brokers(), spec.placement(),
                spec.rebalance());
        KafkaCluster cluster = new KafkaCluster(new V1ObjectMeta().name("demo").namespace("kafka")
                .uid("2d8e9f0a-3b4c-4d5e-9f6a-7b8c9d0e1f2b").generation(1L), spec);
        Map<String, V1Pod> byName = new HashMap<>();
        for (int id : pods) {
            V1Pod pod = DesiredPods.broker(cluster, id, null);
            pod.getMetadata().uid("pod-" + id);
            pod.status(new V1PodStatus().conditions(List.of(new V1PodCondition().type("Ready").status("True"))));
            byName.put(pod.getMetadata().getName(), pod);
        }
        KubeView kube = new KubeView(byName, Map.of(), Map.of(), Map.of(), null);
        return new TwoBrokerPass(kafka, cluster, kube, new TreeSet<>(List.of(0, 1)), new ScaleDownStep())
                .pass(kafka.admin(), op, events);
    }

    private static Condition blocked(StepResult r) {
        return r.conditions().stream().filter(c -> c.type().equals(ConditionType.ScaleDownBlocked.name()))
                .findFirst().orElseThrow();
    }
}
