package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.DayTwoRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.api.OperationStatus;
import dev.berth.testbed.kafka.KafkaRecords;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A scale-up the spec calls off: 3 → 4 starts moving data onto broker 3, throttled, then replicas
 * goes back to 3 ({@link DayTwoRig}: real KRaft brokers, the Kubernetes API bed, the operator).
 *
 * <p>Before, the scale-up ran to its end (every byte of broker 3's share copied), and the scale-down
 * that followed drained the same bytes back off broker 3. Now the moves onto it are cancelled and
 * put back as they were ({@code ScaleUpAbandoned}), and the scale-down removes broker 3 while it
 * holds nothing: every partition ends on the brokers it had.
 */
class LoweredScaleUpTest {
    static final Map<Integer, String> RACKS = Map.of(0, "a", 1, "b", 2, "c", 3, "a");

    static DayTwoRig rig;

    @BeforeAll
    static void start() throws Exception {
        // 1.2 MB a partition at 20 KB/s: a batch runs about 10 s, time enough to call it off
        rig = DayTwoRig.brokers("lowered", RACKS, 3).orders(6, 2400).operate(3, 20_000L);
    }

    @AfterAll
    static void stop() {
        OperatorFixture.closeAll(rig);
    }

    @Test
    void loweringReplicasMidScaleUpCancelsTheMovesAndRemovesTheNewBrokerEmpty() throws Exception {
        Map<Integer, List<Integer>> before = rig.replicas("orders");
        rig.patch("{\"spec\":{\"brokers\":{\"replicas\":4}}}");
        await("the scale-up moves data onto broker 3, throttled").atMost(WAIT).until(() -> {
            OperationStatus op = rig.cluster().getStatus().operation();
            return op != null && OperationStatus.SCALE_UP.equals(op.type()) && rig.reassigning();
        });

        rig.patch("{\"spec\":{\"brokers\":{\"replicas\":3}}}");
        await("the scale-up is called off and broker 3 removed").atMost(WAIT).until(() ->
                !rig.registered(3) && rig.cluster().getStatus().operation() == null
                        && rig.eventReasons().contains(ScaleEvent.SCALE_DOWN_COMPLETE.reason()));

        assertThat(rig.eventReasons()).contains(ScaleEvent.SCALE_UP_ABANDONED.reason())
                .doesNotContain(ScaleEvent.SCALE_UP_BALANCED.reason());
        // nothing moved twice: every partition on the brokers it had. The order is put back for the moves that
        // were cancelled (MoveCancelTest pins that); a pure reorder the plan's first batch finished before the
        // call-off stays, as MoveCancel says, so the order is not compared here (a CI run met such a batch)
        Map<Integer, List<Integer>> after = rig.replicas("orders");
        assertThat(after.keySet()).isEqualTo(before.keySet());
        before.forEach((p, replicas) -> assertThat(new java.util.TreeSet<>(after.get(p))).as("orders-" + p + " " + after.get(p))
                .isEqualTo(new java.util.TreeSet<>(replicas)));
        await("every partition led by its preferred replica").atMost(WAIT).until(() -> rig.notLedByPreferred("orders").isEmpty());
        assertThat(rig.throttles()).isEmpty();
        for (int p = 0; p < 6; p++) {
            assertThat(KafkaRecords.consumeAll(rig.bootstrap(), new TopicPartition("orders", p))).hasSize(2400);
        }
    }
}
