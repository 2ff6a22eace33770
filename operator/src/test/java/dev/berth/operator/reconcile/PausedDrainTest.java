package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.DayTwoRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.api.Condition;
import dev.berth.operator.api.OperationStatus;
import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaRecords;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A throttled drain that the spec stops halfway: a topic with RF 4 appears while 4 → 3 runs, so
 * the spec asks for fewer brokers than a topic needs and every step halts ({@link DayTwoRig}: real
 * KRaft brokers, the Kubernetes API bed, the operator).
 *
 * <p>Before, the halted drain kept its replication throttles on every broker and topic for as long as
 * the spec stayed invalid (a follower that fell behind meanwhile caught up at 20 KB/s), and
 * {@code ScaleDownBlocked} said "NotBlocked". Now the throttles go once Kafka runs no reassignment,
 * the condition says why the drain waits, and the drain finishes once the spec is fixed.
 */
class PausedDrainTest {
    static final Map<Integer, String> RACKS = Map.of(0, "a", 1, "b", 2, "c", 3, "a");

    static DayTwoRig rig;

    @BeforeAll
    static void start() throws Exception {
        // 1.2 MB a partition: a replica fetch copies 1 MB before the 20 KB/s throttle holds it back,
        // so a batch runs for about 10 s: long enough to be seen running, short enough to wait out
        rig = DayTwoRig.brokers("paused", RACKS, 4).orders(6, 2400).operate(4, 20_000L);
    }

    @AfterAll
    static void stop() {
        OperatorFixture.closeAll(rig);
    }

    @Test
    void aDrainHaltedByAnInvalidSpecDropsItsThrottlesSaysWhyAndFinishesOnceFixed() throws Exception {
        rig.patch("{\"spec\":{\"brokers\":{\"replicas\":3,\"remove\":[3]}}}");
        await("the drain moves data, throttled").atMost(WAIT).until(() -> {
            OperationStatus op = rig.cluster().getStatus().operation();
            return op != null && OperationStatus.SCALE_DOWN.equals(op.type()) && rig.reassigning() && !rig.throttles().isEmpty();
        });

        KafkaAwait.createTopic(rig.admin(), "wide", 1, (short) 4); // 3 brokers cannot hold RF 4
        await("halted: nothing moves, no throttle left, and the condition says why").atMost(WAIT).until(() ->
                !rig.reassigning() && rig.throttles().isEmpty()
                        && blocked().map(c -> c.isTrue() && c.reason().equals("SpecInvalid")).orElse(false));
        assertThat(blocked().orElseThrow().message()).contains("is paused while the spec is invalid");
        assertThat(rig.cluster().getStatus().operation().type()).isEqualTo(OperationStatus.SCALE_DOWN);
        assertThat(KafkaAwait.registeredBrokers(rig.admin())).contains(3); // nothing removed while halted

        // partitions created on the leaving broker meanwhile: the drain has work left once it resumes
        KafkaAwait.createTopic(rig.admin(), "late", Map.of(0, List.of(3, 1, 2), 1, List.of(2, 3, 1)));
        KafkaAwait.get(rig.admin().deleteTopics(List.of("wide")).all());
        await("the drain goes on, and its condition no longer says it is paused").atMost(WAIT).until(() -> {
            OperationStatus op = rig.cluster().getStatus().operation();
            return op != null && op.phase().equals(ScaleDownStep.DRAINING)
                    && blocked().map(c -> !c.isTrue() && c.reason().equals("NotBlocked")).orElse(false);
        });
        rig.patch("{\"spec\":{\"rebalance\":{\"throttleBytesPerSec\":50000000}}}");
        await("the drain resumes and removes broker 3").atMost(WAIT).until(() ->
                !rig.registered(3) && rig.cluster().getStatus().operation() == null);
        assertThat(rig.throttles()).isEmpty();
        assertThat(blocked().orElseThrow().isTrue()).isFalse();
        assertThat(rig.replicasPerBroker("late")).doesNotContainKey(3);
        for (int p = 0; p < 6; p++) {
            assertThat(KafkaRecords.consumeAll(rig.bootstrap(), new TopicPartition("orders", p))).hasSize(2400);
        }
    }

    static Optional<Condition> blocked() throws Exception {
        return rig.cluster().getStatus().conditions().stream().filter(c -> c.type().equals("ScaleDownBlocked")).findFirst();
    }
}
