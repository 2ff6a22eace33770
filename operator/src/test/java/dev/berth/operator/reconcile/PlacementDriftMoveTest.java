package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.DayTwoRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.api.ConditionType;
import dev.berth.operator.observe.NodeLabels;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Placement drift on real KRaft brokers, the Kubernetes API bed and the operator: broker {@code i} (rack
 * a, b, c) runs on node {@code n<i>} of its rack, with a spare {@code s<i>} in the same rack; the glue binds
 * pods as kube-scheduler with the extender would (never onto the pod's {@code berth.dev/avoid-node}).
 * A node relabelled into another rack makes the broker's {@code broker.rack} untrue: the broker is moved
 * off it, leader-aware, as off a cordoned node, once another node of its rack would take it.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class PlacementDriftMoveTest {
    static final Map<Integer, String> RACKS = Map.of(0, "a", 1, "b", 2, "c");
    static final String ZONE = "topology.kubernetes.io/zone";
    /** The nodes the glue may bind broker i to, in order; a case narrows them as kube-scheduler might. */
    static final Map<Integer, List<String>> PLACES = new java.util.concurrent.ConcurrentHashMap<>();

    static DayTwoRig rig;

    @BeforeAll
    static void start() throws Exception {
        for (int id = 0; id < 3; id++) {
            PLACES.put(id, List.of("n" + id, "s" + id));
        }
        rig = DayTwoRig.brokers("drift", RACKS, 3).orders(6, 200)
                .placeOn(id -> PLACES.get(id))
                .operate(3, 50_000_000L).settled();
        for (int id = 0; id < 3; id++) {
            for (String n : List.of("n" + id, "s" + id)) {
                rig.core.createNode(new V1Node().metadata(new V1ObjectMeta().name(n).labels(Map.of(ZONE, RACKS.get(id)))))
                        .execute();
            }
        }
        await("every broker pod on its node").atMost(WAIT).until(() -> node(0) != null && node(1) != null
                && node(2) != null);
    }

    @AfterAll
    static void stop() {
        OperatorFixture.closeAll(rig);
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void aNodeRelabelledIntoAnotherRackLosesItsBrokerLeaderAwareOnceANodeOfItsRackTakesItAndTheOthersStay()
            throws Exception {
        assertThat(node(1)).isEqualTo("n1");
        String uid = pod(1).getMetadata().getUid();
        rig.cordon("s1", true); // rack b's only other node: broker 1 would have nowhere to go
        io.kubernetes.client.util.PatchUtils.patch(V1Node.class, () -> rig.core.patchNode("n1",
                new V1Patch("{\"metadata\":{\"labels\":{\"" + ZONE + "\":\"x\"}}}")).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, rig.bed.apiClient());
        // the operator reads a node's labels once a period: its clock passes the period instead of the test waiting
        rig.advance(NodeLabels.MAX_AGE.plusSeconds(1));

        await("the drift is seen, and broker 1 stays: no node of rack b would take it").atMost(WAIT).until(() ->
                "NoOtherNode".equals(rig.reason(ConditionType.PlacementDrift)));
        assertThat(rig.cluster().getStatus().condition(ConditionType.PlacementDrift).message())
                .contains("broker 1 on node n1 of rack x, not its rack b (placement drift: broker rack mismatch); stays:"
                        + " no other schedulable node of rack b would take it");
        await("nothing restarts meanwhile").during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).until(() ->
                uid.equals(pod(1).getMetadata().getUid()) && rig.cluster().getStatus().operation() == null
                        && !rig.isTrue(ConditionType.PodsOutOfDate));
        assertThat(rig.glue().stops).as("no broker stopped").isEmpty();

        rig.cordon("s1", false);
        rig.advance(NodeLabels.MAX_AGE.plusSeconds(1)); // the rack's nodes are listed once a period too
        await("broker 1 moved to s1, the operation over").atMost(WAIT).until(() -> "s1".equals(node(1))
                && rig.cluster().getStatus().operation() == null && !rig.isTrue(ConditionType.PodsOutOfDate));
        assertThat(pod(1).getMetadata().getUid()).isNotEqualTo(uid);
        assertThat(pod(1).getMetadata().getAnnotations()).containsEntry("berth.dev/avoid-node", "n1")
                .containsEntry("berth.dev/rack", "b");
        assertThat(rig.glue().stops).as("only broker 1 went, leading nothing, every other replica in sync")
                .isEqualTo(Map.of(1, List.of("led 0, under-replicated 0")));
        assertThat(RollingRestartTest.messagesOf(rig, RestartStep.Event.RESTART_STARTED.reason))
                .containsExactly("Restarting brokers [1] one at a time, leader-aware (1: on node n1 of rack x, not its"
                        + " rack b (placement drift: broker rack mismatch)).");
        // posted in the pass that ends the operation, after its status write: awaited, not read once
        await("the Event of the move").atMost(WAIT).untilAsserted(() -> assertThat(RollingRestartTest.messagesOf(rig,
                RestartStep.Event.BROKER_RESTARTED.reason)).singleElement().asString()
                .startsWith("Broker 1 moved off node n1 (placement drift) and restarted with the current spec;"));
        await("preferred leaders lead again").atMost(WAIT).until(() -> rig.notLedByPreferred("orders").isEmpty());
        await("it stays where it is now").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> "s1".equals(node(1)) && rig.cluster().getStatus().operation() == null);
        assertThat(rig.reason(ConditionType.PlacementDrift)).isEqualTo("NoneDrifted");
        assertThat(node(0)).isEqualTo("n0");
        assertThat(node(2)).isEqualTo("n2");
    }

    /**
     * The drift check counts on spare s2, but kube-scheduler refuses it for reasons of its own (CPU, say:
     * the glue is told not to bind there): broker 2's new pod waits, avoiding n2. Once n2 is labelled
     * back into rack c, it fits again: the avoidance is dropped and the broker returns there.
     */
    @Test
    @org.junit.jupiter.api.Order(2)
    void aMovedBrokerThatNoNodeTakesGoesBackOnceItsOldNodeFitsAgain() throws Exception {
        PLACES.put(2, List.of("n2"));
        String uid = pod(2).getMetadata().getUid();
        relabel("n2", "x");
        rig.advance(NodeLabels.MAX_AGE.plusSeconds(1));
        await("broker 2's new pod waits, avoiding n2").atMost(WAIT).until(() -> {
            V1Pod p = pod(2);
            return p != null && !uid.equals(p.getMetadata().getUid()) && p.getSpec().getNodeName() == null
                    && "n2".equals(p.getMetadata().getAnnotations().get("berth.dev/avoid-node"));
        });
        await("and keeps waiting while n2 drifts").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> node(2) == null && rig.cluster().getStatus().operation() != null);

        relabel("n2", "c");
        rig.advance(NodeLabels.MAX_AGE.plusSeconds(1)); // n2's labels are read again
        await("back on n2, the move over").atMost(WAIT).until(() -> "n2".equals(node(2))
                && rig.cluster().getStatus().operation() == null);
        assertThat(pod(2).getMetadata().getAnnotations().get("berth.dev/avoid-node")).as("the avoidance dropped").isNull();
        assertThat(rig.reason(ConditionType.PlacementDrift)).isEqualTo("NoneDrifted");
    }

    private static void relabel(String node, String rack) throws Exception {
        io.kubernetes.client.util.PatchUtils.patch(V1Node.class, () -> rig.core.patchNode(node,
                new V1Patch("{\"metadata\":{\"labels\":{\"" + ZONE + "\":\"" + rack + "\"}}}")).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, rig.bed.apiClient());
    }

    private static V1Pod pod(int id) throws Exception {
        return rig.brokerPod(id);
    }

    private static String node(int id) throws Exception {
        V1Pod p = pod(id);
        return p == null ? null : p.getSpec().getNodeName();
    }
}
