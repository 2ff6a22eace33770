package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.DayTwoRig.NS;
import static dev.berth.operator.reconcile.DayTwoRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.api.ConditionType;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.apis.PolicyV1Api;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.util.PatchUtils;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The roles deploy/operator.yaml binds to the operator's service account (the ClusterRole, and the
 * Lease Role in berth-system) are enough for what the operator calls. {@code DeployManifestsTest} pins
 * the roles' text; here the operator runs as that service account on the Kubernetes API bed, which
 * grants only what the roles allow and refuses the rest with 403 ({@link DayTwoRig#runAs}), against
 * real KRaft brokers: creation, a run-time config edit, a hand-edited budget, a lost pod and a lost PVC,
 * a scale-up and a scale-down. A missing rule shows as a refused call here, instead of as a cluster stuck
 * in a real installation; a rule nothing calls shows as granted and unused.
 */
class ShippedRoleTest {
    static final Path MANIFEST = Path.of("..", "deploy", "operator.yaml");
    static final Map<Integer, String> RACKS = Map.of(0, "a", 1, "b", 2, "c", 3, "a");

    static DayTwoRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = DayTwoRig.brokers("shipped", RACKS, 3).orders(6, 20).runAs(MANIFEST)
                .placeOn(id -> List.of("n" + id)).operate(3, 50_000_000L);
        for (int id = 0; id <= 3; id++) { // each node in its broker's rack: placement drift reads them, finds none
            rig.core.createNode(new V1Node().metadata(new V1ObjectMeta().name("n" + id)
                    .labels(Map.of("topology.kubernetes.io/zone", RACKS.get(id))))).execute();
        }
    }

    @AfterAll
    static void stop() {
        OperatorFixture.closeAll(rig);
    }

    @Test
    void theOperatorDoesItsWorkWithTheShippedRolesAndNothingIsRefused() throws Exception {
        until("Ready", () -> rig.isTrue(ConditionType.Ready));
        until("the brokers' nodes read", () -> "NoneDrifted".equals(rig.cluster().getStatus()
                .condition(ConditionType.PlacementDrift).reason()));

        // a key Kafka takes at run time: the ConfigMap is replaced and the pods annotated, nothing restarted
        rig.patch("{\"spec\":{\"config\":{\"log.retention.ms\":\"3600000\"}}}");
        until("the edit applied at run time", () -> rig.eventCount(LiveConfig.CONFIG_APPLIED) == 1
                && !rig.isTrue(ConditionType.PodsOutOfDate));

        // a budget edited by hand is set back
        PolicyV1Api policy = new PolicyV1Api(rig.bed.apiClient());
        var shipped = policy.readNamespacedPodDisruptionBudget("shipped-brokers", NS).execute().getSpec();
        PatchUtils.patch(V1PodDisruptionBudget.class, () -> policy.patchNamespacedPodDisruptionBudget("shipped-brokers", NS,
                new V1Patch("{\"spec\":{\"maxUnavailable\":3,\"minAvailable\":null}}")).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, rig.bed.apiClient());
        until("the budget set back", () -> {
            var now = policy.readNamespacedPodDisruptionBudget("shipped-brokers", NS).execute().getSpec();
            return java.util.Objects.equals(now.getMaxUnavailable(), shipped.getMaxUnavailable())
                    && java.util.Objects.equals(now.getMinAvailable(), shipped.getMinAvailable());
        });

        // a broker pod lost: recreated with its PVC (read first); a PVC lost under its pod (read first): created again
        String lostUid = pod("shipped-broker-0").getMetadata().getUid();
        rig.core.deleteNamespacedPod("shipped-broker-0", NS).execute();
        until("broker 0's pod recreated", () -> pod("shipped-broker-0") != null
                && !lostUid.equals(pod("shipped-broker-0").getMetadata().getUid()) && rig.isTrue(ConditionType.Ready));
        rig.core.deleteNamespacedPersistentVolumeClaim("data-shipped-broker-1", NS).execute();
        until("broker 1's PVC created again", () -> rig.eventCount("PvcRecreated") == 1);

        // scale up: a pod and a PVC created, partitions moved onto the new broker
        rig.patch("{\"spec\":{\"brokers\":{\"replicas\":4}}}");
        until("broker 3 takes replicas", () -> rig.cluster().getStatus().operation() == null
                && !rig.reassigning() && rig.replicasPerBroker("orders").getOrDefault(3, 0) > 0);

        // scale down: drained, verified, unregistered; its pod and PVC deleted
        rig.patch("{\"spec\":{\"brokers\":{\"replicas\":3,\"remove\":[3]}}}");
        until("broker 3 removed", () -> !rig.registered(3)
                && rig.cluster().getStatus().operation() == null
                && rig.core.listNamespacedPersistentVolumeClaim(NS).execute().getItems().stream()
                        .noneMatch(p -> p.getMetadata().getName().contains("shipped-broker-3")));
        DayTwoRig.eventsSay(() -> assertThat(rig.eventCount("ScaleDownComplete")).isEqualTo(1));

        assertThat(rig.serviceAccount.refused()).as("calls the shipped roles do not allow").isEmpty();
        java.util.SortedSet<String> unused = dev.berth.testbed.k8s.RbacGrant.pairs(
                dev.berth.testbed.k8s.RbacGrant.boundIn(MANIFEST, "berth-system", "berth-operator", "berth-system"));
        unused.removeAll(rig.serviceAccount.used());
        // update kafkaclusters/finalizers is for an admission plugin the bed lacks (see deploy/operator.yaml)
        assertThat(unused).as("granted, never called").containsExactly("update kafkaclusters/finalizers");
        assertThat(rig.eventReasons()).doesNotContain("StepFailed", "ApplyFailed");
    }

    /** Awaits {@code done}; a timeout names the calls refused so far, the likely reason. */
    static void until(String what, java.util.concurrent.Callable<Boolean> done) {
        try {
            await(what).atMost(WAIT).until(done);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(what + " did not happen; refused so far: " + rig.serviceAccount.refused(), e);
        }
    }

    static io.kubernetes.client.openapi.models.V1Pod pod(String name) throws Exception {
        return rig.core.listNamespacedPod(NS).execute().getItems().stream()
                .filter(p -> p.getMetadata().getName().equals(name)).findFirst().orElse(null);
    }
}
