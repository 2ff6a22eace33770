package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.act.StuckPods;
import dev.berth.testbed.k8s.KubeApiTestBed;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStateWaiting;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.util.PatchUtils;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A Kafka pod that cannot start and that the spec has since changed is deleted and created from the spec
 * ({@link StuckPods}). Before, a cluster created with an image that does not exist stayed down after the
 * fix: every step waits for Kafka, which could not answer, and nothing else replaced the pods. The operator
 * runs on the Kubernetes API bed with no Kafka answering; the test plays the kubelet by writing pod status.
 */
class StuckPodsTest {
    static final String NS = "kafka";
    static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void podsThatCannotPullTheirImageGetTheCorrectedImageWhileKafkaIsDown() throws Exception {
        KubeApiTestBed bed = KubeApiTestBed.start();
        bed.load(OperatorFixture.CRD);
        Operator operator = OperatorFixture.operator(bed, OperatorFixture.config(NS, "127.0.0.1:1", "berth-operator",
                "op-stuck-pods"));
        try {
            operator.start();
            OperatorFixture.create(bed, NS, "typo", OperatorFixture.spec(1, 2, null));
            await("the pods").atMost(WAIT).until(() -> OperatorFixture.pods(bed, NS, "typo").size() == 3);
            Map<String, String> before = uids(bed);
            kubelet(bed, "typo-broker-0", "{\"state\":{\"waiting\":{\"reason\":\"ImagePullBackOff\"}},\"restartCount\":0}");
            kubelet(bed, "typo-controller-0", "{\"state\":{\"waiting\":{\"reason\":\"ErrImagePull\"}},\"restartCount\":0}");
            // log recovery: running, not Ready yet; the roll's to restart, in turn, once Kafka answers
            kubelet(bed, "typo-broker-1", "{\"state\":{\"running\":{}},\"restartCount\":0}");

            OperatorFixture.clusters(bed).patch(NS, "typo", V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                    new V1Patch("{\"spec\":{\"image\":\"apache/kafka:4.4.0-fixed\"}}")).throwsApiException();
            await("both stuck pods created again with the image").atMost(WAIT).until(() -> {
                Map<String, String> now = uids(bed);
                return now.size() == 3 && !now.get("typo-broker-0").equals(before.get("typo-broker-0"))
                        && !now.get("typo-controller-0").equals(before.get("typo-controller-0"));
            });
            CoreV1Api core = new CoreV1Api(bed.apiClient());
            assertThat(core.readNamespacedPod("typo-broker-0", NS).execute().getSpec().getContainers().get(0).getImage())
                    .isEqualTo("apache/kafka:4.4.0-fixed");
            assertThat(uids(bed).get("typo-broker-1")).as("a running pod is left to the roll")
                    .isEqualTo(before.get("typo-broker-1"));
        } finally {
            OperatorFixture.closeAll(operator, bed);
        }
    }

    @Test
    void onlyAPodThatCannotStartAsItIsCounts() {
        record Row(String name, V1PodStatus status, String stuck) {}
        V1PodCondition ready = new V1PodCondition().type("Ready").status("True");
        V1PodCondition unschedulable = new V1PodCondition().type("PodScheduled").status("False").reason("Unschedulable");
        List<Row> rows = List.of(
                new Row("image pull", status(waiting("ImagePullBackOff", 0)), "ImagePullBackOff"),
                new Row("bad name", status(waiting("InvalidImageName", 0)), "InvalidImageName"),
                new Row("config error", status(waiting("CreateContainerConfigError", 0)), "CreateContainerConfigError"),
                new Row("crash loop", status(waiting("CrashLoopBackOff", 3)), "CrashLoopBackOff"),
                new Row("one crash or two", status(waiting("CrashLoopBackOff", 2)), null),
                new Row("being created", status(waiting("ContainerCreating", 0)), null),
                new Row("running, not Ready", status(new V1ContainerStatus().name("kafka").restartCount(0)
                        .state(new V1ContainerState().running(new V1ContainerStateRunning()))), null),
                new Row("Ready", status(waiting("ImagePullBackOff", 0)).addConditionsItem(ready), null),
                new Row("no node fits", new V1PodStatus().phase("Pending").addConditionsItem(unschedulable), "Unschedulable"),
                new Row("not scheduled yet", new V1PodStatus().phase("Pending"), null),
                new Row("failed", status(waiting("ImagePullBackOff", 0)).phase("Failed"), null), // FailedPods' case
                new Row("a mesh's sidecar runs beside it", status(waiting("ImagePullBackOff", 0)).addContainerStatusesItem(
                        new V1ContainerStatus().name("istio-proxy").restartCount(0)
                                .state(new V1ContainerState().running(new V1ContainerStateRunning()))), "ImagePullBackOff"),
                new Row("no status", null, null));
        for (Row r : rows) {
            assertThat(StuckPods.stuck(new V1Pod().status(r.status()))).as(r.name()).isEqualTo(r.stuck());
        }
    }

    private static V1ContainerStatus waiting(String reason, int restarts) {
        return new V1ContainerStatus().name("kafka").restartCount(restarts)
                .state(new V1ContainerState().waiting(new V1ContainerStateWaiting().reason(reason)));
    }

    private static V1PodStatus status(V1ContainerStatus c) {
        return new V1PodStatus().phase("Pending").addContainerStatusesItem(c);
    }

    /** What the kubelet writes for a pod whose one container is in {@code containerStatus}, not Ready. */
    static void kubelet(KubeApiTestBed bed, String pod, String containerStatus) throws Exception {
        CoreV1Api core = new CoreV1Api(bed.apiClient());
        String c = containerStatus.replaceFirst("\\{", "{\"name\":\"kafka\",\"image\":\"x\",\"imageID\":\"\",\"ready\":false,");
        String body = "{\"status\":{\"phase\":\"Pending\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"}],"
                + "\"containerStatuses\":[" + c + "]}}";
        PatchUtils.patch(V1Pod.class, () -> core.patchNamespacedPodStatus(pod, NS, new V1Patch(body)).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, bed.apiClient());
    }

    static Map<String, String> uids(KubeApiTestBed bed) throws Exception {
        return OperatorFixture.pods(bed, NS, "typo").stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));
    }
}
