package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.DayTwoRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.KafkaClusterStatus;
import dev.berth.operator.api.OperationStatus;
import dev.berth.testbed.kafka.KafkaRecords;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A scale-up makes way for a move off a cordoned node ({@link MakeWay}), on real KRaft brokers, the
 * Kubernetes API bed and the operator ({@link DayTwoRig}). Broker {@code i} runs on node {@code n<i>}
 * and may move to the spare {@code s<i>}.
 *
 * <p>Before, a cordon during a scale-up waited for the whole reshuffle, hours of throttled copying on a
 * real cluster, and a {@code kubectl drain} of that node waited with it (the disruption budget holds
 * the eviction until the leader-aware move).
 */
class ScaleUpMakesWayTest {
    static final Map<Integer, String> RACKS = Map.of(0, "a", 1, "b", 2, "c", 3, "a");

    static DayTwoRig rig;

    @BeforeAll
    static void start() throws Exception {
        // 1.2 MB a partition at 20 KB/s: a batch runs about a minute, so the cordon comes while it runs
        rig = DayTwoRig.brokers("makeway", RACKS, 3).orders(6, 2400)
                .placeOn(id -> List.of("n" + id, "s" + id)).operate(3, 20_000L).settled();
        for (int id = 0; id < 4; id++) {
            for (String n : List.of("n" + id, "s" + id)) {
                rig.core.createNode(new V1Node().metadata(new V1ObjectMeta().name(n))).execute();
            }
        }
    }

    @AfterAll
    static void stop() {
        OperatorFixture.closeAll(rig);
    }

    @Test
    void aCordonSuspendsTheScaleUpTheBrokerMovesOffLeaderAwareAndTheScaleUpResumesToItsEnd() throws Exception {
        rig.patch("{\"spec\":{\"brokers\":{\"replicas\":4}}}");
        await("the scale-up moves data onto broker 3, throttled").atMost(WAIT).until(() -> {
            OperationStatus op = rig.cluster().getStatus().operation();
            return op != null && OperationStatus.SCALE_UP.equals(op.type()) && rig.reassigning();
        });
        assertThat(node(1)).isEqualTo("n1");

        rig.cordon("n1", true);
        AtomicReference<KafkaClusterStatus> seen = new AtomicReference<>();
        await("the scale-up set aside, broker 1's move in flight").atMost(WAIT).until(() -> {
            KafkaClusterStatus s = rig.cluster().getStatus();
            seen.set(s);
            return s.suspended() != null && s.operation() != null && RestartStep.TYPE.equals(s.operation().type());
        });
        KafkaClusterStatus during = seen.get();
        assertThat(during.suspended().type()).isEqualTo(OperationStatus.SCALE_UP);
        assertThat(during.suspended().brokers()).containsExactly(3);
        assertThat(during.suspended().details()).doesNotContainKeys(MoveCancel.ORIGINS, MoveCancel.CANCELLED);
        Condition blocked = during.condition(ConditionType.ScaleUpBlocked);
        assertThat(blocked.isTrue()).isTrue();
        assertThat(blocked.reason()).isEqualTo(MakeWay.REASON);
        assertThat(blocked.message()).isEqualTo("The ScaleUp of brokers [3] is suspended: broker 1 is on cordoned node"
                + " n1; that move runs first (one operation at a time), and it resumes after.");
        rig.patch("{\"spec\":{\"rebalance\":{\"throttleBytesPerSec\":50000000}}}"); // the rest goes fast

        await("broker 1 on s1, the scale-up resumed and done").atMost(WAIT).until(() -> {
            KafkaClusterStatus s = rig.cluster().getStatus();
            return "s1".equals(node(1)) && s.operation() == null && s.suspended() == null
                    && rig.eventReasons().contains(ScaleEvent.SCALE_UP_BALANCED.reason());
        });
        assertThat(rig.glue().stops).as("only broker 1 went, once, leading nothing, every replica in sync: the"
                + " scale-up's moves were put back first").isEqualTo(Map.of(1, List.of("led 0, under-replicated 0")));
        DayTwoRig.eventsSay(() -> {
            assertThat(RollingRestartTest.messagesOf(rig, MakeWay.SUSPENDED)).containsExactly("ScaleUp of brokers [3]"
                    + " suspended: broker 1 is on cordoned node n1, and a node drain waits for its leader-aware move."
                    + " The moves Kafka was running are cancelled and put back; what moved before stays moved. It"
                    + " resumes once no broker or controller must move off a cordoned node.");
            assertThat(RollingRestartTest.messagesOf(rig, MakeWay.RESUMED)).containsExactly("ScaleUp of brokers [3]"
                    + " resumed: no broker or controller must move off a cordoned node any more.");
            assertThat(RollingRestartTest.messagesOf(rig, RestartStep.Event.RESTART_STARTED.reason))
                    .containsExactly("Restarting brokers [1] one at a time, leader-aware (1: on cordoned node n1).");
        });
        assertThat(rig.reason(ConditionType.ScaleUpBlocked)).isEqualTo("NotBlocked");
        // 18 replicas on 4 brokers, evened by bytes (partition 0 is empty): 3 to 5 of them on broker 3
        assertThat(rig.replicasPerBroker("orders").get(3)).as("broker 3 got its share").isBetween(3, 5);
        assertThat(rig.replicas("orders").values()).allMatch(r -> r.size() == 3 && r.stream().distinct().count() == 3);
        await("throttles off").atMost(WAIT).until(() -> rig.throttles().isEmpty());
        for (int p = 0; p < 6; p++) {
            assertThat(KafkaRecords.consumeAll(rig.bootstrap(), new TopicPartition("orders", p))).hasSize(2400);
        }
    }

    private static String node(int id) throws Exception {
        V1Pod p = rig.brokerPod(id);
        return p == null ? null : p.getSpec().getNodeName();
    }
}
