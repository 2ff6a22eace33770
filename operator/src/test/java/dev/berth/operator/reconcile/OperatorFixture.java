package dev.berth.operator.reconcile;

import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.ControllersSpec;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterList;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.StorageSpec;
import dev.berth.testbed.k8s.KubeApiTestBed;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.util.PatchUtils;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Shared helpers of the operator tests on the Kubernetes API test bed. */
final class OperatorFixture {
    private OperatorFixture() {}

    /** The real CRD, from deploy/ (surefire runs in the operator module directory). */
    static final Path CRD = Path.of("..", "deploy", "crd", "kafkacluster.yaml");

    /**
     * The operator a test class runs for all its tests. Its Lease tolerates an API server that stalls for
     * seconds (six builds share two cores in CI): with a 1.5 s renew deadline a single slow renewal made it
     * give up the Lease, and client-java's LeaderElector never campaigns again, so every later test of the
     * class waited on an operator that no longer reconciled. The cost: a successor started after
     * {@link Operator#close()} waits up to the 10 s lease duration.
     *
     * <p>New brokers are created together (no placement hold): the bed has no scheduler, and a test that
     * does not play the extender's bind would wait two minutes per broker. {@link #placingConfig} has the
     * default hold, for the tests of the {@link dev.berth.operator.plan.PlacementQueue}.
     */
    static OperatorConfig config(String namespace, String bootstrap, String lease, String identity) {
        return new OperatorConfig(namespace, bootstrap, Duration.ofMillis(500), lease, namespace, identity,
                Duration.ofSeconds(10), Duration.ofSeconds(8), Duration.ofMillis(250), Duration.ZERO);
    }

    /** {@link #config} with the default placement hold: new brokers are created one at a time. */
    static OperatorConfig placingConfig(String namespace, String bootstrap, String lease, String identity) {
        OperatorConfig c = config(namespace, bootstrap, lease, identity);
        return new OperatorConfig(c.namespace(), c.bootstrapOverride(), c.observeInterval(), c.leaseName(), c.leaseNamespace(),
                c.identity(), c.leaseDuration(), c.renewDeadline(), c.retryPeriod());
    }

    /**
     * An operator whose election is what the test is about: short enough that fail-over and a stolen Lease
     * show within seconds, with a 3 s renew deadline so that one slow call does not flip the leader.
     */
    static OperatorConfig electionConfig(String namespace, String lease, String identity) {
        return new OperatorConfig(namespace, null, Duration.ofMillis(500), lease, namespace, identity,
                Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofMillis(200), Duration.ZERO);
    }

    static Operator operator(KubeApiTestBed bed, OperatorConfig config) {
        return new Operator(bed.informerClient(), bed.apiClient(), config, List.of(), Clock.systemUTC());
    }

    static GenericKubernetesApi<KafkaCluster, KafkaClusterList> clusters(KubeApiTestBed bed) {
        return new GenericKubernetesApi<>(KafkaCluster.class, KafkaClusterList.class, KafkaCluster.GROUP,
                KafkaCluster.VERSION, KafkaCluster.PLURAL, bed.apiClient());
    }

    static KafkaClusterSpec spec(int controllers, int brokers, StorageSpec brokerStorage) {
        return KafkaClusterSpec.defaults()
                .withControllers(new ControllersSpec(controllers, null))
                .withBrokers(new BrokersSpec(brokers, brokerStorage, null, null));
    }

    static KafkaCluster create(KubeApiTestBed bed, String ns, String name, KafkaClusterSpec spec) throws ApiException {
        return clusters(bed).create(new KafkaCluster(new V1ObjectMeta().name(name).namespace(ns), spec))
                .throwsApiException().getObject();
    }

    static KafkaCluster get(KubeApiTestBed bed, String ns, String name) throws ApiException {
        return clusters(bed).get(ns, name).throwsApiException().getObject();
    }

    static List<V1Pod> pods(KubeApiTestBed bed, String ns, String cluster) throws ApiException {
        return new CoreV1Api(bed.apiClient()).listNamespacedPod(ns).labelSelector("berth.dev/cluster=" + cluster)
                .execute().getItems();
    }

    /** What a kubelet would do: mark the pod Running and Ready. */
    static void markReady(KubeApiTestBed bed, V1Pod pod) throws ApiException {
        String body = "{\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}";
        patchStatus(bed, pod, body, V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH);
    }

    /**
     * What a kubelet does when a readiness probe fails: the pod's conditions become Ready=False alone. A
     * JSON patch, since the bed's merge patch appends to lists, and an earlier Ready=True would stay.
     */
    static void markNotReady(KubeApiTestBed bed, V1Pod pod) throws ApiException {
        String body = "[{\"op\":\"add\",\"path\":\"/status/conditions\",\"value\":[{\"type\":\"Ready\",\"status\":\"False\"}]}]";
        patchStatus(bed, pod, body, V1Patch.PATCH_FORMAT_JSON_PATCH);
    }

    /** What kube-scheduler does when no node fits the pod: {@code PodScheduled=False}, reason {@code Unschedulable}. */
    static void markUnschedulable(KubeApiTestBed bed, V1Pod pod) throws ApiException {
        String body = "[{\"op\":\"add\",\"path\":\"/status/conditions\",\"value\":[{\"type\":\"PodScheduled\","
                + "\"status\":\"False\",\"reason\":\"Unschedulable\",\"message\":\"0/3 nodes are available\"}]}]";
        patchStatus(bed, pod, body, V1Patch.PATCH_FORMAT_JSON_PATCH);
    }

    private static void patchStatus(KubeApiTestBed bed, V1Pod pod, String body, String format) throws ApiException {
        CoreV1Api core = new CoreV1Api(bed.apiClient());
        PatchUtils.patch(V1Pod.class, () -> core.patchNamespacedPodStatus(pod.getMetadata().getName(),
                        pod.getMetadata().getNamespace(), new V1Patch(body)).buildCall(null), format, bed.apiClient());
    }

    /**
     * Closes what a test class started, in the order given, skipping what never started ({@code null}).
     * Every resource gets its close even if an earlier one failed; the first failure is rethrown.
     */
    static void closeAll(AutoCloseable... resources) {
        RuntimeException first = null;
        for (AutoCloseable r : resources) {
            try {
                if (r != null) {
                    r.close();
                }
            } catch (Exception e) {
                if (first == null) {
                    first = new IllegalStateException("closing test resources failed", e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Merge-patches a pod's metadata (what the extender does at bind). */
    static void patchPod(KubeApiTestBed bed, String ns, String name, String json) throws ApiException {
        CoreV1Api core = new CoreV1Api(bed.apiClient());
        PatchUtils.patch(V1Pod.class, () -> core.patchNamespacedPod(name, ns, new V1Patch(json)).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, bed.apiClient());
    }
}
