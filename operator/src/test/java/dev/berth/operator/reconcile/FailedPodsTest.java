package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.act.FailedPods;
import dev.berth.testbed.k8s.KubeApiTestBed;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.util.PatchUtils;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A Kafka pod the kubelet evicted (phase {@code Failed}) is deleted and created again ({@link FailedPods}):
 * berth's pods are bare, and before, such a pod stayed Failed for good, its name keeping the apply stage
 * from creating a new one. The operator runs on the Kubernetes API bed (no Kafka answers: creation and
 * healing do not need it); the test plays the kubelet by writing the pod's status.
 */
class FailedPodsTest {
    static final String NS = "kafka";
    static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void anEvictedBrokerAndControllerAreCreatedAgainAndNothingElseIsTouched() throws Exception {
        KubeApiTestBed bed = KubeApiTestBed.start();
        bed.load(OperatorFixture.CRD);
        Operator operator = OperatorFixture.operator(bed, OperatorFixture.config(NS, "127.0.0.1:1", "berth-operator",
                "op-failed-pods"));
        try {
            operator.start();
            OperatorFixture.create(bed, NS, "evicted", OperatorFixture.spec(1, 2, null));
            await("the pods").atMost(WAIT).until(() -> OperatorFixture.pods(bed, NS, "evicted").size() == 3);
            Map<String, String> before = uids(bed);

            evict(bed, "evicted-broker-1");
            evict(bed, "evicted-controller-0");
            await("both created again").atMost(WAIT).until(() -> {
                Map<String, String> now = uids(bed);
                return now.size() == 3 && !now.get("evicted-broker-1").equals(before.get("evicted-broker-1"))
                        && !now.get("evicted-controller-0").equals(before.get("evicted-controller-0"));
            });
            assertThat(uids(bed).get("evicted-broker-0")).as("a running pod is left alone")
                    .isEqualTo(before.get("evicted-broker-0"));
            V1Pod again = new CoreV1Api(bed.apiClient()).readNamespacedPod("evicted-broker-1", NS).execute();
            assertThat(again.getStatus() == null ? null : again.getStatus().getPhase()).as("a new pod")
                    .isNotEqualTo("Failed");
        } finally {
            OperatorFixture.closeAll(operator, bed);
        }
    }

    @Test
    void onlyTerminalPhasesCount() {
        record Row(String phase, boolean terminal) {}
        for (Row r : List.of(new Row("Failed", true), new Row("Succeeded", true), new Row("Running", false),
                new Row("Pending", false), new Row("Unknown", false), new Row(null, false))) {
            assertThat(FailedPods.terminal(new V1Pod().status(new V1PodStatus().phase(r.phase())))).as(r.phase())
                    .isEqualTo(r.terminal());
        }
        assertThat(FailedPods.terminal(new V1Pod())).as("no status yet").isFalse();
    }

    /** What the kubelet writes when it evicts a pod for node pressure. */
    static void evict(KubeApiTestBed bed, String pod) throws Exception {
        CoreV1Api core = new CoreV1Api(bed.apiClient());
        String body = "{\"status\":{\"phase\":\"Failed\",\"reason\":\"Evicted\",\"message\":\"The node was low on"
                + " resource: ephemeral-storage.\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"}]}}";
        PatchUtils.patch(V1Pod.class, () -> core.patchNamespacedPodStatus(pod, NS, new V1Patch(body)).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, bed.apiClient());
    }

    static Map<String, String> uids(KubeApiTestBed bed) throws Exception {
        return OperatorFixture.pods(bed, NS, "evicted").stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));
    }
}
