package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.DayTwoRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.KafkaClusterStatus;
import dev.berth.operator.api.OperationStatus;
import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaRecords;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A scale makes way for a move off a cordoned node ({@link MakeWay}), on real KRaft brokers, the
 * Kubernetes API bed and the operator ({@link DayTwoRig}): a scale-up 3 → 4, a scale-down 4 → 3, then a
 * replacement ({@code brokers.remove} with the count kept). Broker {@code i} runs on node {@code n<i>} and
 * may move to the spares {@code s<i>}, then {@code t<i>}.
 *
 * <p>Before, a cordon during a scale waited for the whole reshuffle or drain, hours of throttled copying
 * on a real cluster, and a {@code kubectl drain} of that node waited with it (the disruption budget
 * holds the eviction until the leader-aware move).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleMakesWayTest {
    static final Map<Integer, String> RACKS = Map.of(0, "a", 1, "b", 2, "c", 3, "a", 4, "a");

    static DayTwoRig rig;

    @BeforeAll
    static void start() throws Exception {
        // 1.2 MB a partition at 20 KB/s: a batch runs about a minute, so the cordon comes while it runs
        rig = DayTwoRig.brokers("makeway", RACKS, 3).orders(6, 2400)
                .placeOn(id -> List.of("n" + id, "s" + id, "t" + id)).operate(3, 20_000L).settled();
        for (int id = 0; id < 5; id++) {
            for (String n : List.of("n" + id, "s" + id, "t" + id)) {
                rig.core.createNode(new V1Node().metadata(new V1ObjectMeta().name(n))).execute();
            }
        }
    }

    @AfterAll
    static void stop() {
        OperatorFixture.closeAll(rig);
    }

    @Test
    @Order(1)
    void aCordonSuspendsTheScaleUpTheBrokerMovesOffLeaderAwareAndTheScaleUpResumesToItsEnd() throws Exception {
        rig.patch("{\"spec\":{\"brokers\":{\"replicas\":4}}}");
        await("the scale-up moves data onto broker 3, throttled").atMost(WAIT).until(() -> {
            OperationStatus op = rig.cluster().getStatus().operation();
            return op != null && OperationStatus.SCALE_UP.equals(op.type()) && rig.reassigning();
        });
        assertThat(node(1)).isEqualTo("n1");

        rig.cordon("n1", true);
        KafkaClusterStatus during = suspendedWhileTheMoveRuns("the scale-up set aside, broker 1's move in flight");
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
        // RF 3 over racks a, b, c keeps one replica of each partition per rack: rack a's six, all of one size, go
        // three to broker 0 and three to broker 3 (a 4/2 split leaves a move of 5.6 % of the bytes, over the 2 % done)
        assertThat(rig.replicasPerBroker("orders").get(3)).as("broker 3 got its share").isEqualTo(3);
        assertNothingLost();
    }

    /**
     * The drain of a scale-down makes way the same: its brokers stay leaving while it is set aside (the
     * healer keeps away, the restart does not take them), and it ends with the broker removed.
     */
    @Test
    @Order(2)
    void aCordonSuspendsTheDrainWhichResumesAndRemovesTheBroker() throws Exception {
        rig.patch("{\"spec\":{\"brokers\":{\"replicas\":3},\"rebalance\":{\"throttleBytesPerSec\":20000}}}");
        AtomicReference<OperationStatus> drain = new AtomicReference<>();
        await("the drain moves data off the leaving broker, throttled").atMost(WAIT).until(() -> {
            OperationStatus op = rig.cluster().getStatus().operation();
            drain.set(op);
            return op != null && OperationStatus.SCALE_DOWN.equals(op.type()) && rig.reassigning();
        });
        int leaving = drain.get().brokers().get(0);
        // a broker that stays, on its first node (broker 1 already went to its spare in case 1)
        int mover = List.of(0, 2, 3).stream().filter(id -> id != leaving).findFirst().orElseThrow();
        assertThat(node(mover)).isEqualTo("n" + mover);
        int suspendedBefore = RollingRestartTest.messagesOf(rig, MakeWay.SUSPENDED).size();

        rig.cordon("n" + mover, true);
        KafkaClusterStatus seen = suspendedWhileTheMoveRuns("the drain set aside, the move in flight");
        assertThat(seen.suspended().type()).isEqualTo(OperationStatus.SCALE_DOWN);
        assertThat(seen.suspended().brokers()).containsExactly(leaving);
        assertThat(seen.operation().brokers()).as("only the broker that must move").containsExactly(mover);
        assertThat(seen.condition(ConditionType.ScaleDownBlocked).reason()).isEqualTo(MakeWay.REASON);
        assertThat(rig.brokerPod(leaving)).as("the leaving broker is not brought back or taken").isNotNull();
        rig.patch("{\"spec\":{\"rebalance\":{\"throttleBytesPerSec\":50000000}}}");

        await("the broker moved, the drain resumed, broker " + leaving + " removed").atMost(WAIT).until(() -> {
            KafkaClusterStatus s = rig.cluster().getStatus();
            return ("s" + mover).equals(node(mover)) && s.operation() == null && s.suspended() == null
                    && !rig.registered(leaving) && rig.eventReasons().contains(ScaleEvent.SCALE_DOWN_COMPLETE.reason());
        });
        assertThat(rig.glue().stops.get(mover)).as("once, leading nothing, every replica in sync")
                .containsExactly("led 0, under-replicated 0");
        DayTwoRig.eventsSay(() -> assertThat(RollingRestartTest.messagesOf(rig, MakeWay.SUSPENDED)).hasSize(suspendedBefore + 1)
                .contains("ScaleDown of brokers [" + leaving + "] suspended: broker " + mover + " is on cordoned node n"
                        + mover + ", and a node drain waits for its leader-aware move. The moves Kafka was running are"
                        + " cancelled and put back; what moved before stays moved. It resumes once no broker or"
                        + " controller must move off a cordoned node."));
        assertThat(rig.replicasPerBroker("orders")).doesNotContainKey(leaving);
        assertNothingLost();
    }

    /**
     * A replacement: {@code brokers.remove} names a broker and the count stays, so the spec wants a new broker
     * in its place. The named broker's drain is then a scale already under way, not one still wanted
     * ({@link RestartQueue#scaleWanted}), and it makes way the same; before, the name alone kept the move
     * waiting for the whole drain.
     */
    @Test
    @Order(3)
    void aCordonSuspendsTheDrainOfANamedBrokerWhoseReplacementIsUp() throws Exception {
        Set<Integer> before = new TreeSet<>(KafkaAwait.registeredBrokers(rig.admin()));
        int named = before.stream().filter(id -> RACKS.get(id).equals("a")).findFirst().orElseThrow();
        int completeBefore = RollingRestartTest.messagesOf(rig, ScaleEvent.SCALE_DOWN_COMPLETE.reason()).size();
        rig.patch("{\"spec\":{\"brokers\":{\"remove\":[" + named + "]},\"rebalance\":{\"throttleBytesPerSec\":20000}}}");
        await("the replacement registered, the named broker drained onto it, throttled").atMost(WAIT).until(() -> {
            OperationStatus op = rig.cluster().getStatus().operation();
            return op != null && OperationStatus.SCALE_DOWN.equals(op.type()) && rig.reassigning();
        });
        assertThat(rig.cluster().getStatus().operation().brokers()).containsExactly(named);
        // a broker that stays, moved from the node it runs on to the next of n, s, t (the earlier ones stay cordoned)
        int mover = before.stream().filter(id -> id != named).findFirst().orElseThrow();
        String from = node(mover);
        List<String> nodes = List.of("n" + mover, "s" + mover, "t" + mover);
        String to = nodes.get(nodes.indexOf(from) + 1);
        int stopsBefore = rig.glue().stops.getOrDefault(mover, List.of()).size();

        rig.cordon(from, true);
        KafkaClusterStatus seen = suspendedWhileTheMoveRuns("the named broker's drain set aside, the move in flight");
        assertThat(seen.suspended().type()).isEqualTo(OperationStatus.SCALE_DOWN);
        assertThat(seen.suspended().brokers()).containsExactly(named);
        assertThat(seen.operation().brokers()).as("only the broker that must move").containsExactly(mover);
        assertThat(seen.condition(ConditionType.ScaleDownBlocked).reason()).isEqualTo(MakeWay.REASON);
        rig.patch("{\"spec\":{\"rebalance\":{\"throttleBytesPerSec\":50000000}}}");

        await("the broker moved, the drain resumed, broker " + named + " removed").atMost(WAIT).until(() -> {
            KafkaClusterStatus s = rig.cluster().getStatus();
            return to.equals(node(mover)) && s.operation() == null && s.suspended() == null && !rig.registered(named)
                    && RollingRestartTest.messagesOf(rig, ScaleEvent.SCALE_DOWN_COMPLETE.reason()).size() > completeBefore;
        });
        assertThat(rig.glue().stops.get(mover)).as("once more, leading nothing, every replica in sync")
                .hasSize(stopsBefore + 1).last().isEqualTo("led 0, under-replicated 0");
        Set<Integer> after = new TreeSet<>(KafkaAwait.registeredBrokers(rig.admin()));
        assertThat(after).as("three brokers: the named one replaced").hasSize(3).doesNotContain(named);
        assertThat(rig.replicasPerBroker("orders")).doesNotContainKey(named);
        assertNothingLost();
    }

    /** Every partition on 3 distinct brokers, the throttles off, and all 2,400 records of each partition readable. */
    private static void assertNothingLost() throws Exception {
        assertThat(rig.replicas("orders").values()).allMatch(r -> r.size() == 3 && r.stream().distinct().count() == 3);
        await("throttles off").atMost(WAIT).until(() -> rig.throttles().isEmpty());
        for (int p = 0; p < 6; p++) {
            assertThat(KafkaRecords.consumeAll(rig.bootstrap(), new TopicPartition("orders", p))).hasSize(2400);
        }
    }

    /** The status once a scale is set aside and the Restart that moves a pod off the cordoned node is in flight. */
    private static KafkaClusterStatus suspendedWhileTheMoveRuns(String what) {
        AtomicReference<KafkaClusterStatus> seen = new AtomicReference<>();
        await(what).atMost(WAIT).until(() -> {
            KafkaClusterStatus s = rig.cluster().getStatus();
            seen.set(s);
            return s.suspended() != null && s.operation() != null && RestartStep.TYPE.equals(s.operation().type());
        });
        return seen.get();
    }

    private static String node(int id) throws Exception {
        V1Pod p = rig.brokerPod(id);
        return p == null ? null : p.getSpec().getNodeName();
    }
}
