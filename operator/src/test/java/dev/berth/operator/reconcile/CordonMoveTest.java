package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.DayTwoRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.OperationStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Brokers moved off cordoned nodes ({@code kubectl cordon}, or the first step of {@code kubectl
 * drain}) on real KRaft brokers, the Kubernetes API bed and the operator. Broker {@code i} runs on
 * node {@code n<i>} and may move to the spare {@code s<i>}; the glue binds pods as a scheduler with
 * the extender would (never onto a cordoned node or the pod's {@code berth.dev/avoid-node}), and
 * notes what Kafka showed when each broker's pod went.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CordonMoveTest {
    static final Map<Integer, String> RACKS = Map.of(0, "a", 1, "b", 2, "c");
    /** Spare nodes a broker may move to; a test takes one away to leave a broker nowhere to go. */
    static final Set<String> SPARES = ConcurrentHashMap.newKeySet();

    static DayTwoRig rig;

    @BeforeAll
    static void start() throws Exception {
        SPARES.addAll(List.of("s0", "s1", "s2"));
        Map<String, Map<String, String>> nodes = new java.util.HashMap<>();
        for (String n : List.of("n0", "n1", "n2", "s0", "s1", "s2")) { // each in its brokers' rack: n1 and s1 in b
            nodes.put(n, Map.of("topology.kubernetes.io/zone", RACKS.get(n.charAt(1) - '0')));
        }
        rig = DayTwoRig.brokers("cordon", RACKS, 3).orders(6, 200)
                .placeOn(id -> SPARES.contains("s" + id) ? List.of("n" + id, "s" + id) : List.of("n" + id))
                .nodes(nodes).operate(3, 50_000_000L).settled();
        await("every broker pod on its node").atMost(WAIT).until(() -> node(0) != null && node(1) != null
                && node(2) != null);
        await("nothing cordoned").atMost(WAIT).until(() -> reason(ConditionType.OnCordonedNodes).equals("NoneCordoned"));
    }

    @AfterAll
    static void stop() {
        OperatorFixture.closeAll(rig);
    }

    @Test
    @Order(1)
    void aBrokerOnACordonedNodeMovesOffItLeaderAwareAndKeepsAwayFromIt() throws Exception {
        assertThat(node(1)).isEqualTo("n1");
        String uid = pod(1).getMetadata().getUid();
        rig.cordon("n1", true);
        await("broker 1 moved to s1, the operation over").atMost(WAIT).until(() -> "s1".equals(node(1))
                && rig.cluster().getStatus().operation() == null && !rig.isTrue(ConditionType.PodsOutOfDate));
        assertThat(pod(1).getMetadata().getUid()).isNotEqualTo(uid);
        assertThat(pod(1).getMetadata().getAnnotations()).containsEntry("berth.dev/avoid-node", "n1");
        assertThat(rig.glue().stops).as("only broker 1 went, leading nothing, every other replica in sync")
                .isEqualTo(Map.of(1, List.of("led 0, under-replicated 0")));
        assertThat(RollingRestartTest.messagesOf(rig, RestartStep.Event.RESTART_STARTED.reason))
                .containsExactly("Restarting brokers [1] one at a time, leader-aware (1: on cordoned node n1).");
        assertThat(RollingRestartTest.messagesOf(rig, "PodRecreated")).containsExactly("Recreated broker pod"
                + " cordon-broker-1 with the same id, PVC and rack b, away from node n1 (berth.dev/avoid-node).");
        // posted in the pass that ends the operation, after its status write: awaited, not read once
        await("the Event of the move").atMost(WAIT).untilAsserted(() -> assertThat(RollingRestartTest.messagesOf(rig,
                RestartStep.Event.BROKER_RESTARTED.reason)).singleElement().asString()
                .startsWith("Broker 1 moved off the cordoned node n1 and restarted with the current spec;"));
        await("preferred leaders lead again").atMost(WAIT).until(() -> rig.notLedByPreferred("orders").isEmpty());
        await("no broker on a cordoned node").atMost(WAIT)
                .until(() -> reason(ConditionType.OnCordonedNodes).equals("NoneCordoned"));
        assertThat(node(0)).isEqualTo("n0");
        assertThat(node(2)).isEqualTo("n2");
    }

    @Test
    @Order(2)
    void aMovedBrokerWithNowhereToGoReturnsOnceItsNodeIsUncordoned() throws Exception {
        SPARES.remove("s2");
        rig.cordon("n2", true);
        await("broker 2's new pod waits, unbound, avoiding n2").atMost(WAIT).until(() -> {
            V1Pod p = pod(2);
            OperationStatus op = rig.cluster().getStatus().operation();
            return p != null && p.getSpec().getNodeName() == null
                    && "n2".equals(p.getMetadata().getAnnotations().get("berth.dev/avoid-node"))
                    && op != null && RestartStep.RESTARTING.equals(op.phase()) && rig.glue().stops.containsKey(2);
        });
        assertThat(rig.glue().stops.get(2)).containsExactly("led 0, under-replicated 0");
        // the operation keeps waiting for it: no other broker goes meanwhile
        await("still waiting").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> node(2) == null && rig.cluster().getStatus().operation() != null);

        rig.cordon("n2", false);
        await("the avoidance dropped, broker 2 back on n2, the operation over").atMost(WAIT).until(() ->
                "n2".equals(node(2)) && rig.cluster().getStatus().operation() == null);
        // null or absent: the bed's merge patch may keep a key whose value was set to null
        assertThat(pod(2).getMetadata().getAnnotations().get("berth.dev/avoid-node")).as("avoidance dropped").isNull();
        assertThat(rig.glue().stops.keySet()).containsExactlyInAnyOrder(1, 2);
        await("preferred leaders lead again").atMost(WAIT).until(() -> rig.notLedByPreferred("orders").isEmpty());
    }

    @Test
    @Order(3)
    void theConditionNamesABrokerOnACordonedNodeWhileItWaitsAndAnUncordonCallsTheMoveOff() throws Exception {
        // broker 0 cannot be stopped safely while broker 2 is lost: the move waits, and says where it is
        rig.glue().lose(2);
        rig.cordon("n0", true);
        await("OnCordonedNodes names broker 0, and the restart waits").atMost(WAIT).until(() -> {
            Condition c = rig.cluster().getStatus().condition(ConditionType.OnCordonedNodes);
            return c != null && c.isTrue() && "MovingBrokers".equals(c.reason()) && rig.isTrue(ConditionType.RestartBlocked);
        });
        assertThat(rig.cluster().getStatus().condition(ConditionType.OnCordonedNodes).message()).isEqualTo("Moving"
                + " brokers off cordoned nodes, one at a time, leader-aware (operation Restart): broker 0 on cordoned"
                + " node n0.");
        assertThat(node(0)).isEqualTo("n0");

        // uncordoned before it was safe: the move is called off, and the Events say so
        String uid = pod(0).getMetadata().getUid();
        rig.cordon("n0", false);
        await("the move called off").atMost(WAIT).until(() -> rig.cluster().getStatus().operation() == null
                && "NoneCordoned".equals(reason(ConditionType.OnCordonedNodes)));
        assertThat(pod(0).getMetadata().getUid()).isEqualTo(uid);
        await("the Events of the call-off").atMost(WAIT).untilAsserted(() -> {
            assertThat(RollingRestartTest.messagesOf(rig, RestartStep.Event.BROKER_RESTARTED.reason)).contains("Broker 0"
                    + " not restarted: it no longer needs it (an edit undone, a request taken back, its node uncordoned);"
                    + " 0 partitions' leadership given back.");
            assertThat(RollingRestartTest.messagesOf(rig, RestartStep.Event.RESTART_DONE.reason))
                    .contains("No broker needed its restart any more; none was restarted.");
        });

        rig.cordon("n0", true);
        rig.glue().recover(2);
        await("broker 0 moved to s0 once safe").atMost(WAIT).until(() -> "s0".equals(node(0))
                && rig.cluster().getStatus().operation() == null);
        assertThat(rig.glue().stops.get(0)).as("once, leader-aware").containsExactly("led 0, under-replicated 0");
    }

    /**
     * Broker 2's rack c has n2 and s2. With s2 cordoned too, no other node of rack c would take broker 2: moved,
     * its new pod would wait unbound (pinned to rack c) and the broker be down for as long as the cordon lasts.
     * It stays, and the condition says why; nothing restarts.
     */
    @Test
    @Order(4)
    void aBrokerNoOtherNodeOfItsRackWouldTakeStaysOnItsCordonedNode() throws Exception {
        assertThat(node(2)).isEqualTo("n2");
        String uid = pod(2).getMetadata().getUid();
        rig.cordon("s2", true);
        rig.cordon("n2", true);
        try {
            await("OnCordonedNodes says broker 2 stays").atMost(WAIT).until(() ->
                    "NoOtherNode".equals(reason(ConditionType.OnCordonedNodes)));
            assertThat(rig.cluster().getStatus().condition(ConditionType.OnCordonedNodes).message())
                    .startsWith("Brokers stay on cordoned nodes: broker 2 on cordoned node n2, stays (no other schedulable"
                            + " node of its rack).");
            await("broker 2 not restarted").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() ->
                    uid.equals(pod(2).getMetadata().getUid()) && rig.cluster().getStatus().operation() == null);
            assertThat(rig.isTrue(ConditionType.PodsOutOfDate)).isFalse();
        } finally {
            rig.cordon("n2", false);
            rig.cordon("s2", false);
        }
        await("nothing on a cordoned node").atMost(WAIT).until(() -> "NoneCordoned".equals(reason(ConditionType.OnCordonedNodes)));
        assertThat(pod(2).getMetadata().getUid()).isEqualTo(uid);
    }

    private static V1Pod pod(int id) throws Exception {
        return rig.brokerPod(id);
    }

    private static String node(int id) throws Exception {
        V1Pod p = pod(id);
        return p == null ? null : p.getSpec().getNodeName();
    }

    private static String reason(ConditionType type) throws Exception {
        return rig.reason(type);
    }
}
