package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.DayTwoRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.api.StorageSpec;
import io.kubernetes.client.openapi.apis.PolicyV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Brokers on local storage and cordoned nodes, on real KRaft brokers, the API bed and the operator.
 * Broker {@code i} can only run on {@code n<i>}, where its volume is (the glue binds nowhere else, as
 * a scheduler would with a node-bound volume). Such a broker is never moved for a cordon, and no
 * other restart stops it while its node is cordoned: its new pod could not start until the node is
 * back (a probe saw a configuration roll leave it down until then).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CordonLocalStorageTest {
    static DayTwoRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = DayTwoRig.brokers("local", CordonMoveTest.RACKS, 3).orders(6, 200).placeOn(id -> List.of("n" + id))
                .operate(3, 50_000_000L, new StorageSpec("1Gi", null, true)).settled();
        for (String n : List.of("n0", "n1", "n2")) {
            rig.core.createNode(new V1Node().metadata(new V1ObjectMeta().name(n))).execute();
        }
        await("nothing cordoned").atMost(WAIT)
                .until(() -> "NoneCordoned".equals(reason(ConditionType.OnCordonedNodes)));
    }

    @AfterAll
    static void stop() {
        OperatorFixture.closeAll(rig);
    }

    @Test
    @Order(1)
    void aBrokerWhoseDataIsOnACordonedNodeStaysAndStatusSaysSo() throws Exception {
        String uid = pod(0).getMetadata().getUid();
        rig.cordon("n0", true);
        await("the condition says it stays").atMost(WAIT)
                .until(() -> "LocalStorageStays".equals(reason(ConditionType.OnCordonedNodes)));
        await("nothing moves").during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(15)).until(() ->
                uid.equals(pod(0).getMetadata().getUid()) && rig.cluster().getStatus().operation() == null);
        assertThat(rig.isTrue(ConditionType.PodsOutOfDate)).isFalse();
        assertThat(rig.glue().stops).isEmpty();
        PolicyV1Api policy = new PolicyV1Api(rig.bed.apiClient());
        int brokerPods = (int) OperatorFixture.pods(rig.bed, DayTwoRig.NS, rig.name).stream()
                .filter(p -> "broker".equals(p.getMetadata().getLabels().get("berth.dev/role"))).count();
        assertThat(policy.readNamespacedPodDisruptionBudget("local-brokers", DayTwoRig.NS).execute().getSpec())
                .as("evictions one at a time: berth cannot move them").satisfies(spec -> {
                    assertThat(spec.getMinAvailable().getIntValue()).isEqualTo(brokerPods - 1);
                    assertThat(spec.getMaxUnavailable()).isNull();
                });
        assertThat(policy.readNamespacedPodDisruptionBudget("local-controllers", DayTwoRig.NS).execute().getSpec()
                .getMaxUnavailable().getIntValue()).as("its controller is on network storage: berth moves it").isEqualTo(0);
    }

    @Test
    @Order(2)
    void aRollTakesTheOtherBrokersFirstAndWaitsForTheCordonedNodeInsteadOfStoppingTheBrokerThere() throws Exception {
        String uid = pod(0).getMetadata().getUid();
        rig.patch("{\"spec\":{\"config\":{\"log.retention.hours\":\"72\"}}}"); // read at start only: a roll
        await("brokers 1 and 2 restarted first; then the roll waits at broker 0, and says why").atMost(WAIT).until(() -> {
            OperationStatus op = rig.cluster().getStatus().operation();
            Condition c = rig.cluster().getStatus().condition(ConditionType.RestartBlocked);
            return op != null && RestartStep.WAITING_SAFE.equals(op.phase()) && c != null && c.isTrue()
                    && "NodeCordoned".equals(c.reason()) && rig.glue().stops.keySet().equals(Set.of(1, 2));
        });
        assertThat(rig.cluster().getStatus().condition(ConditionType.RestartBlocked).message()).isEqualTo("Waiting to"
                + " restart broker 0: its node n0 is cordoned, and its data is on that node's local disk, so a new pod"
                + " could not start there until it is back. It goes on once n0 is uncordoned.");
        await("broker 0 keeps running").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> uid.equals(pod(0).getMetadata().getUid()) && !rig.glue().stops.containsKey(0));
        assertThat(waitingEvents()).as("one Warning for the wait, not one per pass").containsExactly("Warning: Waiting"
                + " to restart broker 0: its node n0 is cordoned, and its data is on that node's local disk, so a new"
                + " pod could not start there until it is back.");

        rig.cordon("n0", false);
        await("the roll over once n0 is back").atMost(WAIT).until(() -> rig.cluster().getStatus().operation() == null
                && !rig.isTrue(ConditionType.PodsOutOfDate) && !rig.isTrue(ConditionType.RestartBlocked));
        assertThat(rig.glue().stops).as("each broker once, leading nothing, every other replica in sync")
                .isEqualTo(Map.of(0, List.of("led 0, under-replicated 0"), 1, List.of("led 0, under-replicated 0"),
                        2, List.of("led 0, under-replicated 0")));
        assertThat(pod(0).getSpec().getNodeName()).isEqualTo("n0");
    }

    @Test
    @Order(3)
    void aTurnCordonedBeforeItsLeadershipMovedGoesToTheNextBrokerAndAnEvictedOneIsNamedInStatus() throws Exception {
        // broker 2 lost: broker 0's turn waits before any leadership moves
        rig.glue().lose(2);
        rig.patch("{\"spec\":{\"config\":{\"log.retention.hours\":\"96\"}}}");
        await("broker 0's turn waits").atMost(WAIT).until(() -> {
            OperationStatus op = rig.cluster().getStatus().operation();
            return op != null && "0".equals(op.details().get(RestartStep.CURRENT))
                    && RestartStep.WAITING_SAFE.equals(op.phase());
        });
        rig.cordon("n0", true);
        await("the turn goes to broker 1").atMost(WAIT).until(() -> {
            OperationStatus op = rig.cluster().getStatus().operation();
            return op != null && "1".equals(op.details().get(RestartStep.CURRENT));
        });
        assertThat(waitingEvents()).contains("Normal: Broker 0 waits for its cordoned node n0 (its data is on local"
                + " disk there); broker 1 goes first.");
        rig.glue().recover(2);
        await("brokers 1 and 2 restarted, then the roll waits at broker 0").atMost(WAIT).until(() ->
                "NodeCordoned".equals(reason(ConditionType.RestartBlocked))
                        && rig.glue().stops.get(1).size() == 2 && rig.glue().stops.get(2).size() == 2);
        assertThat(rig.glue().stops.get(0)).as("not stopped since the last roll").hasSize(1);

        rig.core.deleteNamespacedPod("local-broker-0", DayTwoRig.NS).execute(); // a drain's eviction, say
        await("its new pod waits for n0, and status says so").atMost(WAIT).until(() -> {
            OperationStatus op = rig.cluster().getStatus().operation();
            V1Pod p = pod(0);
            return p != null && p.getSpec().getNodeName() == null && op != null
                    && RestartStep.RESTARTING.equals(op.phase())
                    && "NodeCordoned".equals(reason(ConditionType.RestartBlocked))
                    && "LocalStorageStays".equals(reason(ConditionType.OnCordonedNodes));
        });
        assertThat(rig.cluster().getStatus().condition(ConditionType.RestartBlocked).message()).isEqualTo("Waiting for"
                + " broker 0's new pod local-broker-0: its data is on the local disk of n0, which is cordoned (broker 3"
                + " of 3). It comes back once n0 is uncordoned; every other operation waits meanwhile.");
        assertThat(rig.cluster().getStatus().condition(ConditionType.OnCordonedNodes).message())
                .contains("broker 0 on cordoned node n0, stays (local storage)");
        await("a Warning when the wait changed from the roll's turn to the evicted pod").atMost(WAIT)
                .until(() -> waitingEvents().contains("Warning: Waiting for broker 0's new pod local-broker-0: its data"
                        + " is on the local disk of n0, which is cordoned (broker 3 of 3)."));

        rig.cordon("n0", false);
        await("back on n0, the roll over").atMost(WAIT).until(() -> rig.cluster().getStatus().operation() == null
                && !rig.isTrue(ConditionType.PodsOutOfDate) && !rig.isTrue(ConditionType.RestartBlocked));
        assertThat(pod(0).getSpec().getNodeName()).isEqualTo("n0");
    }

    /** A node relabelled into another rack: the drift is said, and the broker, whose data is there, stays. */
    @Test
    @Order(4)
    void aBrokerWhoseNodeDriftedStaysWithItsDataAndStatusSaysSo() throws Exception {
        String uid = pod(1).getMetadata().getUid();
        int stops = rig.glue().stops.getOrDefault(1, List.of()).size();
        io.kubernetes.client.util.PatchUtils.patch(V1Node.class, () -> rig.core.patchNode("n1",
                new io.kubernetes.client.custom.V1Patch("{\"metadata\":{\"labels\":{\"topology.kubernetes.io/zone\":"
                        + "\"x\"}}}")).buildCall(null),
                io.kubernetes.client.custom.V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, rig.bed.apiClient());
        rig.advance(dev.berth.operator.observe.NodeLabels.MAX_AGE.plusSeconds(1)); // the labels are read once a period
        await("the condition says it stays").atMost(WAIT)
                .until(() -> "LocalStorageStays".equals(reason(ConditionType.PlacementDrift)));
        assertThat(rig.cluster().getStatus().condition(ConditionType.PlacementDrift).message()).contains("broker 1 on"
                + " node n1 of rack x, not its rack b (placement drift: broker rack mismatch); stays: its data is on the"
                + " node's local disk");
        await("nothing moves").during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(15)).until(() ->
                uid.equals(pod(1).getMetadata().getUid()) && rig.cluster().getStatus().operation() == null
                        && !rig.isTrue(ConditionType.PodsOutOfDate));
        assertThat(rig.glue().stops.getOrDefault(1, List.of())).hasSize(stops);
    }

    private static V1Pod pod(int id) throws Exception {
        return rig.brokerPod(id);
    }

    /** The {@code RestartWaiting} Events, as "type: message", one entry per Event posted. */
    private static List<String> waitingEvents() throws Exception {
        return rig.core.listNamespacedEvent(DayTwoRig.NS).execute().getItems().stream()
                .filter(e -> RestartStep.Event.RESTART_WAITING.reason.equals(e.getReason()))
                .map(e -> e.getType() + ": " + e.getMessage()).toList();
    }

    private static String reason(ConditionType type) throws Exception {
        return rig.reason(type);
    }
}
